using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Attestation.Core.Apps;
using Attestation.Core.Attestations;
using Attestation.Core.Challenges;
using Attestation.Core.Devices;
using Attestation.Core.Errors;
using Attestation.Core.Platforms;
using Attestation.Core.Platforms.Apple;
using Attestation.Core.Platforms.Debug;
using Attestation.Core.Telemetry;
using Attestation.Core.Text;
using Attestation.Core.Tokens;
using Attestation.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Attestation.Core.Tests.Platforms.Apple;

/// <summary>
/// Two refreshes that carry the same counter and read the device at the same moment: both assertions verify against the
/// stored counter, so only the ETag-conditional write can tell them apart. Exactly one may get a token.
/// </summary>
public sealed class AppleRefreshConcurrencyTests : IDisposable
{
    private const string AppId = "com.contoso.demo";
    private const string AppleAppId = "ABCDE12345.com.contoso.demo";

    private readonly AppAttestTestDevice _device = new();
    private readonly RecordingMeterFactory _meters = new();

    [Fact]
    public async Task TwoRefreshesThatReadTheSameCounterGetExactlyOneToken()
    {
        var deviceId = Base64Flexible.ToBase64Url(_device.KeyId);
        var registry = new SimultaneousReadDeviceStore(parties: 2);
        registry.Seed(new DeviceRegistration(AppId, deviceId, PlatformNames.AppleAppAttest, _device.SubjectPublicKeyInfo, 0, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, "apple-app-attest development", DeviceStatus.Active));
        var challenges = new ChallengeService(new MemoryUsedChallengeStore(), new FixedChallengeKeys(), Options.Create(new ChallengeOptions()), TimeProvider.System);
        var service = Service(registry, challenges);
        var first = await challenges.IssueAsync(AppId);
        var second = await challenges.IssueAsync(AppId);

        registry.Arm();
        var outcomes = await Task.WhenAll(
            Outcome(service.RefreshAsync(Refresh(deviceId, first.Value, 1))),
            Outcome(service.RefreshAsync(Refresh(deviceId, second.Value, 1))));

        Assert.Single(outcomes, o => o is null);
        var refused = Assert.Single(outcomes, o => o is not null)!;
        Assert.Equal(AttestationErrorCode.ProofInvalid, refused.Code);
        Assert.Contains("serialize refreshes", refused.Detail, StringComparison.Ordinal);
        Assert.Equal(1, (await registry.FindAsync(AppId, deviceId))!.Counter);
    }

    public void Dispose()
    {
        _device.Dispose();
        _meters.Dispose();
    }

    private RefreshCommand Refresh(string deviceId, string challenge, uint counter)
    {
        var assertion = AppAttestTestAuthority.Assert(_device, AppleAppId, SHA256.HashData(Encoding.UTF8.GetBytes(challenge)), counter);
        using var proof = JsonDocument.Parse($$"""{"assertion":"{{Convert.ToBase64String(assertion)}}"}""");
        return new RefreshCommand(AppId, deviceId, challenge, null, proof.RootElement.Clone());
    }

    private static async Task<AttestationException?> Outcome(Task<IssuedToken> refresh)
    {
        try
        {
            await refresh;
            return null;
        }
        catch (AttestationException refused)
        {
            return refused;
        }
    }

    private AttestationService Service(IDeviceStore registry, ChallengeService challenges)
    {
        var policy = new AppPolicy(AppId, [PlatformNames.AppleAppAttest], FailureMode.Reject, [])
        {
            Apple = new AppleAppAttestPolicy { TeamId = "ABCDE12345", BundleId = AppId, AllowDevelopment = true },
        };
        var platforms = new PlatformCatalog(
        [
            AppleAppAttestPlatformRegistration.Create(new AppleAttestationVerifier(TimeProvider.System), new AppleAssertionVerifier()),
            DebugPlatformRegistration.Create(production: false),
        ]);
        var issuer = new TokenIssuer(Options.Create(new TokenOptions { Issuer = "https://attestation.test", Audience = "api://test" }), TimeProvider.System);
        return new AttestationService(new OnePolicy(policy), challenges, platforms, registry, new FixedSigningKeys(), issuer, TimeProvider.System, new AttestationMetrics(_meters), NullLogger<AttestationService>.Instance);
    }

    private sealed class OnePolicy(AppPolicy policy) : IAppPolicyProvider
    {
        public ValueTask<AppPolicy?> FindAsync(string appId, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult<AppPolicy?>(appId == policy.AppId ? policy : null);
    }

    /// <summary>A registry with ETags whose reads, once armed, wait until every party has read: a deterministic race.</summary>
    private sealed class SimultaneousReadDeviceStore(int parties) : IDeviceStore
    {
        private readonly Lock _gate = new();
        private readonly TaskCompletionSource _allRead = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private DeviceRegistration? _stored;
        private int _version;
        private int _reads;
        private bool _armed;

        public void Seed(DeviceRegistration registration)
        {
            lock (_gate)
            {
                _stored = registration with { ConcurrencyStamp = (++_version).ToString(System.Globalization.CultureInfo.InvariantCulture) };
            }
        }

        public void Arm() => _armed = true;

        public Task ImitateUpdateAsync(string appId, string deviceId, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public async Task<DeviceRegistration?> FindAsync(string appId, string deviceId, CancellationToken cancellationToken = default)
        {
            DeviceRegistration? read;
            lock (_gate)
            {
                read = _stored is not null && _stored.AppId == appId && _stored.DeviceId == deviceId ? _stored : null;
            }

            var reader = _armed ? Interlocked.Increment(ref _reads) : int.MaxValue;
            if (reader <= parties)
            {
                if (reader == parties)
                {
                    _allRead.TrySetResult();
                }

                await _allRead.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            }

            return read;
        }

        public Task<bool> TryAddAsync(DeviceRegistration registration, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<bool> TryUpdateAsync(DeviceRegistration registration, CancellationToken cancellationToken = default)
        {
            lock (_gate)
            {
                if (_stored is null || _stored.ConcurrencyStamp != registration.ConcurrencyStamp)
                {
                    return Task.FromResult(false);
                }

                _stored = registration with { ConcurrencyStamp = (++_version).ToString(System.Globalization.CultureInfo.InvariantCulture) };
                return Task.FromResult(true);
            }
        }
    }
}
