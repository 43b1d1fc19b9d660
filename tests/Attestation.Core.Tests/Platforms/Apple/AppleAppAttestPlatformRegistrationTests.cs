using System.Collections.Concurrent;
using Attestation.Core.Attestations;
using Attestation.Core.Platforms;
using Attestation.Core.Platforms.Apple;
using Attestation.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Attestation.Core.Tests.Platforms.Apple;

public sealed class AppleAppAttestPlatformRegistrationTests : IDisposable
{
    private readonly AppAttestTestAuthority _authority = new();
    private readonly RecordingLoggerProvider _logs = new();

    [Fact]
    public void TheRegisteredPlatformIsAppleAppAttestAndRefreshes()
    {
        using var services = Services([]);

        var platform = services.GetRequiredService<AttestationPlatform>();

        Assert.Equal(PlatformNames.AppleAppAttest, platform.Name);
        Assert.True(platform.SupportsRefresh);
        Assert.Empty(_logs.Warnings);
    }

    [Fact]
    public void EachTestOnlyRootIsLoggedAsAWarningWhenTheVerifierIsBuilt()
    {
        using var services = Services(new() { ["Attestation:AppleAppAttest:TestOnlyTrustedRoots:0"] = _authority.RootPem });

        services.GetRequiredService<AttestationPlatform>();

        var warning = Assert.Single(_logs.Warnings);
        Assert.Contains("TEST-ONLY App Attest root", warning, StringComparison.Ordinal);
        Assert.Contains(_authority.RootCertificate.Thumbprint, warning, StringComparison.Ordinal);
    }

    [Fact]
    public void TestOnlyRootsStopTheStartInProduction()
    {
        using var services = Services(new() { ["Attestation:AppleAppAttest:TestOnlyTrustedRoots:0"] = _authority.RootPem }, production: true);

        var refused = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<AppleAppAttestOptions>>().Value);

        Assert.Contains("runs in production", refused.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _authority.Dispose();
        _logs.Dispose();
    }

    private ServiceProvider Services(Dictionary<string, string?> settings, bool production = false)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection()
            .AddSingleton(TimeProvider.System)
            .AddLogging(logging => logging.AddProvider(_logs))
            .AddAppleAppAttestPlatform(configuration, production);
        return services.BuildServiceProvider();
    }

    /// <summary>Keeps the text of every warning logged.</summary>
    private sealed class RecordingLoggerProvider : ILoggerProvider
    {
        private readonly ConcurrentQueue<string> _warnings = new();

        public IReadOnlyCollection<string> Warnings => _warnings;

        public ILogger CreateLogger(string categoryName) => new RecordingLogger(_warnings);

        public void Dispose()
        {
        }

        private sealed class RecordingLogger(ConcurrentQueue<string> warnings) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (logLevel == LogLevel.Warning)
                {
                    warnings.Enqueue(formatter(state, exception));
                }
            }
        }
    }
}
