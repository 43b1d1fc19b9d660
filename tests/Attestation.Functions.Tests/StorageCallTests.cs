using System.Net;
using System.Security.Cryptography;
using System.Text;
using Attestation.Azure.Tables;
using Attestation.Core.Text;
using Attestation.TestSupport;
using Azure.Core;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Attestation.Functions.Tests;

/// <summary>
/// What each device-facing request costs in storage calls on the debug platform, counted as HTTP requests reaching
/// Azurite through the real endpoints. Counts are taken in steady state: a table's first use also creates it, and the
/// app registry loads once per refresh interval, so a warm-up flow runs first.
/// </summary>
public sealed class StorageCallTests : IAsyncLifetime
{
    private const string NewDeviceToken = "second-debug-token";
    private readonly StorageRequestLog _requests = new();
    private RunningBackend _backend = null!;
    private string _prefix = "";

    public async Task InitializeAsync()
    {
        _backend = await RunningBackend.StartAsync(
            services: s => s.AddSingleton(provider =>
            {
                var options = provider.GetRequiredService<IOptions<TableStorageOptions>>().Value;
                var clientOptions = TableStorage.CreateClientOptions();
                clientOptions.AddPolicy(_requests, HttpPipelinePosition.PerRetry);
                _prefix = options.TablePrefix;
                return new TableStorage(new TableServiceClient(options.ConnectionString, clientOptions), options.TablePrefix);
            }),
            settings:
            [
                $"--Attestation:Apps:0:DebugTokenSha256:1={Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(NewDeviceToken)))}",
                $"--Attestation:Apps:1:DebugTokenSha256:1={Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(NewDeviceToken)))}",
                "--Attestation:AppRegistry:RefreshInterval=01:00:00",
            ]);

        // Warm-up: every table this flow touches exists and the app registry is loaded.
        using var attested = await _backend.AttestDebugAsync();
        var token = (await RunningBackend.ReadJsonAsync(attested)).GetProperty("token").GetString()!;
        (await _backend.RefreshDebugAsync(Base64Flexible.Sha256Base64Url(RunningBackend.DebugToken))).Dispose();
        await _backend.VerifyAsync(token, consume: true);
        _requests.Clear();
    }

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    [Fact]
    public async Task AChallengeCostsNoStorageCall()
    {
        await _backend.ChallengeAsync();
        await _backend.ChallengeAsync(RunningBackend.DecoyApp);

        Assert.Empty(_requests.Requests);
    }

    [Fact]
    public async Task AttestingANewDebugDeviceCostsTwoCallsTheUsedMarkerAndTheDeviceInsert()
    {
        var challenge = await _backend.ChallengeAsync();

        using var attested = await _backend.AttestDebugAsync(debugToken: NewDeviceToken, challenge: challenge);

        Assert.Equal(HttpStatusCode.OK, attested.StatusCode);
        Assert.Equal([Insert("usedchallenges"), Insert("devices")], _requests.Requests);
    }

