using Attestation.Core.Tokens;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Attestation.Core.Tests.Tokens;

/// <summary>An issuer and a validator on one pinned clock, with keys v1 (old), v2 (previous) and v3 (current).</summary>
internal sealed class TokenTestKit
{
    public static readonly DateTimeOffset Start = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    public TokenTestKit(string issuer = "https://attestation.test", string audience = "api://test")
    {
        Options = new TokenOptions { Issuer = issuer, Audience = audience, Lifetime = TimeSpan.FromMinutes(5) };
        Issuer = new TokenIssuer(Microsoft.Extensions.Options.Options.Create(Options), Clock);
        Validator = new TokenValidator(Microsoft.Extensions.Options.Options.Create(new TokenOptions { Issuer = "https://attestation.test", Audience = "api://test" }), Clock);
    }

    public FakeTimeProvider Clock { get; } = new(Start);

    public TokenOptions Options { get; }

    public TokenIssuer Issuer { get; }

    public TokenValidator Validator { get; }

    public static SigningKey V1 { get; } = new("v1", Enumerable.Repeat((byte)1, 32).ToArray());

    public static SigningKey V2 { get; } = new("v2", Enumerable.Repeat((byte)2, 32).ToArray());

    public static SigningKey V3 { get; } = new("v3", Enumerable.Repeat((byte)3, 32).ToArray());

    public static SigningKeySet Keys { get; } = new(V3, V2);

    public static TokenSubject Subject(string? binding = null) => new("device-1", "com.contoso.demo", "debug", binding);

    public string IssueWith(SigningKey key, string? binding = null) => Issuer.Issue(new SigningKeySet(key, null), Subject(binding)).Token;

    public Task<TokenCheck> ValidateAsync(string token, string? boundValue = null) => Validator.ValidateAsync(token, Keys, boundValue);
}
