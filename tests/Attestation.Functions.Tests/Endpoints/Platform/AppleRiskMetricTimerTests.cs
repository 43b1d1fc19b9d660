using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Attestation.Azure.AppleAppAttestServer;
using Attestation.Core.Devices;
using Attestation.Core.Platforms;
using Attestation.Core.Platforms.Apple;
using Attestation.Core.Platforms.Apple.RiskMetric;
using Attestation.Core.Secrets;
using Attestation.Functions.Tests.Telemetry;
using Attestation.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Attestation.Functions.Tests.Endpoints.Platform;

/// <summary>
/// The risk metric end to end: the local host's own timer service fires <c>RefreshAppleRiskMetrics</c> on a
/// <see cref="SignallingClock"/>; the backend's client talks to <see cref="FakeAppleAppAttestServer"/> over local HTTPS with
/// the team key from the secret store; Apple's new receipts are signed under <see cref="AppAttestTestAuthority"/>'s root,
/// which only this backend's test settings trust; rows are in Azurite. Every wait is bounded.
/// </summary>
public sealed class AppleRiskMetricTimerTests : IAsyncLifetime, IDisposable
{
    private const string AppleAppId = "ABCDE12345." + RunningBackend.DemoApp;
    private static readonly TimeSpan Period = TimeSpan.FromMinutes(30);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private readonly SignallingClock _clock = new(DateTimeOffset.UtcNow);
    private readonly AppAttestTestAuthority _authority = new();
    private readonly AppAttestTestDevice _device = new();
    private readonly CapturingLoggerProvider _logs = new();
    private FakeAppleAppAttestServer _apple = null!;
    private RunningBackend _backend = null!;
    private MetricsRecorder _metrics = null!;
    private bool _timerCreated;

    public async Task InitializeAsync()
    {
        _apple = await FakeAppleAppAttestServer.StartAsync(_clock);
        _backend = await RunningBackend.StartAsync(logs: _logs, services: s => s
            .AddSingleton<TimeProvider>(_clock)
            .AddSingleton<IAppleAppAttestServer>(p => new AppleAppAttestServerClient(
                new HttpClient(_apple.CreateTrustingHandler()),
                p.GetRequiredService<IOptions<AppleRiskMetricOptions>>(),
                p.GetRequiredService<ISecretStore>(),
                _clock,
                p.GetRequiredService<ILogger<AppleAppAttestServerClient>>())),
            settings:
            [
                $"--Attestation:AppleAppAttest:TestOnlyTrustedRoots:0={Convert.ToBase64String(_authority.RootCertificate.RawData)}",
                $"--Attestation:AppleRiskMetric:KeyId={FakeAppleAppAttestServer.KeyId}",
                $"--Attestation:AppleRiskMetric:TeamId={FakeAppleAppAttestServer.TeamId}",
                $"--Attestation:AppleRiskMetric:DevelopmentEndpoint={_apple.DevelopmentEndpoint}",
                $"--Attestation:AppleRiskMetric:ProductionEndpoint={_apple.ProductionEndpoint}",
                $"--Attestation:Secrets:{AppleRiskMetricOptions.KeySecretName}={_apple.TeamKeyPem}",
            ]);
        _metrics = new MetricsRecorder(_backend);
    }

    public async Task DisposeAsync()
    {
        _metrics.Dispose();
        await _backend.DisposeAsync();
        await _apple.DisposeAsync();
    }

    public void Dispose()
    {
        _authority.Dispose();
        _device.Dispose();
        _logs.Dispose();
    }

    [Fact]
    public async Task ATimerRunStoresApplesNewReceiptAndItsRiskMetricAndTheNextRunWaitsForItsNotBefore()
    {
        var attestReceipt = Receipt("ATTEST", riskMetric: null, notBefore: null);
        var deviceId = await RegisterAsync(attestReceipt);
        var newReceipt = Receipt("RECEIPT", riskMetric: 3, notBefore: _clock.GetUtcNow() + Period + TimeSpan.FromDays(1));
        _apple.Enqueue(FakeAppleAnswer.NewReceipt(newReceipt));

        await RunTimerAsync();
        var row = (await FindAsync(deviceId))!;
        await RunTimerAsync();

        var request = Assert.Single(_apple.Requests);
        Assert.Equal("production", request.Environment);
        Assert.Equal(attestReceipt, request.Receipt);
        Assert.Equal(newReceipt, row.Receipt);
        Assert.Equal(3, row.RiskMetric);
        Assert.Equal(_clock.GetUtcNow() - Period, row.RiskMetricUpdatedAt);
        Assert.True(row.NextReceiptExchangeAt > _clock.GetUtcNow());
        Assert.Equal(0, _apple.Unauthorized);
        Assert.Equal(1, _metrics.Sum("attestation.apple.receipt_refreshes", ("app", RunningBackend.DemoApp), ("outcome", "ok")));
        Assert.Equal(3, _metrics.Sum("attestation.apple.risk_metric", ("app", RunningBackend.DemoApp)));
    }

