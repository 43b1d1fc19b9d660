using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Attestation.Core.Secrets;
using Attestation.Core.Text;
using Attestation.Core.Tokens;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Attestation.Core.Tests.Tokens;

/// <summary>ES256 mode (docs/api.md, "The token"): P-256 keys, the algorithm pinned, current and previous trusted.</summary>
public class Es256TokenTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private static readonly string OldPkcs8 = NewPkcs8();
    private static readonly string PreviousPkcs8 = NewPkcs8();
    private static readonly string CurrentPkcs8 = NewPkcs8();

    private readonly FakeTimeProvider _clock = new(Start);
    private readonly TokenIssuer _issuer;
    private readonly TokenValidator _validator;

    public Es256TokenTests()
    {
        var options = Options.Create(new TokenOptions { Issuer = "https://attestation.test", Audience = "api://test", Algorithm = TokenAlgorithm.ES256 });
        _issuer = new TokenIssuer(options, _clock);
        _validator = new TokenValidator(options, _clock);
    }

    private static SigningKey Old { get; } = SigningKey.FromEcPrivateKey("e1", OldPkcs8)!;

    private static SigningKey Previous { get; } = SigningKey.FromEcPrivateKey("e2", PreviousPkcs8)!;

    private static SigningKey Current { get; } = SigningKey.FromEcPrivateKey("e3", CurrentPkcs8)!;

    private static SigningKeySet Keys { get; } = new(Current, Previous);

    [Fact]
    public async Task ATokenSignedWithTheCurrentKeyHasAnEs256HeaderAndVerifies()
    {
        var token = Issue(Keys);

        var header = new JsonWebToken(token);
        Assert.Equal("ES256", header.Alg);
        Assert.Equal("JWT", header.Typ);
        Assert.Equal("e3", header.Kid);
        var check = await _validator.ValidateAsync(token, Keys);
        Assert.True(check.IsValid, check.Refusal?.ToString());
        Assert.Equal("device-1", check.Token!.DeviceId);
    }

    [Fact]
    public async Task ATokenOfThePreviousKeyStillVerifiesAfterARotationAndOneOfTheKeyBeforeDoesNot()
    {
        var fromPrevious = Issue(new SigningKeySet(Previous, Old));
        var fromOld = Issue(new SigningKeySet(Old, null));

        Assert.True((await _validator.ValidateAsync(fromPrevious, Keys)).IsValid);
        var refused = await _validator.ValidateAsync(fromOld, Keys);
        Assert.Equal(TokenRefusal.BadSignature, refused.Refusal);
        Assert.Equal("e1", refused.UnknownKeyId);
    }

    [Fact]
    public async Task AKidOutsideTheKnownSetIsABadSignatureEvenWhenAKnownKeySigned()
    {
        var stranger = SigningKey.FromEcPrivateKey("e9", CurrentPkcs8)!;

        var check = await _validator.ValidateAsync(Issue(new SigningKeySet(stranger, null)), Keys);

        Assert.Equal(TokenRefusal.BadSignature, check.Refusal);
    }

    [Fact]
    public async Task AnHs256TokenIsRefusedInEs256ModeEvenWithAKnownKid()
    {
        var hmacIssuer = new TokenIssuer(Options.Create(new TokenOptions { Issuer = "https://attestation.test", Audience = "api://test" }), _clock);
        var hs256 = hmacIssuer.Issue(new SigningKeySet(new SigningKey("e3", Enumerable.Repeat((byte)3, 32).ToArray()), null), Subject()).Token;

        var check = await _validator.ValidateAsync(hs256, Keys);

        Assert.Equal(TokenRefusal.BadSignature, check.Refusal);
    }

    [Fact]
    public async Task AnHs256TokenKeyedWithThePublicKeyIsRefused()
    {
        // RFC 8725 §2.1: the classic confusion is an HMAC made with the published key, hoping the verifier feeds it to HMAC.
        var publicKey = Encoding.ASCII.GetBytes(JsonSerializer.Serialize(Current.PublicKey));
        var token = Resign(Issue(Keys), "HS256", input => HMACSHA256.HashData(publicKey, input));

        var check = await _validator.ValidateAsync(token, Keys);

        Assert.Equal(TokenRefusal.BadSignature, check.Refusal);
    }

    [Fact]
    public async Task AnUnsignedTokenIsRefused()
    {
        var token = Issue(Keys);
        var header = Base64Flexible.ToBase64Url(JsonSerializer.SerializeToUtf8Bytes(new { alg = "none", typ = "JWT", kid = "e3" }));
        var unsigned = $"{header}.{token.Split('.')[1]}.";

        var check = await _validator.ValidateAsync(unsigned, Keys);

        Assert.False(check.IsValid);
        Assert.Contains(check.Refusal, new TokenRefusal?[] { TokenRefusal.BadSignature, TokenRefusal.Malformed });
    }

    [Fact]
    public async Task ATamperedPayloadIsABadSignature()
    {
        var parts = Issue(Keys).Split('.');
        Assert.True(Base64Flexible.TryDecode(parts[1], out var payload));
        var claims = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(payload)!;
        claims["sub"] = JsonSerializer.SerializeToElement("device-2");
        var tampered = $"{parts[0]}.{Base64Flexible.ToBase64Url(JsonSerializer.SerializeToUtf8Bytes(claims))}.{parts[2]}";

        var check = await _validator.ValidateAsync(tampered, Keys);

        Assert.Equal(TokenRefusal.BadSignature, check.Refusal);
    }

    [Fact]
    public async Task AnEs256TokenIsRefusedInHs256Mode()
    {
        var hmacValidator = new TokenValidator(Options.Create(new TokenOptions { Issuer = "https://attestation.test", Audience = "api://test" }), _clock);

        var check = await hmacValidator.ValidateAsync(Issue(Keys), Keys);

        Assert.Equal(TokenRefusal.BadSignature, check.Refusal);
    }

    [Fact]
    public async Task ADecoyHasTheCurrentKidAndAlgorithmButVerifiesNowhere()
    {
        var decoy = _issuer.IssueDecoy(Keys, Subject()).Token;

        Assert.Equal("ES256", new JsonWebToken(decoy).Alg);
        Assert.Equal("e3", new JsonWebToken(decoy).Kid);
        Assert.Equal(TokenRefusal.BadSignature, (await _validator.ValidateAsync(decoy, Keys)).Refusal);
    }

    [Fact]
    public void ThePublicKeysAreTheCurrentAndPreviousWithoutAPrivatePart()
    {
        var published = Keys.PublicKeys;

        Assert.Equal(["e3", "e2"], published.Select(k => k.Kid));
        var json = JsonSerializer.Serialize(published);
        Assert.DoesNotContain("\"d\"", json, StringComparison.OrdinalIgnoreCase);
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportPkcs8PrivateKey(Convert.FromBase64String(CurrentPkcs8), out _);
        var d = Base64Flexible.ToBase64Url(ecdsa.ExportParameters(true).D!);
        Assert.DoesNotContain(d, json, StringComparison.Ordinal);
        Assert.All(published, k => Assert.Equal(("EC", "P-256", "sig", "ES256"), (k.Kty, k.Crv, k.Use, k.Alg)));
        Assert.Equal(Base64Flexible.ToBase64Url(ecdsa.ExportParameters(false).Q.X!), published[0].X);
    }

    [Fact]
    public void AnHs256KeySetPublishesNothing()
    {
        Assert.Empty(new SigningKeySet(new SigningKey("v1", new byte[32]), null).PublicKeys);
    }

    [Fact]
    public void AKeySetRefusesToMixAlgorithms()
    {
        Assert.Throws<ArgumentException>(() => new SigningKeySet(Current, new SigningKey("v1", new byte[32])));
    }

    [Theory]
    [InlineData("secp384r1")]
    [InlineData("hmac")]
    [InlineData("garbage")]
    [InlineData("")]
    public void OnlyAP256PrivateKeyInPkcs8IsAnEs256Key(string kind)
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var text = kind switch
        {
            "secp384r1" => Convert.ToBase64String(p384.ExportPkcs8PrivateKey()),
            "hmac" => Convert.ToBase64String(new byte[32]),
            "garbage" => "not base64 at all!",
            _ => "",
        };

        Assert.Null(SigningKey.FromEcPrivateKey("v1", text));
    }

    [Fact]
    public void AnOversizedKeyIsRefusedWithoutParsing()
    {
        Assert.Null(SigningKey.FromEcPrivateKey("v1", Convert.ToBase64String(new byte[100_000])));
    }

    [Fact]
    public void ToStringNeverShowsTheKey()
    {
        Assert.DoesNotContain(CurrentPkcs8[..40], Current.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void TheValidatorOfEs256ModeWantsAP256KeyInConfigurationAndNamesItWithoutEchoingIt()
    {
        var options = new SigningKeyOptions { Current = new ConfiguredKeyVersion { Version = "v1", Secret = Convert.ToBase64String(new byte[32]) } };

        var result = new SigningKeyOptionsValidator(production: false, TokenAlgorithm.ES256).Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("Current:Secret must be base64 of a P-256 private key in PKCS#8 DER", result.FailureMessage, StringComparison.Ordinal);
        options.Current.Secret = CurrentPkcs8;
        Assert.True(new SigningKeyOptionsValidator(production: false, TokenAlgorithm.ES256).Validate(null, options).Succeeded);
        Assert.True(new SigningKeyOptionsValidator(production: true, TokenAlgorithm.ES256).Validate(null, options).Failed);
    }

    [Fact]
    public async Task TheConfigurationProviderReadsEs256KeysInEs256Mode()
    {
        var options = Options.Create(new SigningKeyOptions
        {
            Current = new ConfiguredKeyVersion { Version = "e3", Secret = CurrentPkcs8 },
            Previous = new ConfiguredKeyVersion { Version = "e2", Secret = PreviousPkcs8 },
        });

        var keys = await new ConfigurationSigningKeyProvider(options, TokenAlgorithm.ES256).GetKeysAsync();

        Assert.Equal(TokenAlgorithm.ES256, keys.Algorithm);
        Assert.Equal(["e3", "e2"], keys.PublicKeys.Select(k => k.Kid));
    }

    private static string NewPkcs8()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return Convert.ToBase64String(key.ExportPkcs8PrivateKey());
    }

    private static TokenSubject Subject() => new("device-1", "com.contoso.demo", "debug", null);

    private static string Resign(string token, string algorithm, Func<byte[], byte[]> sign)
    {
        var header = Base64Flexible.ToBase64Url(JsonSerializer.SerializeToUtf8Bytes(new { alg = algorithm, typ = "JWT", kid = "e3" }));
        var input = Encoding.ASCII.GetBytes($"{header}.{token.Split('.')[1]}");
        return $"{Encoding.ASCII.GetString(input)}.{Base64Flexible.ToBase64Url(sign(input))}";
    }

    private string Issue(SigningKeySet keys) => _issuer.Issue(keys, Subject()).Token;
}
