namespace Attestation.Core.Errors;

/// <summary>
/// The one exception the domain raises for a refused request. <see cref="Detail"/> is written for the caller and is safe to
/// return; it never carries evidence bytes, tokens or secrets.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1032:Implement standard exception constructors", Justification = "Every refusal must carry its code; a code-less constructor would default it silently.")]
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

    public AttestationErrorCode Code { get; }

    public string Detail { get; }

    public static AttestationException InvalidRequest(string detail) => new(AttestationErrorCode.InvalidRequest, detail);
}
