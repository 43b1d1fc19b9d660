using Attestation.Core.Apps;
using Attestation.Core.Devices;
using Attestation.Core.Errors;
using Attestation.Core.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Attestation.Core.Platforms.Apple.RiskMetric;

/// <summary>
/// One run of the risk metric's refresh (Apple's "Assessing fraud risk"): each due App Attest registration's latest receipt
/// goes to Apple's server of its environment, and a new, verified receipt replaces it with its risk metric. Apple is asked no
/// sooner than the stored receipt's "not before"; a 404 ends the device's refresh; a throttle or an outage changes only the
/// backoff fields, and stops the run, since every other call now would meet the same answer.
/// </summary>
public sealed partial class AppleRiskMetricRefresher(
    IOptions<AppleRiskMetricOptions> options,
    IAppleRiskMetricDevices dueDevices,
    IDeviceStore devices,
    IAppPolicyProvider apps,
    IAppleAppAttestServer server,
    IAppleRiskReceiptReader receipts,
    AttestationMetrics metrics,
    TimeProvider timeProvider,
    ILogger<AppleRiskMetricRefresher> logger)
{
    /// <summary>The first backoff after a throttle or a failure; it doubles with each consecutive one.</summary>
    public static readonly TimeSpan FirstBackoff = TimeSpan.FromMinutes(5);

    /// <summary>The longest backoff, and the wait after an answer that cannot help on a retry (400, a bad receipt).</summary>
    public static readonly TimeSpan LongestBackoff = TimeSpan.FromDays(1);

    /// <summary>After a 304 whose receipt gave no "not before": Apple said "too soon" without saying until when.</summary>
    public static readonly TimeSpan NotModifiedWait = TimeSpan.FromHours(1);

    private readonly AppleRiskMetricOptions _options = options.Value;
    private int _saidDisabled;

    // Apple throttles the team, not a device: after a 429 (or an outage) no call is made before this instant.
    private DateTimeOffset _pausedUntil = DateTimeOffset.MinValue;

    /// <summary>Runs one pass.</summary>
    /// <exception cref="DependencyUnavailableException">The device store cannot be reached.</exception>
    public async Task<AppleRiskMetricRun> RunAsync(CancellationToken cancellationToken = default)
    {
        if (!_options.IsEnabled)
        {
            if (Interlocked.Exchange(ref _saidDisabled, 1) == 0)
            {
                LogDisabled();
            }

            return AppleRiskMetricRun.Disabled;
        }

        var now = timeProvider.GetUtcNow();
        if (now < _pausedUntil)
        {
            LogPaused(_pausedUntil);
            return new AppleRiskMetricRun(0, 0, Paused: true);
        }

        var due = await dueDevices.ListDueAsync(now, _options.MaxDevicesPerRun, cancellationToken).ConfigureAwait(false);
        var exchanged = 0;
        var stored = 0;
        foreach (var registration in due)
        {
            var step = await RefreshAsync(registration, now, cancellationToken).ConfigureAwait(false);
            exchanged += step.Called ? 1 : 0;
            if (step.Update is { } update && await devices.TryUpdateAsync(update, cancellationToken).ConfigureAwait(false))
            {
                stored++;
            }

            // A write that lost to a refresh or a revocation is left: the device is due again at the next run.
            if (step.StopRun)
            {
                _pausedUntil = step.Update?.NextReceiptExchangeAt ?? now;
                break;
            }
        }

        LogRun(due.Count, exchanged, stored);
        return new AppleRiskMetricRun(exchanged, stored, Paused: false);
    }

    private async Task<Step> RefreshAsync(DeviceRegistration registration, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var policy = await apps.FindAsync(registration.AppId, cancellationToken).ConfigureAwait(false);
        if (policy?.Apple is not { } apple || AppleAppId.Of(apple) is not { } appId || registration.PublicKey is null || registration.Receipt is null)
        {
            // An app removed or without App Attest: nothing to verify a new receipt against. Looked at again a day later.
            return new Step(false, registration with { NextReceiptExchangeAt = now + LongestBackoff });
        }

        AppAttestEnvironment environment;
        try
        {
            // A registration written before the facts were kept is an App Store build's more often than not.
            environment = AppleRegisteredFacts.FromText(registration.AttestedFacts)?.Environment ?? AppAttestEnvironment.Production;
        }
        catch (AttestationException)
        {
            return new Step(false, registration with { NextReceiptExchangeAt = now + LongestBackoff });
        }

        // Apple answers 304 until the stored receipt's "not before": asking sooner spends the team's rate for nothing.
        if (registration.NextReceiptExchangeAt is null && receipts.NotBeforeOf(registration.Receipt) is { } notBefore && notBefore > now)
        {
            return new Step(false, registration with { NextReceiptExchangeAt = notBefore });
        }

        var answer = await server.ExchangeAsync(environment, registration.Receipt, cancellationToken).ConfigureAwait(false);
        switch (answer.Status)
        {
            case AppleReceiptExchangeStatus.NewReceipt:
                return Accept(registration, answer.Receipt!, appId, now);
            case AppleReceiptExchangeStatus.NotModified:
                metrics.RecordAppleReceiptRefresh(registration.AppId, "not_modified");
                return Called(registration with
                {
                    NextReceiptExchangeAt = receipts.NotBeforeOf(registration.Receipt) is { } later && later > now ? later : now + NotModifiedWait,
                    ReceiptExchangeFailures = 0,
                });
            case AppleReceiptExchangeStatus.NotFound:
                metrics.RecordAppleReceiptRefresh(registration.AppId, "not_found");
                LogEnded(registration.AppId, registration.DeviceId);
                return Called(registration with { ReceiptRefreshEnded = true, ReceiptExchangeFailures = 0 });
            case AppleReceiptExchangeStatus.Throttled:
                metrics.RecordAppleReceiptRefresh(registration.AppId, "throttled");
                LogBackingOff(answer.HttpStatus ?? 0, Backoff(registration, answer.RetryAfter));
                return Called(BackOff(registration, now, answer.RetryAfter), stopRun: true);
            case AppleReceiptExchangeStatus.Unreadable:
                metrics.RecordAppleReceiptRefresh(registration.AppId, "invalid");
                LogInvalidAnswer(registration.AppId, registration.DeviceId, "not_base64");
                return Called(registration with { NextReceiptExchangeAt = now + LongestBackoff, ReceiptExchangeFailures = registration.ReceiptExchangeFailures + 1 });
            case AppleReceiptExchangeStatus.Refused:
                metrics.RecordAppleReceiptRefresh(registration.AppId, "error");
                LogRefused(registration.AppId, registration.DeviceId, answer.HttpStatus ?? 0);
                return Called(registration with { NextReceiptExchangeAt = now + LongestBackoff, ReceiptExchangeFailures = registration.ReceiptExchangeFailures + 1 });
            default:
                metrics.RecordAppleReceiptRefresh(registration.AppId, "error");
                LogBackingOff(answer.HttpStatus ?? 0, Backoff(registration, answer.RetryAfter));
                return Called(BackOff(registration, now, answer.RetryAfter), stopRun: true);
        }
    }

    private Step Accept(DeviceRegistration registration, byte[] receipt, string appId, DateTimeOffset now)
    {
        AppleRiskReceipt read;
        try
        {
            read = receipts.ReadNew(receipt, appId, registration.PublicKey!);
        }
        catch (AttestationException refused)
        {
            // The code and the reader's message, never the receipt's bytes; the stored receipt stays the latest good one.
            metrics.RecordAppleReceiptRefresh(registration.AppId, "invalid");
            LogInvalidAnswer(registration.AppId, registration.DeviceId, refused.Code.ToWireName());
            return Called(registration with { NextReceiptExchangeAt = now + LongestBackoff, ReceiptExchangeFailures = registration.ReceiptExchangeFailures + 1 });
        }

        metrics.RecordAppleReceiptRefresh(registration.AppId, "ok");
        metrics.RecordAppleRiskMetric(registration.AppId, read.RiskMetric);
        return Called(registration with
        {
            Receipt = receipt,
            RiskMetric = read.RiskMetric,
            RiskMetricUpdatedAt = now,
            NextReceiptExchangeAt = read.NotBefore is { } notBefore && notBefore > now ? notBefore : now + NotModifiedWait,
            ReceiptExchangeFailures = 0,
        });
    }

    /// <summary>Apple's <c>Retry-After</c> when it gave one, else an exponential backoff; at most a day either way.</summary>
    private static TimeSpan Backoff(DeviceRegistration registration, TimeSpan? retryAfter)
    {
        if (retryAfter is { } asked && asked > TimeSpan.Zero)
        {
            return asked < LongestBackoff ? asked : LongestBackoff;
        }

        var doubled = FirstBackoff * Math.Pow(2, Math.Min(registration.ReceiptExchangeFailures, 16));
        return doubled < LongestBackoff ? doubled : LongestBackoff;
    }

    private static DeviceRegistration BackOff(DeviceRegistration registration, DateTimeOffset now, TimeSpan? retryAfter) => registration with
    {
        NextReceiptExchangeAt = now + Backoff(registration, retryAfter),
        ReceiptExchangeFailures = registration.ReceiptExchangeFailures + 1,
    };

    private static Step Called(DeviceRegistration update, bool stopRun = false) => new(true, update, stopRun);

    private sealed record Step(bool Called, DeviceRegistration? Update, bool StopRun = false);

    [LoggerMessage(EventId = 60, Level = LogLevel.Information, Message = "Apple's risk metric is off: set Attestation:AppleRiskMetric:KeyId and TeamId to turn it on")]
    private partial void LogDisabled();

    [LoggerMessage(EventId = 61, Level = LogLevel.Information, Message = "Risk metric run: {Due} receipts due, {Exchanged} sent to Apple, {Stored} registrations updated")]
    private partial void LogRun(int due, int exchanged, int stored);

    [LoggerMessage(EventId = 62, Level = LogLevel.Warning, Message = "Apple's App Attest server answered {Status}; no exchange for {Backoff}")]
    private partial void LogBackingOff(int status, TimeSpan backoff);

    [LoggerMessage(EventId = 63, Level = LogLevel.Information, Message = "Risk metric run skipped: Apple asked to wait until {Until}")]
    private partial void LogPaused(DateTimeOffset until);

    [LoggerMessage(EventId = 64, Level = LogLevel.Information, Message = "Apple keeps no more data for app {AppId} device {DeviceId}: its risk metric is no longer refreshed")]
    private partial void LogEnded(string appId, string deviceId);

    [LoggerMessage(EventId = 65, Level = LogLevel.Warning, Message = "Apple's answer for app {AppId} device {DeviceId} was refused ({Code}); the stored receipt is kept")]
    private partial void LogInvalidAnswer(string appId, string deviceId, string code);

    [LoggerMessage(EventId = 66, Level = LogLevel.Warning, Message = "Apple refused the receipt of app {AppId} device {DeviceId} ({Status}); tried again in a day")]
    private partial void LogRefused(string appId, string deviceId, int status);
}

/// <summary>What one run did.</summary>
/// <param name="Exchanged">Receipts sent to Apple.</param>
/// <param name="Stored">Registrations updated.</param>
/// <param name="Paused">True when the run made no call because Apple asked to wait.</param>
public sealed record AppleRiskMetricRun(int Exchanged, int Stored, bool Paused)
{
    /// <summary>The risk metric is not configured.</summary>
    public static readonly AppleRiskMetricRun Disabled = new(0, 0, false);
}
