using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Attestation.Core.Apps;
using Attestation.Core.Attestations;
using Attestation.Core.Challenges;
using Attestation.Core.Devices;
using Attestation.Core.Errors;
using Attestation.Core.Platforms;
using Attestation.Core.Platforms.Android;
using Attestation.Core.Platforms.Apple;
using Attestation.Core.Platforms.Debug;
using Attestation.Core.Platforms.PlayIntegrity;
using Attestation.Core.Secrets;
using Attestation.Core.Telemetry;
using Attestation.Core.Text;
using Attestation.Core.Tokens;
using Attestation.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Attestation.Core.Tests.Attestations;

/// <summary>
/// Issue 16, finding 3: a refresh applies the app's current policy and the platform's current revocation data to what the
/// device attested, and a registration older than the app's maximum registration age must attest again. Each test attests
/// through the real service and platforms, then changes the world (the policy, Google's list, the clock) and refreshes.
/// </summary>
public sealed class RefreshRecheckTests : IDisposable
{
    private const string AppId = "com.contoso.demo";
    private const string AppleAppId = "ABCDE12345.com.contoso.demo";
    private const string DebugToken = "recheck-debug-token";
    private static readonly DateTimeOffset Start = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly string PlayIntegrityDigest = Base64Flexible.ToBase64Url(SHA256.HashData("recheck signing certificate"u8));

    private readonly FakeTimeProvider _clock = new(Start);
    private readonly RecordingMeterFactory _meters = new();
    private readonly MemoryDeviceStore _devices = new();
    private readonly ChangingPolicy _policy = new(Policy());
    private readonly ChangingStatusList _statusList = new();
    private readonly AndroidTestChain _chain = new();
    private readonly AppAttestTestAuthority _apple = new();
    private readonly AppAttestTestDevice _appleDevice = new();
    private readonly PlayIntegrityTokenFactory _playIntegrity = new();
    private readonly ECDsa _playIntegrityKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ChallengeService _challenges;
    private readonly AttestationService _service;

    public RefreshRecheckTests()
    {
        _challenges = new ChallengeService(new MemoryUsedChallengeStore(), new FixedChallengeKeys(), Options.Create(new ChallengeOptions()), _clock);
        var platforms = new PlatformCatalog(
        [
            AndroidKeyAttestationPlatformRegistration.Create(
                new AndroidKeyAttestationVerifier(new AndroidAttestationChainVerifier([new AndroidAttestationRootKey("test", _chain.RootKey.ExportSubjectPublicKeyInfo())]), _statusList, _clock),
                new AndroidKeyRefreshVerifier(_statusList)),
            AppleAppAttestPlatformRegistration.Create(new AppleAttestationVerifier(_clock, [_apple.RootCertificate]), new AppleAssertionVerifier()),
            DebugPlatformRegistration.Create(production: false),
            PlayIntegrityPlatformRegistration.Create(new PlayIntegrityAttestationVerifier(
                new ConfigurationSecretStore(new Dictionary<string, string?> { ["pi-decryption"] = _playIntegrity.DecryptionKeyBase64, ["pi-verification"] = _playIntegrity.VerificationKeyBase64 }),
                new UnusedDecoder(), _clock, NullLogger<PlayIntegrityAttestationVerifier>.Instance)),
        ]);
        var issuer = new TokenIssuer(Options.Create(new TokenOptions { Issuer = "https://attestation.test", Audience = "api://test" }), _clock);
        _service = new AttestationService(_policy, _challenges, platforms, _devices, new FixedSigningKeys(), issuer, _clock, new AttestationMetrics(_meters), NullLogger<AttestationService>.Instance);
    }

    [Fact]
    public async Task AnAndroidDeviceStopsRefreshingOnceGoogleListsACertificateOfItsChain()
    {
        var deviceId = await AttestAndroidAsync();
        await RefreshAndroidAsync(deviceId);

        _statusList.List(_chain.BatchSerial);
        var refused = await Assert.ThrowsAsync<AttestationException>(() => RefreshAndroidAsync(deviceId));

        Assert.Equal(AttestationErrorCode.AttestationInvalid, refused.Code);
        Assert.Equal("Certificate 1 of the chain is revoked or suspended by Google.", refused.Detail);
    }

    [Fact]
    public async Task AStricterAndroidPolicyReachesADeviceAlreadyRegistered()
    {
        var deviceId = await AttestAndroidAsync();
        await RefreshAndroidAsync(deviceId);

        _policy.Current = Policy(android: p => p.MinimumOsPatchLevel = 202601);
        var refused = await Assert.ThrowsAsync<AttestationException>(() => RefreshAndroidAsync(deviceId));

        Assert.Equal(AttestationErrorCode.PolicyViolation, refused.Code);
        Assert.Equal("The device's OS patch level is older than 202601.", refused.Detail);
    }

