using System.Security.Cryptography;
using Attestation.Core.Tokens;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Options;

namespace Attestation.Benchmarks;

/// <summary>
/// ES256 beside HS256: what signing in the backend with a key loaded from Key Vault costs per attest or refresh, what a
/// verify without the memo costs, and what importing a key costs (why imported keys are cached per load).
/// </summary>
[MemoryDiagnoser]
public class Es256TokenBenchmarks
{
    private static readonly TokenSubject Subject = new("4vv8Uz254xXVLnt0-wlycOp8BiPxbaKZeLPZXlJQIAk", "com.contoso.demo", "debug", null);

    private readonly string _pkcs8 = NewPkcs8();
    private readonly SigningKey _current;
    private readonly SigningKey _previous;
    private readonly SigningKeySet _es256Keys;
    private readonly SigningKeySet _hs256Keys = new(
        new SigningKey("v2", Enumerable.Repeat((byte)2, 32).ToArray()),
        new SigningKey("v1", Enumerable.Repeat((byte)1, 32).ToArray()));

    private readonly TokenIssuer _es256Issuer;
    private readonly TokenIssuer _hs256Issuer;
    private readonly TokenValidator _es256Validator;
    private readonly TokenValidator _hs256Validator;
    private readonly string _es256Token;
    private readonly string _hs256Token;

    public Es256TokenBenchmarks()
    {
        _current = SigningKey.FromEcPrivateKey("e2", _pkcs8)!;
        _previous = SigningKey.FromEcPrivateKey("e1", NewPkcs8())!;
        _es256Keys = new SigningKeySet(_current, _previous);
        var es256 = Options.Create(new TokenOptions { Issuer = "https://attestation.bench", Audience = "api://bench", Algorithm = TokenAlgorithm.ES256 });
        var hs256 = Options.Create(new TokenOptions { Issuer = "https://attestation.bench", Audience = "api://bench" });
        _es256Issuer = new TokenIssuer(es256, TimeProvider.System);
        _hs256Issuer = new TokenIssuer(hs256, TimeProvider.System);
        _es256Validator = new TokenValidator(es256, TimeProvider.System);
        _hs256Validator = new TokenValidator(hs256, TimeProvider.System);
        _es256Token = _es256Issuer.Issue(_es256Keys, Subject).Token;
        _hs256Token = _hs256Issuer.Issue(_hs256Keys, Subject).Token;
    }

    [Benchmark(Baseline = true)]
    public string IssueHs256() => _hs256Issuer.Issue(_hs256Keys, Subject).Token;

    [Benchmark]
    public string IssueEs256() => _es256Issuer.Issue(_es256Keys, Subject).Token;

    // A new key set object each call empties the validator's memo, so the signature is really checked.
    [Benchmark]
    public Task<TokenCheck> ValidateHs256WithoutMemo() => _hs256Validator.ValidateAsync(_hs256Token, new SigningKeySet(_hs256Keys.Current, _hs256Keys.Previous));

    [Benchmark]
    public Task<TokenCheck> ValidateEs256WithoutMemo() => _es256Validator.ValidateAsync(_es256Token, new SigningKeySet(_current, _previous));

    [Benchmark]
    public SigningKey? ImportEs256Key() => SigningKey.FromEcPrivateKey("e3", _pkcs8);

    private static string NewPkcs8()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return Convert.ToBase64String(key.ExportPkcs8PrivateKey());
    }
}
