using System.Globalization;
using System.Xml.Linq;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Attestation.Infrastructure.Tests.Apim;

/// <summary>The token validate-jwt let through (its output variable), or why it refused it.</summary>
public sealed record ValidateJwtOutcome(Jwt? Token, ValidateJwtFailure? Failure)
{
    public bool Passed => Token is not null;
}
