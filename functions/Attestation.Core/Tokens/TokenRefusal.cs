using System.Security.Cryptography;
using Attestation.Core.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Attestation.Core.Tokens;

/// <summary>Why a token was refused: docs/api.md's <c>reason</c> values.</summary>
public enum TokenRefusal
{
    Malformed,
    BadSignature,
    Expired,
    NotYetValid,
    WrongIssuer,
    WrongAudience,
    WrongApp,
    WrongPlatform,
    BindingMismatch,
    AlreadyConsumed,
    DeviceRevoked,
}
