using Attestation.Core.Apps;
using Attestation.Core.Devices;
using Attestation.Core.Errors;
using Attestation.Core.Platforms;
using Attestation.Core.Platforms.Apple;
using Attestation.Core.Platforms.Apple.RiskMetric;
using Attestation.Core.Telemetry;
using Attestation.TestSupport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Attestation.Core.Tests.Platforms.Apple.RiskMetric;

/// <summary>
/// The refresher's decisions for each of Apple's answers, on a pinned clock: what is stored, when the device is due again,
/// when the run stops, and the metrics. Apple's server is scripted here (its HTTP client has its own tests against the fake
/// server) and receipts are read by <see cref="ScriptedReceipts"/>, which knows the receipts the test made up.
/// </summary>
public sealed class AppleRiskMetricRefresherTests : IDisposable
{
    private const string AppId = "com.contoso.demo";
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly byte[] AttestReceipt = [1, 1, 1];
    private static readonly byte[] NewReceipt = [2, 2, 2];

    private readonly FakeTimeProvider _clock = new(Now);
    private readonly MemoryDevices _devices = new();
    private readonly ScriptedServer _server = new();
    private readonly ScriptedReceipts _receipts = new();
    private readonly RecordingMeterFactory _meters = new();
    private readonly CapturingLoggerProvider _logs = new();
    private readonly ILoggerFactory _loggerFactory;

