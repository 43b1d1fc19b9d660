using System.Security.Cryptography;
using Attestation.Core.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Attestation.Core.Tokens;

/// <summary>Either the verified claims or the reason for refusal.</summary>
/// <param name="Token">The verified claims, or null.</param>
/// <param name="Refusal">Why the token was refused, or null.</param>
/// <param name="UnknownKeyId">The token's <c>kid</c> when no loaded key had it (a rotation this instance may have missed).</param>
public sealed record TokenCheck(VerifiedToken? Token, TokenRefusal? Refusal, string? UnknownKeyId = null)
{
    public bool IsValid => Token is not null;

    public static TokenCheck Refused(TokenRefusal refusal) => new(null, refusal);
}
