using System.Collections.Concurrent;

namespace Attestation.LoadTest;

/// <summary>
/// One closed-loop device with the debug provider: challenge, attest, verify K times, challenge, refresh, and for a share of
/// flows a consuming verify followed by a second that must be refused as <c>already_consumed</c>; then again. A step that
/// fails ends the flow; the device pauses and starts over with a new challenge, as docs/api.md's <c>retry_later</c> and
/// <c>new_challenge</c> say.
/// </summary>
public sealed class VirtualDevice(
    AttestationApiClient api,
    LoadTestOptions options,
    string debugToken,
    RatePacer? pacer,
    ConcurrentDictionary<string, string> attestedDevices)
{
    // Shorter than the backend's Retry-After on purpose: the pause keeps a failing device from spinning, and a short one
    // probes the backend often enough to time its recovery to a fraction of a second. Jitter keeps devices apart.
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(250);

    public List<RequestRecord> Records { get; } = [];

    public List<WrongAnswer> WrongAnswers { get; } = [];

    /// <summary>Runs flows until <paramref name="stop"/>; requests already sent finish (bounded by <paramref name="abort"/>).</summary>
    public async Task RunAsync(CancellationToken stop, CancellationToken abort)
    {
        while (!stop.IsCancellationRequested)
        {
            if (!await RunFlowAsync(stop, abort))
            {
                try
                {
                    await Task.Delay(Pause * (0.5 + Random.Shared.NextDouble()), stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task<bool> RunFlowAsync(CancellationToken stop, CancellationToken abort)
    {
        var challenge = await SendAsync(ApiRoute.Challenge, new { appId = options.AppId }, stop, abort);
        if (challenge?.Text("challenge") is not { } first)
        {
            return false;
        }

        var attested = await SendAsync(ApiRoute.Attest, new
        {
            appId = options.AppId,
            platform = "debug",
            challenge = first,
            evidence = new { debugToken },
        }, stop, abort);
        if (attested is null)
        {
            return false;
        }

        if (attested.Text("deviceId") is not { Length: > 0 } deviceId || attested.Text("token") is not { Length: > 0 } token)
        {
            WrongAnswers.Add(new WrongAnswer(ApiRoute.Attest, attested.Record.CompletedAt, "a 200 without deviceId or token."));
            return false;
        }

        attestedDevices.TryAdd(deviceId, debugToken);
        if (!await VerifyRepeatedlyAsync(token, deviceId, stop, abort))
        {
            return false;
        }

        var second = await SendAsync(ApiRoute.Challenge, new { appId = options.AppId }, stop, abort);
        if (second?.Text("challenge") is not { } next)
        {
            return false;
        }

        var refreshed = await SendAsync(ApiRoute.Refresh, new
        {
            appId = options.AppId,
            deviceId,
            challenge = next,
            proof = new { debugToken },
        }, stop, abort);
        if (refreshed is null)
        {
            return false;
        }

        if (refreshed.Text("deviceId") != deviceId || refreshed.Text("token") is not { Length: > 0 } fresh)
        {
            WrongAnswers.Add(new WrongAnswer(ApiRoute.Refresh, refreshed.Record.CompletedAt, "a 200 for another device id, or without a token."));
            return false;
        }

        if (Random.Shared.NextDouble() >= options.ConsumeShare)
        {
            return true;
        }

        var consumed = await SendAsync(ApiRoute.VerifyConsume, new { token = fresh, consume = true }, stop, abort);
        if (consumed is null)
        {
            return false;
        }

        // A body that is not JSON reads as an undefined element, which both expectations refuse.
        if (VerifyExpectation.Valid(consumed.Body ?? default, deviceId, options.AppId) is { } wrong)
        {
            WrongAnswers.Add(new WrongAnswer(ApiRoute.VerifyConsume, consumed.Record.CompletedAt, "first consume: " + wrong));
            return true;
        }

        var again = await SendAsync(ApiRoute.VerifyConsume, new { token = fresh, consume = true }, stop, abort);
        if (again is not null && VerifyExpectation.Invalid(again.Body ?? default, "already_consumed") is { } notRefused)
        {
            WrongAnswers.Add(new WrongAnswer(ApiRoute.VerifyConsume, again.Record.CompletedAt, "second consume: " + notRefused));
        }

        return again is not null;
    }

    private async Task<bool> VerifyRepeatedlyAsync(string token, string deviceId, CancellationToken stop, CancellationToken abort)
    {
        for (var i = 0; i < options.VerifiesPerToken; i++)
        {
            var verified = await SendAsync(ApiRoute.Verify, new { token }, stop, abort);
            if (verified is null)
            {
                return false;
            }

            if (VerifyExpectation.Valid(verified.Body ?? default, deviceId, options.AppId) is { } wrong)
            {
                WrongAnswers.Add(new WrongAnswer(ApiRoute.Verify, verified.Record.CompletedAt, wrong));
            }
        }

        return true;
    }

    /// <summary>Sends one request and records it; null when it was not a 2xx or the run is over before it could start.</summary>
    private async Task<ApiAnswer?> SendAsync(ApiRoute route, object body, CancellationToken stop, CancellationToken abort)
    {
        if (stop.IsCancellationRequested)
        {
            return null;
        }

        if (pacer is not null)
        {
            try
            {
                await Task.Delay(pacer.NextDelay(), stop);
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }

        var answer = await api.PostAsync(route, body, abort);
        Records.Add(answer.Record);
        return answer.Record.IsSuccess ? answer : null;
    }
}
