using Microsoft.Extensions.Options;

namespace Attestation.Functions.Security;

/// <summary>Section <c>Attestation:Auth</c>: the keys that may call <c>verify</c> without an Entra ID token.</summary>
public sealed class CallerAuthorizationOptions
{
    public const string SectionName = "Attestation:Auth";

    /// <summary>
    /// Hex SHA-256 of each key accepted by <c>verify</c> (sent as a function key: header <c>x-functions-key</c> or query
    /// <c>code</c>). Only hashes sit in settings; empty means verify needs an Entra ID token.
    /// </summary>
    public IList<string> VerifyKeySha256 { get; } = [];
}