    [Fact]
    public async Task AnAnswerThatIsNotAReceiptIsRefusedAndA404EndsTheRefresh()
    {
        var attestReceipt = Receipt("ATTEST", riskMetric: null, notBefore: null);
        var deviceId = await RegisterAsync(attestReceipt);

        // A receipt of type ATTEST where Apple's answer must be a RECEIPT, then garbage: both refused, nothing stored.
        _apple.Enqueue(FakeAppleAnswer.NewReceipt(Receipt("ATTEST", riskMetric: 9, notBefore: null)));
        await RunTimerAsync();
        var afterWrongType = (await FindAsync(deviceId))!;
        Assert.Equal(attestReceipt, afterWrongType.Receipt);
        Assert.Null(afterWrongType.RiskMetric);

        await WaitUntilDueAsync(deviceId);
        _apple.Enqueue(new FakeAppleAnswer(200, "%%% not base64 %%%"));
        await RunTimerAsync();
        Assert.Equal(attestReceipt, (await FindAsync(deviceId))!.Receipt);

        await WaitUntilDueAsync(deviceId);
        _apple.Enqueue(FakeAppleAnswer.Status(404));
        await RunTimerAsync();
        var ended = (await FindAsync(deviceId))!;

        Assert.True(ended.ReceiptRefreshEnded);
        Assert.Equal(attestReceipt, ended.Receipt);
        Assert.Equal(3, _apple.Requests.Count);
        Assert.Equal(2, _metrics.Sum("attestation.apple.receipt_refreshes", ("outcome", "invalid")));
        Assert.Equal(1, _metrics.Sum("attestation.apple.receipt_refreshes", ("outcome", "not_found")));
        Assert.DoesNotContain(Convert.ToBase64String(attestReceipt), _logs.AllText, StringComparison.Ordinal);
    }

    /// <summary>
    /// Lets the local host's timer fire once more: waits until its 30-minute timer exists (the first time), moves the clock
    /// one period, and waits for that run's log line.
    /// </summary>
    private async Task RunTimerAsync()
    {
        if (!_timerCreated)
        {
            while (await _clock.NextTimerAsync() != Period)
            {
            }

            _timerCreated = true;
        }

        var runs = Runs;
        _clock.Advance(Period);
        using var deadline = new CancellationTokenSource(Bound);
        while (Runs <= runs)
        {
            await Task.Delay(20, deadline.Token);
        }
    }

    private int Runs => _logs.Lines.Count(l => l.Contains("Risk metric run:", StringComparison.Ordinal));

    /// <summary>Moves the clock past the device's backoff, in whole timer periods, so the next run finds it due.</summary>
    private async Task WaitUntilDueAsync(string deviceId)
    {
        var next = (await FindAsync(deviceId))!.NextReceiptExchangeAt!.Value;
        while (_clock.GetUtcNow() + Period < next)
        {
            await RunTimerAsync();
        }
    }

    private Task<DeviceRegistration?> FindAsync(string deviceId) =>
        _backend.Services.GetRequiredService<IDeviceStore>().FindAsync(RunningBackend.DemoApp, deviceId);

    /// <summary>A registration as an App Attest attestation leaves it, holding <paramref name="receipt"/>.</summary>
    private async Task<string> RegisterAsync(byte[] receipt)
    {
        var deviceId = Convert.ToBase64String(_device.KeyId).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var now = _clock.GetUtcNow();
        Assert.True(await _backend.Services.GetRequiredService<IDeviceStore>().TryAddAsync(new DeviceRegistration(
            RunningBackend.DemoApp, deviceId, PlatformNames.AppleAppAttest, _device.SubjectPublicKeyInfo, 0, now, now, "apple-app-attest production",
            DeviceStatus.Active, Receipt: receipt, AttestedAt: now, AttestedFacts: new AppleRegisteredFacts(AppAttestEnvironment.Production).ToText())));
        return deviceId;
    }

    /// <summary>A receipt for the device's key, laid out and signed as Apple's, with a "not before" when given.</summary>
    private byte[] Receipt(string type, int? riskMetric, DateTimeOffset? notBefore)
    {
        var now = _clock.GetUtcNow();
        List<(int Type, byte[] Value)> fields =
        [
            (2, Encoding.UTF8.GetBytes(AppleAppId)),
            (3, CredentialCertificate()),
            (4, SHA256.HashData("client data"u8)),
            (5, Encoding.UTF8.GetBytes("token")),
            (6, Encoding.UTF8.GetBytes(type)),
            (12, Encoding.UTF8.GetBytes(Time(now))),
            (21, Encoding.UTF8.GetBytes(Time(now.AddDays(90)))),
        ];
        if (riskMetric is { } metric)
        {
            fields.Add((17, Encoding.UTF8.GetBytes(metric.ToString(CultureInfo.InvariantCulture))));
        }

        if (notBefore is { } earliest)
        {
            fields.Add((19, Encoding.UTF8.GetBytes(Time(earliest))));
        }

        return _authority.SignReceipt(AppAttestTestAuthority.ReceiptPayload(fields));
    }

    /// <summary>A certificate of the device's key, as field 3 carries the credential certificate.</summary>
    private byte[] CredentialCertificate()
    {
        var request = new CertificateRequest("CN=device", _device.Key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(_clock.GetUtcNow().AddDays(-1), _clock.GetUtcNow().AddDays(30));
        return certificate.RawData;
    }

    private static string Time(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
