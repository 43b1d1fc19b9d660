using System.Globalization;
using System.Xml.Linq;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Attestation.Infrastructure.Tests.Apim;

/// <summary>Why validate-jwt refused a token: the documented <c>context.LastError.Reason</c> values.</summary>
public enum ValidateJwtFailure
{
    TokenNotPresent,
    TokenSignatureInvalid,
    TokenAudienceNotAllowed,
    TokenIssuerNotAllowed,
    TokenExpired,
    TokenSignatureKeyNotFound,
    TokenClaimNotFound,
    TokenClaimValueNotAllowed,
    JwtInvalid,
}