    public AppleRiskMetricRefresherTests()
    {
        _loggerFactory = LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Trace).AddProvider(_logs));
    }

    [Fact]
    public async Task ANewReceiptReplacesTheStoredOneWithItsRiskMetricAndTheDeviceWaitsForItsNotBefore()
    {
        _devices.Add(Device("d1"));
        _receipts.New[Convert.ToBase64String(NewReceipt)] = new AppleRiskReceipt(3, Now.AddDays(1));
        _server.Answers.Enqueue(new AppleReceiptExchangeAnswer(AppleReceiptExchangeStatus.NewReceipt, NewReceipt, HttpStatus: 200));

        var run = await Refresher().RunAsync();

        var row = _devices.Row("d1");
        Assert.Equal(new AppleRiskMetricRun(1, 1, false), run);
        Assert.Equal(NewReceipt, row.Receipt);
        Assert.Equal(3, row.RiskMetric);
        Assert.Equal(Now, row.RiskMetricUpdatedAt);
        Assert.Equal(Now.AddDays(1), row.NextReceiptExchangeAt);
        Assert.Equal([(AppAttestEnvironment.Production, AttestReceipt)], _server.Calls.Select(c => (c.Environment, c.Receipt)));
        Assert.Equal(1, _meters.Sum("attestation.apple.receipt_refreshes", ("app", AppId), ("outcome", "ok")));
        Assert.Equal(3, _meters.Sum("attestation.apple.risk_metric", ("app", AppId)));
    }

    [Fact]
    public async Task TheServerOfTheKeysEnvironmentIsAsked()
    {
        _devices.Add(Device("d1") with { AttestedFacts = new AppleRegisteredFacts(AppAttestEnvironment.Development).ToText() });
        _server.Answers.Enqueue(new AppleReceiptExchangeAnswer(AppleReceiptExchangeStatus.NotModified, HttpStatus: 304));

        await Refresher().RunAsync();

        Assert.Equal(AppAttestEnvironment.Development, Assert.Single(_server.Calls).Environment);
    }

    [Fact]
    public async Task ADeviceNeverTriedWaitsForItsStoredReceiptsNotBeforeWithoutAskingApple()
    {
        _devices.Add(Device("d1"));
        _receipts.NotBefore[Convert.ToBase64String(AttestReceipt)] = Now.AddHours(5);

        await Refresher().RunAsync();

        Assert.Empty(_server.Calls);
        Assert.Equal(Now.AddHours(5), _devices.Row("d1").NextReceiptExchangeAt);
        Assert.Null(_devices.Row("d1").RiskMetric);
    }

    [Fact]
    public async Task NotModifiedWaitsAnHourAndKeepsTheReceipt()
    {
        _devices.Add(Device("d1"));
        _server.Answers.Enqueue(new AppleReceiptExchangeAnswer(AppleReceiptExchangeStatus.NotModified, HttpStatus: 304));

        await Refresher().RunAsync();

        Assert.Equal(AttestReceipt, _devices.Row("d1").Receipt);
        Assert.Equal(Now + AppleRiskMetricRefresher.NotModifiedWait, _devices.Row("d1").NextReceiptExchangeAt);
        Assert.Equal(1, _meters.Sum("attestation.apple.receipt_refreshes", ("outcome", "not_modified")));
    }

    [Fact]
    public async Task NotFoundEndsTheDevicesRefreshAndItIsNeverSentAgain()
    {
        _devices.Add(Device("d1") with { RiskMetric = 2, RiskMetricUpdatedAt = Now.AddDays(-2) });
        _server.Answers.Enqueue(new AppleReceiptExchangeAnswer(AppleReceiptExchangeStatus.NotFound, HttpStatus: 404));

        await Refresher().RunAsync();
        _clock.Advance(TimeSpan.FromDays(40));
        await Refresher().RunAsync();

        var row = _devices.Row("d1");
        Assert.True(row.ReceiptRefreshEnded);
        Assert.Equal(2, row.RiskMetric);
        Assert.Single(_server.Calls);
        Assert.Equal(1, _meters.Sum("attestation.apple.receipt_refreshes", ("outcome", "not_found")));
        Assert.Equal(0, _meters.Sum("attestation.apple.receipt_refreshes", ("outcome", "error")));
    }

    [Fact]
    public async Task AThrottleHonoursRetryAfterChangesOnlyTheBackoffAndStopsTheRun()
    {
        _devices.Add(Device("d1") with { RiskMetric = 2 });
        _devices.Add(Device("d2"));
        _server.Answers.Enqueue(new AppleReceiptExchangeAnswer(AppleReceiptExchangeStatus.Throttled, RetryAfter: TimeSpan.FromMinutes(10), HttpStatus: 429));
        var refresher = Refresher();

        await refresher.RunAsync();
        var throttled = _devices.Rows.Single(r => r.NextReceiptExchangeAt is not null);
        _clock.Advance(TimeSpan.FromMinutes(9));
        var paused = await refresher.RunAsync();

        Assert.Single(_server.Calls);
        Assert.True(paused.Paused);
        Assert.Equal(Now.AddMinutes(10), throttled.NextReceiptExchangeAt);
        Assert.Equal(1, throttled.ReceiptExchangeFailures);
        Assert.Equal(AttestReceipt, throttled.Receipt);
        Assert.Null(_devices.Rows.Single(r => r.DeviceId != throttled.DeviceId).NextReceiptExchangeAt);
        Assert.Equal(1, _meters.Sum("attestation.apple.receipt_refreshes", ("outcome", "throttled")));

        _clock.Advance(TimeSpan.FromMinutes(1));
        _server.Answers.Enqueue(new AppleReceiptExchangeAnswer(AppleReceiptExchangeStatus.NotModified, HttpStatus: 304));
        _server.Answers.Enqueue(new AppleReceiptExchangeAnswer(AppleReceiptExchangeStatus.NotModified, HttpStatus: 304));
        await refresher.RunAsync();
        Assert.Equal(3, _server.Calls.Count);
    }

    [Fact]
    public async Task AnOutageBacksOffExponentiallyAndLeavesTheRegistrationAsItWas()
    {
        _devices.Add(Device("d1") with { RiskMetric = 4, RiskMetricUpdatedAt = Now.AddDays(-1) });
        _server.Answers.Enqueue(new AppleReceiptExchangeAnswer(AppleReceiptExchangeStatus.Unavailable, HttpStatus: 500));
        _server.Answers.Enqueue(new AppleReceiptExchangeAnswer(AppleReceiptExchangeStatus.Unavailable));
        var refresher = Refresher();

        await refresher.RunAsync();
        var first = _devices.Row("d1");
        _clock.Advance(AppleRiskMetricRefresher.FirstBackoff);
        await refresher.RunAsync();
        var second = _devices.Row("d1");

        Assert.Equal(Now + AppleRiskMetricRefresher.FirstBackoff, first.NextReceiptExchangeAt);
        Assert.Equal(Now + AppleRiskMetricRefresher.FirstBackoff + (2 * AppleRiskMetricRefresher.FirstBackoff), second.NextReceiptExchangeAt);
        Assert.Equal(2, second.ReceiptExchangeFailures);
        Assert.Equal(AttestReceipt, second.Receipt);
        Assert.Equal(4, second.RiskMetric);
        Assert.Equal(Now.AddDays(-1), second.RiskMetricUpdatedAt);
        Assert.Equal(2, _meters.Sum("attestation.apple.receipt_refreshes", ("outcome", "error")));
    }

    [Fact]
    public async Task AnAnswerThatDoesNotVerifyIsRefusedLoggedWithoutItsBytesAndTheStoredReceiptKept()
    {
        _devices.Add(Device("d1"));
        byte[] forged = [0x30, 0x99, 0xAB, 0xCD, 0xEF];
        _server.Answers.Enqueue(new AppleReceiptExchangeAnswer(AppleReceiptExchangeStatus.NewReceipt, forged, HttpStatus: 200));

        await Refresher().RunAsync();

        var row = _devices.Row("d1");
        Assert.Equal(AttestReceipt, row.Receipt);
        Assert.Null(row.RiskMetric);
        Assert.Equal(Now + AppleRiskMetricRefresher.LongestBackoff, row.NextReceiptExchangeAt);
        Assert.Equal(1, _meters.Sum("attestation.apple.receipt_refreshes", ("outcome", "invalid")));
        Assert.Contains("was refused (attestation_invalid)", _logs.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(forged), _logs.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexString(forged), _logs.AllText, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ARunSendsAtMostItsBound()
    {
        for (var i = 0; i < 5; i++)
        {
            _devices.Add(Device($"d{i}"));
        }

        _server.Default = new AppleReceiptExchangeAnswer(AppleReceiptExchangeStatus.NotModified, HttpStatus: 304);

        await Refresher(maxPerRun: 2).RunAsync();

        Assert.Equal(2, _server.Calls.Count);
    }

    [Fact]
    public async Task WithoutKeyIdAndTeamIdNothingIsSentAndTheLogSaysSoOnce()
    {
        _devices.Add(Device("d1"));
        var refresher = Refresher(enabled: false);

        await refresher.RunAsync();
        await refresher.RunAsync();

        Assert.Empty(_server.Calls);
        Assert.Equal(0, _devices.ListCalls);
        Assert.Single(_logs.Lines, l => l.Contains("risk metric is off", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        _meters.Dispose();
        _loggerFactory.Dispose();
        _logs.Dispose();
    }

    private AppleRiskMetricRefresher Refresher(bool enabled = true, int maxPerRun = 200) => new(
        Options.Create(new AppleRiskMetricOptions { KeyId = enabled ? "KEY1234567" : null, TeamId = enabled ? "ABCDE12345" : null, MaxDevicesPerRun = maxPerRun }),
        _devices,
        _devices,
        new FixedApps(),
        _server,
        _receipts,
        new AttestationMetrics(_meters),
        _clock,
        _loggerFactory.CreateLogger<AppleRiskMetricRefresher>());

    private static DeviceRegistration Device(string deviceId) => new(
        AppId, deviceId, PlatformNames.AppleAppAttest, [4, 4, 4], 0, Now.AddDays(-1), Now.AddDays(-1), "apple-app-attest production", DeviceStatus.Active,
        Receipt: AttestReceipt, AttestedFacts: new AppleRegisteredFacts(AppAttestEnvironment.Production).ToText());

    private sealed class FixedApps : IAppPolicyProvider
    {
        public ValueTask<AppPolicy?> FindAsync(string appId, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult<AppPolicy?>(appId == AppId
                ? new AppPolicy(AppId, [PlatformNames.AppleAppAttest], FailureMode.Reject, []) { Apple = new AppleAppAttestPolicy { TeamId = "ABCDE12345", BundleId = AppId } }
                : null);
    }

    private sealed class ScriptedServer : IAppleAppAttestServer
    {
        public Queue<AppleReceiptExchangeAnswer> Answers { get; } = new();

        public AppleReceiptExchangeAnswer Default { get; set; } = new(AppleReceiptExchangeStatus.Unavailable, HttpStatus: 500);

        public List<(AppAttestEnvironment Environment, byte[] Receipt)> Calls { get; } = [];

        public Task<AppleReceiptExchangeAnswer> ExchangeAsync(AppAttestEnvironment environment, byte[] receipt, CancellationToken cancellationToken = default)
        {
            Calls.Add((environment, receipt));
            return Task.FromResult(Answers.TryDequeue(out var answer) ? answer : Default);
        }
    }

    /// <summary>Reads only the receipts a test registered; any other bytes are refused as the real reader refuses them.</summary>
    private sealed class ScriptedReceipts : IAppleRiskReceiptReader
    {
        public Dictionary<string, AppleRiskReceipt> New { get; } = [];

        public Dictionary<string, DateTimeOffset> NotBefore { get; } = [];

        public AppleRiskReceipt ReadNew(byte[] receipt, string appId, byte[] publicKey) =>
            appId == "ABCDE12345." + AppId && New.TryGetValue(Convert.ToBase64String(receipt), out var read)
                ? read
                : throw new AttestationException(AttestationErrorCode.AttestationInvalid, "The receipt cannot be read.");

        public DateTimeOffset? NotBeforeOf(byte[] storedReceipt) =>
            NotBefore.TryGetValue(Convert.ToBase64String(storedReceipt), out var notBefore) ? notBefore : null;
    }

    private sealed class MemoryDevices : IDeviceStore, IAppleRiskMetricDevices
    {
        private readonly Dictionary<string, DeviceRegistration> _rows = [];
        private int _version;

        public int ListCalls { get; private set; }

        public IReadOnlyList<DeviceRegistration> Rows => [.. _rows.Values];

        public void Add(DeviceRegistration registration) => _rows[registration.DeviceId] = Stamped(registration);

        public DeviceRegistration Row(string deviceId) => _rows[deviceId];

        public Task<IReadOnlyList<DeviceRegistration>> ListDueAsync(DateTimeOffset now, int max, CancellationToken cancellationToken = default)
        {
            ListCalls++;
            return Task.FromResult<IReadOnlyList<DeviceRegistration>>([.. _rows.Values
                .Where(r => r.Status == DeviceStatus.Active && r.Receipt is not null && !r.ReceiptRefreshEnded && (r.NextReceiptExchangeAt is null || r.NextReceiptExchangeAt <= now))
                .Take(max)]);
        }

        public Task<DeviceRegistration?> FindAsync(string appId, string deviceId, CancellationToken cancellationToken = default) =>
            Task.FromResult(_rows.GetValueOrDefault(deviceId));

        public Task<bool> TryAddAsync(DeviceRegistration registration, CancellationToken cancellationToken = default) =>
            Task.FromResult(_rows.TryAdd(registration.DeviceId, Stamped(registration)));

        public Task<bool> TryUpdateAsync(DeviceRegistration registration, CancellationToken cancellationToken = default)
        {
            if (!_rows.TryGetValue(registration.DeviceId, out var stored) || stored.ConcurrencyStamp != registration.ConcurrencyStamp)
            {
                return Task.FromResult(false);
            }

            _rows[registration.DeviceId] = Stamped(registration);
            return Task.FromResult(true);
        }

        public Task ImitateUpdateAsync(string appId, string deviceId, CancellationToken cancellationToken = default) => Task.CompletedTask;

        private DeviceRegistration Stamped(DeviceRegistration registration) =>
            registration with { ConcurrencyStamp = (++_version).ToString(System.Globalization.CultureInfo.InvariantCulture) };
    }
}
