using Attestation.Core.Tokens;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Options;

namespace Attestation.Benchmarks;

/// <summary>Signing and checking a token: the work every attest, refresh and verify does.</summary>
[MemoryDiagnoser]
public class TokenBenchmarks
{
    private static readonly SigningKeySet Keys = new(
        new SigningKey("v2", Enumerable.Repeat((byte)2, 32).ToArray()),
        new SigningKey("v1", Enumerable.Repeat((byte)1, 32).ToArray()));

    private static readonly TokenSubject Subject = new("4vv8Uz254xXVLnt0-wlycOp8BiPxbaKZeLPZXlJQIAk", "com.contoso.demo", "debug", null);

    private readonly TokenIssuer _issuer;
    private readonly TokenValidator _validator;
    private readonly string _token;

    public TokenBenchmarks()
    {
        var options = Options.Create(new TokenOptions { Issuer = "https://attestation.bench", Audience = "api://bench" });
        _issuer = new TokenIssuer(options, TimeProvider.System);
        _validator = new TokenValidator(options, TimeProvider.System);
        _token = _issuer.Issue(Keys, Subject).Token;
    }

    [Benchmark]
    public string IssueToken() => _issuer.Issue(Keys, Subject).Token;

    [Benchmark]
    public Task<TokenCheck> ValidateToken() => _validator.ValidateAsync(_token, Keys);
}
