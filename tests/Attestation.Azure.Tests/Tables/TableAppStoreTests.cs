using Attestation.Azure.Tables;
using Attestation.Core.Apps;
using Attestation.Core.Platforms.Android;
using Attestation.Core.Platforms.Apple;
using Attestation.Core.Platforms.PlayIntegrity;

namespace Attestation.Azure.Tests.Tables;

public class TableAppStoreTests
{
    [Fact]
    public async Task AnAppIsStoredWithEveryPlatformSectionAndReadBack()
    {
        var store = new TableAppStore(await AzuriteTables.CreateAsync());
        var app = FullApp("com.contoso.full");

        Assert.True(await store.TryAddAsync(app));
        var stored = await store.FindAsync("com.contoso.full");

        Assert.NotNull(stored);
        Assert.NotNull(stored.ConcurrencyStamp);
        Assert.Equal(AppPolicyJson.Serialize(app), AppPolicyJson.Serialize(stored.Configuration));
        Assert.Equal(["apple-app-attest", "android-key-attestation", "play-integrity", "debug"], stored.Configuration.Platforms);
        Assert.Equal("ABCDE12345", stored.Configuration.Apple!.TeamId);
        Assert.True(stored.Configuration.Apple.AllowDevelopment);
        Assert.Equal(202601, stored.Configuration.AndroidKey!.MinimumOsPatchLevel);
        Assert.Equal(["AA:BB"], stored.Configuration.AndroidKey.SigningCertificateDigests);
        Assert.Equal(["cGxheQ"], stored.Configuration.PlayIntegrity!.SigningCertificateDigests);
    }

    [Fact]
    public async Task AnAppIdIsAddedOnce()
    {
        var store = new TableAppStore(await AzuriteTables.CreateAsync());

        Assert.True(await store.TryAddAsync(FullApp("com.contoso.once")));
        var second = FullApp("com.contoso.once");
        second.FailureMode = "decoy";
        Assert.False(await store.TryAddAsync(second));

        Assert.Equal("reject", (await store.FindAsync("com.contoso.once"))!.Configuration.FailureMode);
    }

    [Fact]
    public async Task OfTwoUpdatesFromTheSameReadOnlyTheFirstIsWritten()
    {
        var store = new TableAppStore(await AzuriteTables.CreateAsync());
        await store.TryAddAsync(FullApp("com.contoso.race"));
        var read = (await store.FindAsync("com.contoso.race"))!;

        read.Configuration.FailureMode = "decoy";
        Assert.True(await store.TryUpdateAsync(read));
        read.Configuration.FailureMode = "reject";
        Assert.False(await store.TryUpdateAsync(read));

        Assert.Equal("decoy", (await store.FindAsync("com.contoso.race"))!.Configuration.FailureMode);
    }

    [Fact]
    public async Task AnUpdateOfAnAppThatIsNotStoredWritesNothing()
    {
        var store = new TableAppStore(await AzuriteTables.CreateAsync());

        Assert.False(await store.TryUpdateAsync(new AppRecord(FullApp("com.contoso.ghost"), "W/\"datetime'2026-01-01T00%3A00%3A00Z'\"")));
        Assert.Null(await store.FindAsync("com.contoso.ghost"));
    }

    [Fact]
    public async Task EveryStoredAppIsListed()
    {
        var store = new TableAppStore(await AzuriteTables.CreateAsync());
        await store.TryAddAsync(FullApp("com.contoso.a"));
        await store.TryAddAsync(FullApp("com.contoso.b"));

        var listed = await store.ListAsync();

        Assert.Equal(["com.contoso.a", "com.contoso.b"], listed.Select(a => a.AppId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void TheStoredFormRefusesAnUnknownField()
    {
        var failure = Assert.Throws<Attestation.Core.Errors.AttestationException>(() => AppPolicyJson.Deserialize("""{"appId":"x","platfroms":["debug"]}"""));

        Assert.Equal(Attestation.Core.Errors.AttestationErrorCode.InvalidRequest, failure.Code);
    }

    internal static AppPolicyConfiguration FullApp(string appId)
    {
        var app = new AppPolicyConfiguration
        {
            AppId = appId,
            Apple = new AppleAppAttestPolicy { TeamId = "ABCDE12345", BundleId = "com.contoso.app", AllowDevelopment = true },
            AndroidKey = new AndroidKeyAttestationPolicy { PackageName = "com.contoso.app", MinimumOsPatchLevel = 202601, RequireLockedBootloader = false },
            PlayIntegrity = new PlayIntegrityPolicy { PackageName = "com.contoso.app" },
        };
        foreach (var platform in new[] { "apple-app-attest", "android-key-attestation", "play-integrity", "debug" })
        {
            app.Platforms.Add(platform);
        }

        app.DebugTokenSha256.Add("e2fbfc533db9e315d52e7b74fb097270ea7c0623f16da29978b3d95e52502009");
        app.AndroidKey.SigningCertificateDigests.Add("AA:BB");
        app.PlayIntegrity.SigningCertificateDigests.Add("cGxheQ");
        return app;
    }
}
