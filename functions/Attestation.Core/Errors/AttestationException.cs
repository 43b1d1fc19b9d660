using Attestation.Core.Text;

namespace Attestation.Core.Errors;

/// <summary>
/// The one exception the domain raises for a refused request. <see cref="Detail"/> is written for the caller and is safe to
/// return; it never carries evidence bytes, tokens or secrets. Details often quote what the request held (a CBOR key, a JSON
/// path, a platform name) and are both returned and logged, so the detail is escaped and bounded here, where every refusal
/// passes, rather than at each place that builds one (issue 16, finding 5): see <see cref="UntrustedText"/>.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1032:Implement standard exception constructors", Justification = "Every refusal must carry its code; a code-less constructor would default it silently.")]
public sealed class AttestationException : Exception
{
    public AttestationException(AttestationErrorCode code, string detail)
        : base(UntrustedText.Escape(detail, MaxDetailLength))
    {
        Code = code;
        Detail = Message;
        Action = AttestationActions.For(code);
    }

    public AttestationException(AttestationErrorCode code, string detail, Exception innerException)
        : base(UntrustedText.Escape(detail, MaxDetailLength), innerException)
    {
        Code = code;
        Detail = Message;
        Action = AttestationActions.For(code);
    }

    /// <summary>The longest detail, in characters, before the ellipsis that marks a cut one.</summary>
    public const int MaxDetailLength = 1024;

    public AttestationErrorCode Code { get; }

    public string Detail { get; }

    /// <summary>What the app does next: the code's action (<see cref="AttestationActions.For"/>) unless the refusal names another.</summary>
    public AttestationAction Action { get; init; }

    public static AttestationException InvalidRequest(string detail) => new(AttestationErrorCode.InvalidRequest, detail);
}
