namespace Attestation.Client;

/// <summary>How <see cref="AttestationTokenSource"/> caches, refreshes and waits.</summary>
public sealed class AttestationTokenSourceOptions
{
    /// <summary>
    /// The share of a token's lifetime, counted back from its expiry, in which the next request refreshes it: 0.2 refreshes
    /// a 5-minute token once it has 1 minute left. Between 0 and 1.
    /// </summary>
    public double RefreshAheadShare { get; set; } = 0.2;

    /// <summary>How many times a <c>retry_later</c> answer is waited out before it reaches the caller (0 to 10).</summary>
    public int MaxRetryLaterAttempts { get; set; } = 3;

    /// <summary>The first wait after <c>retry_later</c> without a <c>Retry-After</c>; it doubles on each further one.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The longest wait the source takes for the caller. A <c>Retry-After</c> longer than this (a spent daily budget) is
    /// not waited out: the <see cref="AttestationException"/> reaches the caller at once, with the wait in its <c>RetryAfter</c>.
    /// </summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The device id a previous run registered (kept by the app, for example in secure storage), so that a restart refreshes
    /// instead of attesting again. An App Attest key attests once: without it, a restarted app needs a new key.
    /// </summary>
    public string? DeviceId { get; set; }

    /// <summary>Called with the new device id whenever the backend registers one, so that the app can keep it.</summary>
    public Action<string>? DeviceIdChanged { get; set; }

    internal void Validate()
    {
        if (double.IsNaN(RefreshAheadShare) || RefreshAheadShare is < 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(RefreshAheadShare), RefreshAheadShare, "Between 0 (inclusive) and 1 (exclusive).");
        }

        if (MaxRetryLaterAttempts is < 0 or > 10)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRetryLaterAttempts), MaxRetryLaterAttempts, "Between 0 and 10.");
        }

        if (InitialBackoff <= TimeSpan.Zero || MaxRetryDelay < InitialBackoff)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRetryDelay), MaxRetryDelay, "InitialBackoff is positive and MaxRetryDelay at least InitialBackoff.");
        }
    }
}
