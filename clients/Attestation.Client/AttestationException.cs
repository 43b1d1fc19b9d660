using System.Net;

namespace Attestation.Client;

/// <summary>
/// The backend refused, or answered something this library cannot read. <see cref="Action"/> says what the app may do;
/// the token source has already done whatever recovery the action allows before this reaches the app.
/// </summary>
public class AttestationException : Exception
{
    public AttestationException()
    {
    }

    public AttestationException(string message)
        : base(message)
    {
    }

    public AttestationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public AttestationException(string message, HttpStatusCode statusCode, string? code, AttestationAction? action, TimeSpan? retryAfter = null, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        Code = code;
        Action = action;
        RetryAfter = retryAfter;
    }

    /// <summary>The HTTP status the backend answered.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The problem's stable <c>code</c> (for example <c>device_revoked</c>), or null when the answer carried none that could be read.</summary>
    public string? Code { get; }

    /// <summary>The problem's <c>action</c>, or null when the answer carried none that could be read (treat it as <see cref="AttestationAction.FixRequest"/>).</summary>
    public AttestationAction? Action { get; }

    /// <summary>How long the backend asked to wait (its <c>Retry-After</c>), when it said.</summary>
    public TimeSpan? RetryAfter { get; }
}
