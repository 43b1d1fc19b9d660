using Attestation.Core.Platforms.Android;
using Attestation.Google.Android;
using Attestation.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Attestation.Google.Tests.Android;

/// <summary>The platform's status list as the backend wires it: Core's cache over the file or Google's endpoint.</summary>
public sealed class AndroidStatusListRegistrationTests
{
    [Fact]
    public async Task ALocalFileIsReadInsteadOfTheNetwork()
    {
        var handler = new FakeStatusListHandler([]) { Fail = true };
        using var provider = Provider(handler, ("Attestation:AndroidKey:StatusListFile", AndroidVectors.StatusListSamplePath));

        var list = await provider.GetRequiredService<IAndroidAttestationStatusSource>().GetAsync();

        Assert.IsType<FileAndroidStatusListFetcher>(provider.GetRequiredService<IAndroidStatusListFetcher>());
        Assert.Equal(5, list.Count);
        Assert.Equal(0, handler.Calls);
    }

    [Fact]
    public async Task WithoutAFileTheListIsFetchedFromTheConfiguredUriThroughTheKeyedClient()
    {
        var handler = new FakeStatusListHandler(await File.ReadAllBytesAsync(AndroidVectors.StatusListSamplePath));
        using var provider = Provider(handler, ("Attestation:AndroidKey:StatusListUri", "https://status.example.test/attestation/status"));

        var list = await provider.GetRequiredService<IAndroidAttestationStatusSource>().GetAsync();

        Assert.IsType<GoogleAndroidStatusListFetcher>(provider.GetRequiredService<IAndroidStatusListFetcher>());
        Assert.Equal(5, list.Count);
        Assert.Equal(new Uri("https://status.example.test/attestation/status"), handler.LastUri);
    }

    private static ServiceProvider Provider(FakeStatusListHandler handler, (string Key, string Value) setting)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new(setting.Key, setting.Value)]).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);

        // The keyed client is replaced before the adapter registers its own (TryAdd), as the backend's tests may do.
        services.AddKeyedSingleton(AndroidStatusListRegistration.StatusListHttpClient, (_, _) => new HttpClient(handler));
        services.AddAndroidKeyAttestationPlatform(configuration, production: false);
        services.AddGoogleAndroidStatusList();
        return services.BuildServiceProvider();
    }
}