    [Fact]
    public async Task ARefreshCostsThreeCallsTheDeviceReadTheUsedMarkerAndTheConditionalUpdate()
    {
        var deviceId = Base64Flexible.Sha256Base64Url(RunningBackend.DebugToken);
        var challenge = await _backend.ChallengeAsync();

        using var refreshed = await _backend.RefreshDebugAsync(deviceId, challenge: challenge);

        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        Assert.Equal(3, _requests.Count);
        Assert.StartsWith($"GET /devstoreaccount1/{_prefix}devices(", _requests.Requests[0], StringComparison.Ordinal);
        Assert.Equal(Insert("usedchallenges"), _requests.Requests[1]);
        Assert.StartsWith($"PUT /devstoreaccount1/{_prefix}devices(", _requests.Requests[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task AForgedReplayedOrOtherAppsChallengeWritesNothing()
    {
        var used = await _backend.ChallengeAsync();
        (await _backend.AttestDebugAsync(challenge: used)).Dispose();
        var otherApps = await _backend.ChallengeAsync(RunningBackend.DecoyApp);
        var forged = used[..^2] + (used[^2] == 'A' ? "B" : "A") + used[^1];
        _requests.Clear();

        foreach (var challenge in new[] { forged, used[..^1], otherApps, new string('A', 43) })
        {
            using var refused = await _backend.AttestDebugAsync(challenge: challenge);
            await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.Unauthorized, "challenge_invalid");
        }

        Assert.Empty(_requests.Requests);

        // A replay meets the marker (the insert is refused, and a read tells it from this call's own lost answer).
        using var replay = await _backend.AttestDebugAsync(challenge: used);
        await ProblemAssert.IsProblemAsync(replay, HttpStatusCode.Unauthorized, "challenge_invalid");
        Assert.DoesNotContain(_requests.Requests, r => !r.Contains("usedchallenges", StringComparison.Ordinal));
        Assert.Equal(Insert("usedchallenges"), _requests.Requests[0]);
    }

    [Fact]
    public async Task VerifyWithConsumeInsertsOneConsumedTokenRecord()
    {
        using var attested = await _backend.AttestDebugAsync();
        var token = (await RunningBackend.ReadJsonAsync(attested)).GetProperty("token").GetString()!;
        _requests.Clear();

        await _backend.VerifyAsync(token, consume: true);

        // Consuming is one insert, and verify reads nothing else: revocation comes from memory (VerifyRevocationTests counts
        // every request with a pinned clock; here the revocation view's timer runs on the real clock).
        Assert.Single(_requests.Requests, r => r.Contains("consumedtokens", StringComparison.Ordinal));
        Assert.Equal(Insert("consumedtokens"), _requests.Requests.Single(r => r.Contains("consumedtokens", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ADecoyRefreshCostsTheStorageCallsOfAGenuineOne()
    {
        // A caller timing answers must not tell a decoy by a missing write (issue 16, finding 2): the decoy spends a
        // conditional merge that matches no row where the genuine refresh spends its conditional replace.
        var deviceId = Base64Flexible.Sha256Base64Url(RunningBackend.DebugToken);
        (await _backend.AttestDebugAsync(RunningBackend.DecoyApp)).Dispose();

        var genuine = await TablesCalledAsync(() => _backend.RefreshDebugAsync(deviceId, RunningBackend.DecoyApp));
        var unknownDevice = await TablesCalledAsync(() => _backend.RefreshDebugAsync(Base64Flexible.Sha256Base64Url("never-attested"), RunningBackend.DecoyApp, "never-attested"));
        var badProof = await TablesCalledAsync(() => _backend.RefreshDebugAsync(deviceId, RunningBackend.DecoyApp, "guessed-token"));

        Assert.Equal(["devices", "usedchallenges", "devices"], genuine);
        Assert.Equal(genuine, unknownDevice);
        Assert.Equal(genuine, badProof);
    }

    [Fact]
    public async Task ADecoyAttestationCostsTheStorageCallsOfAGenuineOne()
    {
        var genuine = await TablesCalledAsync(() => _backend.AttestDebugAsync(RunningBackend.DecoyApp, NewDeviceToken));
        var forged = await TablesCalledAsync(() => _backend.AttestDebugAsync(RunningBackend.DecoyApp, "guessed-token"));

        Assert.Equal(["usedchallenges", "devices"], genuine);
        Assert.Equal(genuine, forged);
    }

    /// <summary>The tables one successful (genuine or decoy) answer called, in order.</summary>
    private async Task<string[]> TablesCalledAsync(Func<Task<HttpResponseMessage>> send)
    {
        _requests.Clear();
        using var response = await send();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var tables = $"/devstoreaccount1/{_prefix}";
        return [.. _requests.Requests.Select(r => r[(r.IndexOf(tables, StringComparison.Ordinal) + tables.Length)..].Split('(')[0])];
    }

    private string Insert(string table) => $"POST /devstoreaccount1/{_prefix}{table}";
}
