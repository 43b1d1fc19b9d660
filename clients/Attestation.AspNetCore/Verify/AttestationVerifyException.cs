using System.Net;

namespace Attestation.AspNetCore.Verify;

/// <summary>verify did not answer with a result: an error status, an unreadable body, or 503 after the retries.</summary>
public class AttestationVerifyException : Exception
{
    public AttestationVerifyException()
    {
    }

    public AttestationVerifyException(string message)
        : base(message)
    {
    }

    public AttestationVerifyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public AttestationVerifyException(string message, HttpStatusCode? statusCode, string? code, TimeSpan? retryAfter)
        : base(message)
    {
        StatusCode = statusCode;
        Code = code;
        RetryAfter = retryAfter;
    }

    /// <summary>The last status verify answered, if any.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>The problem's <c>code</c> when it is one of docs/api.md's, e.g. <c>unavailable</c> or <c>invalid_request</c>.</summary>
    public string? Code { get; }

    /// <summary>The last <c>Retry-After</c> of a 503, when there was one.</summary>
    public TimeSpan? RetryAfter { get; }
}
