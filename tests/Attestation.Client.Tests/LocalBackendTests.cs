using System.Net;
using Attestation.Core.Administration;
using Attestation.Core.Devices;
using Attestation.Functions.Tests;
using Attestation.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Attestation.Client.Tests;

/// <summary>The library against the real local host (local.settings.sample.json's demo apps) with the debug provider.</summary>
public sealed class LocalBackendTests : IAsyncLifetime
{
    private RunningBackend _backend = null!;
    // The client's clock decides when to refresh; the backend keeps real time, so advancing it stays within the token's life.
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    public async Task InitializeAsync() => _backend = await RunningBackend.StartAsync();

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    [Fact]
    public async Task TheFirstTokenVerifiesBoundToTheSessionThenIsCachedThenRefreshes()
    {
        using var logs = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        using var source = Source(RunningBackend.DemoApp, factory.CreateLogger<AttestationTokenSource>());

        var first = await source.GetTokenAsync("Bearer user-1");
        var cached = await source.GetTokenAsync("Bearer user-1");
        _clock.Advance(first.ExpiresAt - _clock.GetUtcNow() - TimeSpan.FromSeconds(30));
        var refreshed = await source.GetTokenAsync("Bearer user-1");

        Assert.Same(first, cached);
        Assert.NotEqual(first.Value, refreshed.Value);
        Assert.Equal(first.DeviceId, refreshed.DeviceId);
        Assert.Equal(ChallengeBytes.Binding(RunningBackend.DebugToken), first.DeviceId);
        foreach (var token in new[] { first, refreshed })
        {
            var verified = await _backend.VerifyAsync(token.Value, binding: "Bearer user-1");
            Assert.True(verified.GetProperty("valid").GetBoolean());
        }

        Assert.Equal("binding_mismatch", (await _backend.VerifyAsync(refreshed.Value, binding: "Bearer user-2")).GetProperty("reason").GetString());
        Assert.Contains("Refreshing device", logs.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain(first.Value, logs.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain(refreshed.Value, logs.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain(RunningBackend.DebugToken, logs.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownDeviceIdAttestsInsteadOfRefreshing()
    {
        using var source = Source(RunningBackend.DemoApp, options: new AttestationTokenSourceOptions { DeviceId = ChallengeBytes.Binding("never-registered") });

        var token = await source.GetTokenAsync();

        Assert.Equal(ChallengeBytes.Binding(RunningBackend.DebugToken), token.DeviceId);
        Assert.True((await _backend.VerifyAsync(token.Value)).GetProperty("valid").GetBoolean());
    }

    [Fact]
    public async Task ADecoyAppAnswersWithATokenThatNoVerifierTrusts()
    {
        using var source = Source(RunningBackend.DecoyApp, provider: new DebugAttestationProvider("not-a-registered-token"));

        var token = await source.GetTokenAsync();

        Assert.False((await _backend.VerifyAsync(token.Value)).GetProperty("valid").GetBoolean());
    }

    [Fact]
    public async Task ARevokedDeviceStopsAtItsNextRefresh()
    {
        using var source = Source(RunningBackend.DemoApp);
        var token = await source.GetTokenAsync();

        await _backend.Services.GetRequiredService<DeviceAdministration>().SetStatusAsync(RunningBackend.DemoApp, token.DeviceId, DeviceStatus.Revoked);
        _clock.Advance(token.ExpiresAt - _clock.GetUtcNow());
        var refused = await Assert.ThrowsAsync<AttestationException>(() => source.GetTokenAsync());

        Assert.Equal(AttestationAction.Stop, refused.Action);
        Assert.Equal("device_revoked", refused.Code);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task AWrongDebugTokenStops()
    {
        using var source = Source(RunningBackend.DemoApp, provider: new DebugAttestationProvider("not-a-registered-token"));

        var refused = await Assert.ThrowsAsync<AttestationException>(() => source.GetTokenAsync());

        Assert.Equal("attestation_invalid", refused.Code);
        Assert.Equal(AttestationAction.Stop, refused.Action);
    }

    [Fact]
    public async Task AnUnknownAppIsFixRequest()
    {
        using var source = Source("com.contoso.unknown");

        var refused = await Assert.ThrowsAsync<AttestationException>(() => source.GetTokenAsync());

        Assert.Equal("app_unknown", refused.Code);
        Assert.Equal(AttestationAction.FixRequest, refused.Action);
    }

    private AttestationTokenSource Source(
        string appId,
        ILogger<AttestationTokenSource>? logger = null,
        IAttestationProvider? provider = null,
        AttestationTokenSourceOptions? options = null) =>
        new(
            new AttestationServiceClient(_backend.Anonymous, _backend.Address, appId, _clock),
            provider ?? new DebugAttestationProvider(RunningBackend.DebugToken),
            options,
            logger,
            _clock);
}
