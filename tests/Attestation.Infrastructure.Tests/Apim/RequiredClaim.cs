using System.Globalization;
using System.Xml.Linq;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Attestation.Infrastructure.Tests.Apim;

/// <summary>A claim element of required-claims.</summary>
public sealed record RequiredClaim(string Name, IReadOnlyList<string> Values, string Match, string? Separator)
{
    public bool Accepts(IReadOnlyList<string> present)
    {
        if (Values.Count == 0)
        {
            return true;
        }

        var actual = Separator is null ? present : present.SelectMany(p => p.Split(Separator)).ToList();
        return Match == "any" ? Values.Any(actual.Contains) : Values.All(actual.Contains);
    }
}
