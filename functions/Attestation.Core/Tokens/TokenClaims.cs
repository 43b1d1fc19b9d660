namespace Attestation.Core.Tokens;

/// <summary>Claim names of docs/api.md's token.</summary>
public static class TokenClaims
{
    public const string App = "app";
    public const string Platform = "plat";
    public const string Binding = "pay";
}
