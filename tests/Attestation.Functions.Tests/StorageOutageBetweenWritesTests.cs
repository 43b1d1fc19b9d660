using System.Net;
using Attestation.Azure.Tables;
using Attestation.Core.Administration;
using Attestation.Core.Apps;
using Attestation.Core.Devices;
using Attestation.Core.Errors;
using Attestation.Core.Revocation;
using Attestation.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Attestation.Functions.Tests;

/// <summary>
/// Issue 15, finding 7: every operation that writes more than once, with storage cut just before its later write
/// (<see cref="StorageCut"/>), so the earlier writes have landed. Storage keeps its data through the cut, so what the
/// operation left behind is read back afterwards: it must be a state the contract allows, never a half change that a retry
/// cannot finish. <see cref="StorageOutageTests"/> covers a cut before the first write (attest, refresh, consume). The tests
/// share one Azurite (a process start is slow on a loaded machine), each with its own tables, and run one at a time.
/// </summary>
public sealed class StorageOutageBetweenWritesTests(StorageOutageBetweenWritesTests.OwnAzurite own) : IAsyncLifetime, IClassFixture<StorageOutageBetweenWritesTests.OwnAzurite>
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly AzuriteProcess _azurite = own.Azurite;
    private readonly System.Security.Cryptography.ECDsa _androidRoot = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP384);
    private StorageCut _cut = null!;
    private RunningBackend _backend = null!;

    public async Task InitializeAsync()
    {
        _cut = new StorageCut(_azurite);
        var clientOptions = TableStorage.CreateClientOptions();
        clientOptions.AddPolicy(_cut, global::Azure.Core.HttpPipelinePosition.PerRetry);
        _backend = await RunningBackend.StartAsync(_azurite.ConnectionString, services: s => s.AddSingleton<TimeProvider>(_clock).AddSingleton(clientOptions), settings:
        [
            $"--Attestation:AndroidKey:TestOnlyTrustedRootPublicKeys:0={Convert.ToBase64String(_androidRoot.ExportSubjectPublicKeyInfo())}",
            $"--Attestation:AndroidKey:StatusListFile={AndroidVectors.StatusListSamplePath}",
        ]);
    }

    public async Task DisposeAsync()
    {
        // A test that failed between its cut and its resume must not leave the next one without storage.
        _azurite.Resume();
        await _backend.DisposeAsync();
        _androidRoot.Dispose();
    }

    /// <summary>An Azurite of this class's own: a cut interrupts every connection to it.</summary>
    public sealed class OwnAzurite : IAsyncLifetime
    {
        public AzuriteProcess Azurite { get; private set; } = null!;

        public async Task InitializeAsync() => Azurite = await AzuriteProcess.StartAsync();

        public async Task DisposeAsync() => await Azurite.DisposeAsync();
    }

    private DeviceAdministration Devices => _backend.Services.GetRequiredService<DeviceAdministration>();

    private AppAdministration Apps => _backend.Services.GetRequiredService<AppAdministration>();

    [Fact]
    public async Task AnAttestCutAfterItsChallengeWasSpentRegistersNoDeviceAndANewChallengeAttests()
    {
        var device = await NewDebugTokenAsync();
        var challenge = await _backend.ChallengeAsync();

        _cut.ArmBeforeWriteTo(TableStorage.DevicesTable);
        using (var cut = await _backend.AttestDebugAsync(debugToken: device.DebugToken, challenge: challenge))
        {
            await ProblemAssert.IsProblemAsync(cut, HttpStatusCode.ServiceUnavailable, "unavailable");
        }

        Resume();
        Assert.Null(await FindDeviceAsync(device.Id));

        // The challenge was spent before the cut (single use holds even then); a new one attests, once.
        using (var spent = await _backend.AttestDebugAsync(debugToken: device.DebugToken, challenge: challenge))
        {
            await ProblemAssert.IsProblemAsync(spent, HttpStatusCode.Unauthorized, "challenge_invalid");
        }

        using var attested = await _backend.AttestDebugAsync(debugToken: device.DebugToken);
        Assert.Equal(HttpStatusCode.OK, attested.StatusCode);
        Assert.Equal(DeviceStatus.Active, (await FindDeviceAsync(device.Id))!.Status);
    }

    [Fact]
    public async Task AnAndroidAttestCutAfterItsKeyWasCountedRegistersNoDeviceAndTheSameKeyAttestsCountedOnce()
    {
        // The batch certificate's count is written (one transaction) before the device: the cut falls between them.
        var chain = new AndroidTestChain(_androidRoot).Pin();
        _cut.ArmBeforeWriteTo(TableStorage.DevicesTable);
        using (var cut = await AttestAndroidAsync(chain))
        {
            await ProblemAssert.IsProblemAsync(cut, HttpStatusCode.ServiceUnavailable, "unavailable");
        }

        Resume();
        using var attested = await AttestAndroidAsync(chain);
        Assert.Equal(HttpStatusCode.OK, attested.StatusCode);

        var listed = await _backend.Services.GetRequiredService<BatchCertificateAdministration>().ListAsync(1, 10, null);
        Assert.Equal(1, Assert.Single(listed.Certificates).Devices);
    }

    [Fact]
    public async Task ARefreshCutAfterItsChallengeWasSpentLeavesTheRegistrationAsItWas()
    {
        var device = await NewDeviceAsync();
        var before = await FindDeviceAsync(device.Id);
        _clock.Advance(TimeSpan.FromMinutes(1));

        _cut.ArmBeforeWriteTo(TableStorage.DevicesTable);
        using (var cut = await _backend.RefreshDebugAsync(device.Id, debugToken: device.DebugToken))
        {
            await ProblemAssert.IsProblemAsync(cut, HttpStatusCode.ServiceUnavailable, "unavailable");
        }

        Resume();
        Assert.Equal(before!.LastSeen, (await FindDeviceAsync(device.Id))!.LastSeen);

        using var refreshed = await _backend.RefreshDebugAsync(device.Id, debugToken: device.DebugToken);
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        Assert.Equal(_clock.GetUtcNow(), (await FindDeviceAsync(device.Id))!.LastSeen);
    }

    [Fact]
    public async Task ARevocationCutAfterItsLogEntryAlreadyRefusesTheDeviceAndARetryRevokesItsRow()
    {
        var device = await NewDeviceAsync();

        // Revoking logs first, then writes the row: cut before the row.
        _cut.ArmBeforeWriteTo(TableStorage.DevicesTable);
        await Assert.ThrowsAsync<DependencyUnavailableException>(() => Devices.SetStatusAsync(RunningBackend.DemoApp, device.Id, DeviceStatus.Revoked));

        Resume();
        Assert.True((await LoggedAsync(device.Id))!.Revoked);
        Assert.Equal(DeviceStatus.Active, (await FindDeviceAsync(device.Id))!.Status);
        Assert.Equal("device_revoked", (await _backend.VerifyAsync(device.Token)).GetProperty("reason").GetString());

        await Devices.SetStatusAsync(RunningBackend.DemoApp, device.Id, DeviceStatus.Revoked);

        Assert.Equal(DeviceStatus.Revoked, (await FindDeviceAsync(device.Id))!.Status);
        using var refresh = await _backend.RefreshDebugAsync(device.Id, debugToken: device.DebugToken);
        await ProblemAssert.IsProblemAsync(refresh, HttpStatusCode.Forbidden, "device_revoked");
    }

    [Fact]
    public async Task ARestoreCutAfterItsRowKeepsVerifyRefusingUntilARetryLogsIt()
    {
        var device = await NewDeviceAsync();
        await Devices.SetStatusAsync(RunningBackend.DemoApp, device.Id, DeviceStatus.Revoked);

        // Restoring writes the row first, then the log: cut before the log, which must stay the stricter of the two.
        _cut.ArmBeforeWriteTo(TableStorage.RevocationsTable);
        await Assert.ThrowsAsync<DependencyUnavailableException>(() => Devices.SetStatusAsync(RunningBackend.DemoApp, device.Id, DeviceStatus.Active));

        Resume();
        Assert.Equal(DeviceStatus.Active, (await FindDeviceAsync(device.Id))!.Status);
        Assert.True((await LoggedAsync(device.Id))!.Revoked);
        Assert.Equal("device_revoked", (await _backend.VerifyAsync(device.Token)).GetProperty("reason").GetString());

        await Devices.SetStatusAsync(RunningBackend.DemoApp, device.Id, DeviceStatus.Active);

        Assert.False((await LoggedAsync(device.Id))!.Revoked);
        Assert.True((await _backend.VerifyAsync(device.Token)).GetProperty("valid").GetBoolean());
    }

    [Theory]
    [InlineData(TableStorage.RevocationsTable)]
    [InlineData(TableStorage.DevicesTable)]
    [InlineData(TableStorage.AppsTable)]
    public async Task DeletingADebugTokenCutBetweenItsWritesNeverLeavesItsDeviceLiveBehindAnUnknownToken(string cutBefore)
    {
        var device = await NewDeviceAsync();

        _cut.ArmBeforeWriteTo(cutBefore);
        await Assert.ThrowsAsync<DependencyUnavailableException>(() => Apps.RevokeDebugTokenAsync(RunningBackend.DemoApp, device.Id));

        Resume();
        Assert.True(_cut.Fired);
        var listed = await HoldsDebugTokenAsync(device.Id);
        var valid = (await _backend.VerifyAsync(device.Token)).GetProperty("valid").GetBoolean();
        Assert.True(listed || !valid, "the debug token is gone but its device's tokens still verify");

        // Whatever the cut left, a retry finishes the deletion.
        await Apps.RevokeDebugTokenAsync(RunningBackend.DemoApp, device.Id);

        Assert.False(await HoldsDebugTokenAsync(device.Id));
        Assert.Equal("device_revoked", (await _backend.VerifyAsync(device.Token)).GetProperty("reason").GetString());
        Assert.Equal(DeviceStatus.Revoked, (await FindDeviceAsync(device.Id))!.Status);
    }

    [Fact]
    public async Task AnAppCreateOrUpdateOrDebugTokenCreateCutAtItsWriteChangesNoApp()
    {
        var before = await Apps.GetAsync(RunningBackend.DemoApp);
        var created = AppPolicyJson.Deserialize(AppPolicyJson.Serialize(before.Configuration));
        created.AppId = "com.contoso.cut";
        created.Apple!.BundleId = "com.contoso.cut";

        _cut.ArmBeforeWriteTo(TableStorage.AppsTable);
        await Assert.ThrowsAsync<DependencyUnavailableException>(() => Apps.CreateAsync(created, DebugAccessRight.Held));
        Resume();
        _cut.ArmBeforeWriteTo(TableStorage.AppsTable);
        await Assert.ThrowsAsync<DependencyUnavailableException>(() => Apps.UpdateAsync(RunningBackend.DemoApp, WithDecoyMode(before.Configuration), before.ConcurrencyStamp, DebugAccessRight.Held));
        Resume();
        _cut.ArmBeforeWriteTo(TableStorage.AppsTable);
        await Assert.ThrowsAsync<DependencyUnavailableException>(() => Apps.CreateDebugTokenAsync(RunningBackend.DemoApp, DebugAccessRight.Held));
        Resume();

        var unknown = await Assert.ThrowsAsync<AttestationException>(() => Apps.GetAsync("com.contoso.cut"));
        Assert.Equal(AttestationErrorCode.AppUnknown, unknown.Code);
        var after = await Apps.GetAsync(RunningBackend.DemoApp);
        Assert.Equal(before.ConcurrencyStamp, after.ConcurrencyStamp);
        Assert.Equal(before.Configuration.DebugTokenSha256, after.Configuration.DebugTokenSha256);

        // Each can be sent again as it was: the create is not a conflict, the update's If-Match is still current.
        await Apps.CreateAsync(created, DebugAccessRight.Held);
        await Apps.UpdateAsync(RunningBackend.DemoApp, WithDecoyMode(before.Configuration), before.ConcurrencyStamp, DebugAccessRight.Held);
    }

    private void Resume()
    {
        Assert.True(_cut.Fired, "the armed cut did not happen: the operation never wrote to that table");
        _azurite.Resume();
    }

    private static AppPolicyConfiguration WithDecoyMode(AppPolicyConfiguration configuration)
    {
        var changed = AppPolicyJson.Deserialize(AppPolicyJson.Serialize(configuration));
        changed.FailureMode = "decoy";
        return changed;
    }

    private async Task<HttpResponseMessage> AttestAndroidAsync(AndroidTestChain chain)
    {
        var challenge = await _backend.ChallengeAsync();
        chain.Challenge = System.Text.Encoding.UTF8.GetBytes(challenge);
        return await _backend.PostAsync("/api/v1/attest", new { appId = RunningBackend.DemoApp, platform = "android-key-attestation", challenge, evidence = chain.Evidence() });
    }

    private async Task<(string DebugToken, string Id)> NewDebugTokenAsync()
    {
        var created = await Apps.CreateDebugTokenAsync(RunningBackend.DemoApp, DebugAccessRight.Held);
        return (created.DebugToken, created.Id);
    }

    private async Task<(string Token, string Id, string DebugToken)> NewDeviceAsync()
    {
        var (debugToken, id) = await NewDebugTokenAsync();
        using var response = await _backend.AttestDebugAsync(debugToken: debugToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return ((await RunningBackend.ReadJsonAsync(response)).GetProperty("token").GetString()!, id, debugToken);
    }

    private Task<DeviceRegistration?> FindDeviceAsync(string id) =>
        _backend.Services.GetRequiredService<IDeviceStore>().FindAsync(RunningBackend.DemoApp, id);

    private Task<RevocationEntry?> LoggedAsync(string id) =>
        _backend.Services.GetRequiredService<IRevocationLog>().FindAsync(RunningBackend.DemoApp, id);

    private async Task<bool> HoldsDebugTokenAsync(string id)
    {
        var hash = Convert.ToHexStringLower(Convert.FromBase64String(id.Replace('-', '+').Replace('_', '/') + new string('=', (4 - (id.Length % 4)) % 4)));
        return (await Apps.GetAsync(RunningBackend.DemoApp)).Configuration.DebugTokenSha256.Contains(hash);
    }
}