    [Fact]
    public async Task AnAppleKeyAttestedInDevelopmentStopsRefreshingOnceTheAppAllowsOnlyProduction()
    {
        var development = await AttestAppleAsync(_appleDevice, AppAttestTestAuthority.DevelopmentAaguid);
        using var productionDevice = new AppAttestTestDevice();
        var production = await AttestAppleAsync(productionDevice, AppAttestTestAuthority.ProductionAaguid);
        await RefreshAppleAsync(_appleDevice, development, counter: 1);

        _policy.Current = Policy(allowDevelopment: false);
        var refused = await Assert.ThrowsAsync<AttestationException>(() => RefreshAppleAsync(_appleDevice, development, counter: 2));
        await RefreshAppleAsync(productionDevice, production, counter: 1);

        Assert.Equal(AttestationErrorCode.PolicyViolation, refused.Code);
        Assert.StartsWith("The key was attested in the development environment, which this app does not allow.", refused.Detail, StringComparison.Ordinal);
        Assert.Equal(1, (await _devices.FindAsync(AppId, development))!.Counter);
    }

    [Fact]
    public async Task AnAppleDeviceWhoseRiskMetricIsAboveTheAppsMaximumIsRefusedAtRefresh()
    {
        var deviceId = await AttestAppleAsync(_appleDevice, AppAttestTestAuthority.ProductionAaguid);
        await SetRiskMetricAsync(deviceId, 5);

        _policy.Current = Policy(maximumRiskMetric: 5);
        await RefreshAppleAsync(_appleDevice, deviceId, counter: 1);
        _policy.Current = Policy(maximumRiskMetric: 4);
        var refused = await Assert.ThrowsAsync<AttestationException>(() => RefreshAppleAsync(_appleDevice, deviceId, counter: 2));

        Assert.Equal(AttestationErrorCode.PolicyViolation, refused.Code);
        Assert.StartsWith("The device's risk metric 5 is above this app's maximum of 4.", refused.Detail, StringComparison.Ordinal);
        Assert.Equal(1, (await _devices.FindAsync(AppId, deviceId))!.Counter);
    }

    [Fact]
    public async Task AnAppleDeviceWithNoRiskMetricYetRefreshesUnderAMaximum()
    {
        _policy.Current = Policy(maximumRiskMetric: 1);
        var deviceId = await AttestAppleAsync(_appleDevice, AppAttestTestAuthority.ProductionAaguid);

        await RefreshAppleAsync(_appleDevice, deviceId, counter: 1);

        Assert.Equal(1, (await _devices.FindAsync(AppId, deviceId))!.Counter);
    }

    [Fact]
    public async Task ADecoyAppAnswersARiskMetricAboveTheMaximumWithADecoyAndStoresNothing()
    {
        var deviceId = await AttestAppleAsync(_appleDevice, AppAttestTestAuthority.ProductionAaguid);
        await SetRiskMetricAsync(deviceId, 9);
        _policy.Current = Policy(maximumRiskMetric: 2, failureMode: FailureMode.Decoy);

        // No refusal: a token comes back, but the genuine path's write of the new counter did not happen.
        await RefreshAppleAsync(_appleDevice, deviceId, counter: 1);

        Assert.Equal(0, (await _devices.FindAsync(AppId, deviceId))!.Counter);
    }

    private async Task SetRiskMetricAsync(string deviceId, long riskMetric)
    {
        var row = (await _devices.FindAsync(AppId, deviceId))!;
        Assert.True(await _devices.TryUpdateAsync(row with { RiskMetric = riskMetric, RiskMetricUpdatedAt = _clock.GetUtcNow() }));
    }

