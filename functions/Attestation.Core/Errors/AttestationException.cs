namespace Attestation.Core.Errors;

/// <summary>
/// The one exception the domain raises for a refused request. <see cref="Detail"/> is written for the caller and is safe to
/// return; it never carries evidence bytes, tokens or secrets.
/// </summary>
public sealed class AttestationException : Exception
{
    public AttestationException(AttestationErrorCode code, string detail)
        : base(detail)
    {
        Code = code;
        Detail = detail;
    }

    public AttestationException(AttestationErrorCode code, string detail, Exception innerException)
        : base(detail, innerException)
    {
        Code = code;
        Detail = detail;
    }

    public AttestationException()
        : this(AttestationErrorCode.InvalidRequest, "The request is invalid.")
    {
    }

    public AttestationException(string message)
        : this(AttestationErrorCode.InvalidRequest, message)
    {
    }

    public AttestationException(string message, Exception innerException)
        : this(AttestationErrorCode.InvalidRequest, message, innerException)
    {
    }

    public AttestationErrorCode Code { get; }

    public string Detail { get; }

    public static AttestationException InvalidRequest(string detail) => new(AttestationErrorCode.InvalidRequest, detail);
}