    [Fact]
    public async Task AStricterPlayIntegrityPolicyReachesADeviceThatRefreshesWithItsKey()
    {
        var deviceId = await AttestPlayIntegrityAsync();
        await RefreshPlayIntegrityAsync(deviceId);

        _policy.Current = Policy(playIntegrity: p => p.MinimumDeviceVerdict = "strong");
        var refused = await Assert.ThrowsAsync<AttestationException>(() => RefreshPlayIntegrityAsync(deviceId));

        Assert.Equal(AttestationErrorCode.PolicyViolation, refused.Code);
        Assert.StartsWith("The device does not meet MEETS_STRONG_INTEGRITY", refused.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APlayIntegrityKeyPastTheMaximumAgeAttestsAgainWithTheSameKeyAndDeviceId()
    {
        var deviceId = await AttestPlayIntegrityAsync();

        _clock.Advance(TimeSpan.FromDays(30) + TimeSpan.FromSeconds(1));
        var refused = await Assert.ThrowsAsync<AttestationException>(() => RefreshPlayIntegrityAsync(deviceId));
        var again = await AttestPlayIntegrityAsync();
        await RefreshPlayIntegrityAsync(deviceId);

        Assert.Equal(AttestationErrorCode.AttestationRequired, refused.Code);
        Assert.Equal(deviceId, again);
        var row = (await _devices.FindAsync(AppId, deviceId))!;
        Assert.Equal(_clock.GetUtcNow(), row.AttestedAt);
        Assert.Equal(Start, row.FirstSeen);
        Assert.Equal(_playIntegrityKey.ExportSubjectPublicKeyInfo(), row.PublicKey);
        Assert.Equal(AppId, PlayIntegrityRegisteredFacts.FromText(row.AttestedFacts)!.RequestPackageName);
    }

    [Fact]
    public async Task ARegistrationOlderThanTheDefaultThirtyDaysMustAttestAgainAndAttestingAgainRestartsItsAge()
    {
        var deviceId = await AttestDebugAsync();

        _clock.Advance(TimeSpan.FromDays(30));
        await RefreshDebugAsync(deviceId);
        _clock.Advance(TimeSpan.FromSeconds(1));
        var refused = await Assert.ThrowsAsync<AttestationException>(() => RefreshDebugAsync(deviceId));
        await AttestDebugAsync();
        await RefreshDebugAsync(deviceId);

        Assert.Equal(AttestationErrorCode.AttestationRequired, refused.Code);
        Assert.Equal(_clock.GetUtcNow(), (await _devices.FindAsync(AppId, deviceId))!.AttestedAt);
        Assert.Equal(Start, (await _devices.FindAsync(AppId, deviceId))!.FirstSeen);
    }

    [Fact]
    public async Task AnAppsOwnMaximumRegistrationAgeApplies()
    {
        _policy.Current = Policy(maximumAge: TimeSpan.FromHours(12));
        var deviceId = await AttestAndroidAsync();

        _clock.Advance(TimeSpan.FromHours(12) + TimeSpan.FromTicks(1));
        var refused = await Assert.ThrowsAsync<AttestationException>(() => RefreshAndroidAsync(deviceId));

        Assert.Equal(AttestationErrorCode.AttestationRequired, refused.Code);
    }

    [Fact]
    public async Task ARegistrationWrittenBeforeFactsWereKeptRefreshesUncheckedUntilItsFirstSeenIsTooOld()
    {
        // docs/api.md: such a row has neither facts nor AttestedAt; its age counts from FirstSeen.
        var deviceId = Base64Flexible.ToBase64Url(SHA256.HashData(_chain.LeafPublicKey));
        _devices.Seed(new DeviceRegistration(AppId, deviceId, PlatformNames.AndroidKeyAttestation, _chain.LeafPublicKey, 0,
            Start.AddDays(-29), Start.AddDays(-1), "android tee v300, boot VERIFIED, root test", DeviceStatus.Active));
        _statusList.List(_chain.BatchSerial);
        _policy.Current = Policy(android: p => p.MinimumOsPatchLevel = 209912);

        await RefreshAndroidAsync(deviceId);
        _clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(1));
        var refused = await Assert.ThrowsAsync<AttestationException>(() => RefreshAndroidAsync(deviceId));

        Assert.Equal(AttestationErrorCode.AttestationRequired, refused.Code);
    }

    [Fact]
    public async Task DecoyModeAnswersAttestationRequiredForTheAppMustAttestAgain()
    {
        _policy.Current = Policy(failureMode: FailureMode.Decoy);
        var deviceId = await AttestDebugAsync();
        _clock.Advance(TimeSpan.FromDays(31));

        var refused = await Assert.ThrowsAsync<AttestationException>(() => RefreshDebugAsync(deviceId));

        Assert.Equal(AttestationErrorCode.AttestationRequired, refused.Code);
    }

    [Fact]
    public async Task AttestationStoresItsInstantAndThePlatformsFacts()
    {
        var android = await AttestAndroidAsync();
        var apple = await AttestAppleAsync(_appleDevice, AppAttestTestAuthority.ProductionAaguid);
        var debug = await AttestDebugAsync();

        var androidRow = (await _devices.FindAsync(AppId, android))!;
        var appleRow = (await _devices.FindAsync(AppId, apple))!;
        var debugRow = (await _devices.FindAsync(AppId, debug))!;

        Assert.All([androidRow, appleRow, debugRow], row => Assert.Equal(Start, row.AttestedAt));
        Assert.Equal(Convert.ToHexStringLower(_chain.BatchSerial).TrimStart('0'), AndroidKeyRegisteredFacts.FromText(androidRow.AttestedFacts)!.ChainSerials[1]);
        Assert.Equal(AppAttestEnvironment.Production, AppleRegisteredFacts.FromText(appleRow.AttestedFacts)!.Environment);
        Assert.Null(debugRow.AttestedFacts);
    }

    public void Dispose()
    {
        _apple.Dispose();
        _appleDevice.Dispose();
        _playIntegrity.Dispose();
        _playIntegrityKey.Dispose();
        _meters.Dispose();
    }

    private static AppPolicy Policy(
        Action<AndroidKeyAttestationPolicy>? android = null, bool allowDevelopment = true, TimeSpan? maximumAge = null, FailureMode failureMode = FailureMode.Reject,
        Action<PlayIntegrityPolicy>? playIntegrity = null, int? maximumRiskMetric = null)
    {
        var playIntegritySection = new PlayIntegrityPolicy { PackageName = AppId, DecryptionKeySecretName = "pi-decryption", VerificationKeySecretName = "pi-verification" };
        playIntegritySection.SigningCertificateDigests.Add(PlayIntegrityDigest);
        playIntegrity?.Invoke(playIntegritySection);
        var androidKey = new AndroidKeyAttestationPolicy { PackageName = AppId };
        androidKey.SigningCertificateDigests.Add(Convert.ToHexString(AndroidTestChain.DemoSigningDigest));
        android?.Invoke(androidKey);
        var policy = new AppPolicy(AppId, [.. PlatformNames.All], failureMode, [SHA256.HashData(Encoding.UTF8.GetBytes(DebugToken))])
        {
            AndroidKey = androidKey,
            Apple = new AppleAppAttestPolicy { TeamId = "ABCDE12345", BundleId = AppId, AllowDevelopment = allowDevelopment, MaximumRiskMetric = maximumRiskMetric },
            PlayIntegrity = playIntegritySection,
        };
        return maximumAge is { } age ? WithAge(policy, age) : policy;
    }

    private static AppPolicy WithAge(AppPolicy policy, TimeSpan age) =>
        new(policy.AppId, policy.Platforms, policy.FailureMode, policy.Debug.TokenHashes)
        {
            AndroidKey = policy.AndroidKey,
            Apple = policy.Apple,
            PlayIntegrity = policy.PlayIntegrity,
            MaximumRegistrationAge = age,
        };

    private async Task<string> AttestAndroidAsync()
    {
        var challenge = await ChallengeAsync();
        _chain.Challenge = Encoding.UTF8.GetBytes(challenge);
        var token = await _service.AttestAsync(new AttestCommand(AppId, PlatformNames.AndroidKeyAttestation, challenge, null, Json(_chain.Evidence())));
        return token.DeviceId;
    }

    private async Task RefreshAndroidAsync(string deviceId)
    {
        var challenge = await ChallengeAsync();
        var signature = _chain.LeafKey.SignData(Encoding.UTF8.GetBytes(challenge), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        await _service.RefreshAsync(new RefreshCommand(AppId, deviceId, challenge, null, Json(new { signature = Convert.ToBase64String(signature) })));
    }

    private async Task<string> AttestAppleAsync(AppAttestTestDevice device, byte[] aaguid)
    {
        var challenge = await ChallengeAsync();
        var shape = new AttestationShape(AppleAppId, SHA256.HashData(Encoding.UTF8.GetBytes(challenge)), _clock.GetUtcNow()) { Aaguid = aaguid };
        var evidence = new { keyId = Convert.ToBase64String(device.KeyId), attestationObject = Convert.ToBase64String(_apple.Attest(device, shape)) };
        return (await _service.AttestAsync(new AttestCommand(AppId, PlatformNames.AppleAppAttest, challenge, null, Json(evidence)))).DeviceId;
    }

    private async Task RefreshAppleAsync(AppAttestTestDevice device, string deviceId, uint counter)
    {
        var challenge = await ChallengeAsync();
        var assertion = AppAttestTestAuthority.Assert(device, AppleAppId, SHA256.HashData(Encoding.UTF8.GetBytes(challenge)), counter);
        await _service.RefreshAsync(new RefreshCommand(AppId, deviceId, challenge, null, Json(new { assertion = Convert.ToBase64String(assertion) })));
    }

    private async Task<string> AttestDebugAsync()
    {
        var challenge = await ChallengeAsync();
        return (await _service.AttestAsync(new AttestCommand(AppId, PlatformNames.Debug, challenge, null, Json(new { debugToken = DebugToken })))).DeviceId;
    }

    private async Task RefreshDebugAsync(string deviceId)
    {
        var challenge = await ChallengeAsync();
        await _service.RefreshAsync(new RefreshCommand(AppId, deviceId, challenge, null, Json(new { debugToken = DebugToken })));
    }

    private async Task<string> AttestPlayIntegrityAsync()
    {
        var challenge = await ChallengeAsync();
        var spki = _playIntegrityKey.ExportSubjectPublicKeyInfo();
        var token = _playIntegrity.CreateToken(PlayIntegrityTokenFactory.Verdict(AppId, PlayIntegrityTokenFactory.DeviceKeyBinding(challenge, spki), _clock.GetUtcNow(), PlayIntegrityDigest));
        var evidence = new { integrityToken = token, deviceKey = Convert.ToBase64String(spki) };
        return (await _service.AttestAsync(new AttestCommand(AppId, PlatformNames.PlayIntegrity, challenge, null, Json(evidence)))).DeviceId;
    }

    private async Task RefreshPlayIntegrityAsync(string deviceId)
    {
        var challenge = await ChallengeAsync();
        var signature = _playIntegrityKey.SignData(Encoding.UTF8.GetBytes(challenge), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        await _service.RefreshAsync(new RefreshCommand(AppId, deviceId, challenge, null, Json(new { signature = Convert.ToBase64String(signature) })));
    }

    private async Task<string> ChallengeAsync() => (await _challenges.IssueAsync(AppId)).Value;

    private static JsonElement Json(object value) => JsonSerializer.SerializeToElement(value);

    /// <summary>The policy the app registry would serve now; a test replaces it as an administrator's PUT would.</summary>
    private sealed class ChangingPolicy(AppPolicy initial) : IAppPolicyProvider
    {
        public AppPolicy Current { get; set; } = initial;

        public ValueTask<AppPolicy?> FindAsync(string appId, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult<AppPolicy?>(appId == Current.AppId ? Current : null);
    }

    /// <summary>Classic tokens only: Google is never asked here.</summary>
    private sealed class UnusedDecoder : IPlayIntegrityDecoder
    {
        public Task<IntegrityVerdict> DecodeAsync(string packageName, string integrityToken, string serviceAccountJson, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("No standard token is sent here.");
    }

    /// <summary>Google's status list as the cache would serve it; a test lists a serial as Google would.</summary>
    private sealed class ChangingStatusList : IAndroidAttestationStatusSource
    {
        private AndroidAttestationStatusList _list = AndroidAttestationStatusList.Empty;

        public void List(byte[] serial) => _list = Platforms.Android.AndroidKeyRefreshVerifierTests.Listing(serial);

        public Task<AndroidAttestationStatusList> GetAsync(CancellationToken cancellationToken = default) => Task.FromResult(_list);
    }

    /// <summary>A device table with ETags, as Table Storage behaves for the calls the flows make.</summary>
    private sealed class MemoryDeviceStore : IDeviceStore
    {
        private readonly Dictionary<(string, string), DeviceRegistration> _rows = [];
        private int _version;

        public void Seed(DeviceRegistration registration) => _rows[(registration.AppId, registration.DeviceId)] = Stamped(registration);

        public Task<DeviceRegistration?> FindAsync(string appId, string deviceId, CancellationToken cancellationToken = default) =>
            Task.FromResult(_rows.GetValueOrDefault((appId, deviceId)));

        public Task<bool> TryAddAsync(DeviceRegistration registration, CancellationToken cancellationToken = default) =>
            Task.FromResult(_rows.TryAdd((registration.AppId, registration.DeviceId), Stamped(registration)));

        public Task<bool> TryUpdateAsync(DeviceRegistration registration, CancellationToken cancellationToken = default)
        {
            var key = (registration.AppId, registration.DeviceId);
            if (!_rows.TryGetValue(key, out var stored) || stored.ConcurrencyStamp != registration.ConcurrencyStamp)
            {
                return Task.FromResult(false);
            }

            _rows[key] = Stamped(registration);
            return Task.FromResult(true);
        }

        public Task ImitateUpdateAsync(string appId, string deviceId, CancellationToken cancellationToken = default) => Task.CompletedTask;

        private DeviceRegistration Stamped(DeviceRegistration registration) =>
            registration with { ConcurrencyStamp = (++_version).ToString(System.Globalization.CultureInfo.InvariantCulture) };
    }

}
