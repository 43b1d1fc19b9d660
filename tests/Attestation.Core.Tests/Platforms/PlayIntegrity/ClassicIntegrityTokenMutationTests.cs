using System.Text;
using System.Text.Json.Nodes;
using Attestation.Core.Errors;
using Attestation.Core.Platforms.PlayIntegrity;
using Attestation.TestSupport;

namespace Attestation.Core.Tests.Platforms.PlayIntegrity;

/// <summary>
/// Seeded mutations of classic tokens, every one of which must be refused, and of the verdicts inside genuine tokens, which
/// must be refused unless the mutation left every field the rules read as it was. Cases run under <see cref="FuzzBound"/>.
/// </summary>
public sealed class ClassicIntegrityTokenMutationTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private readonly PlayIntegrityTokenFactory _factory = new();
    private readonly PlayIntegrityKeys _keys;

    public ClassicIntegrityTokenMutationTests()
    {
        _keys = PlayIntegrityKeys.Create(_factory.DecryptionKey, _factory.VerificationKey);
    }

    public void Dispose()
    {
        _keys.Dispose();
        _factory.Dispose();
    }

    [Theory]
    [InlineData(20261128)]
    [InlineData(20261129)]
    public async Task EveryMutatedTokenIsAttestationInvalid(int seed)
    {
        var random = new Random(seed);
        var valid = _factory.CreateToken(PlayIntegrityTokenFactory.Verdict("com.contoso.demo", "challenge", Now, new string('A', 43)));
        Assert.Equal("ok", await OutcomeAsync(valid));

        // No byte of a classic token is outside what is checked: the protected header is AES-GCM's additional data, the
        // wrapped key carries RFC 3394's integrity check, the IV, ciphertext and tag are what AES-GCM authenticates, and the
        // signed verdict is inside the ciphertext. Base64url's spare low bits in a part's last character are no way out
        // either, as the decoder refuses them (Base64Flexible). So every mutation must be refused, none excluded.
        await FuzzBound.RunAsync(
            1000,
            async i =>
            {
                var (mutated, what) = Mutate(valid, random);
                Assert.True("attestation_invalid" == await OutcomeAsync(mutated), $"seed {seed} #{i}: {what} was not refused");
            },
            $"seed {seed}");
    }

    [Theory]
    [InlineData(501)]
    [InlineData(502)]
    public async Task EveryMutatedSignedVerdictIsAttestationInvalid(int seed)
    {
        // The JWS layer alone, as it comes out of the JWE. The signature covers the header and payload text exactly as
        // sent (RFC 7515 section 5.2), so every mutation of those two parts must be refused; so must every mutation of
        // the signature, the decoder refusing stray low bits in its last character.
        var random = new Random(seed);
        var jws = ClassicIntegrityToken.Decrypt(_factory.CreateToken(PlayIntegrityTokenFactory.Verdict("com.contoso.demo", "challenge", Now, new string('A', 43))), _keys);
        await ClassicIntegrityToken.VerifySignatureAsync(jws, _keys);

        await FuzzBound.RunAsync(
            500,
            async i =>
            {
                var (mutated, what) = Mutate(jws, random);
                var error = await Assert.ThrowsAsync<AttestationException>(() => ClassicIntegrityToken.VerifySignatureAsync(mutated, _keys));
                Assert.True(error.Code == AttestationErrorCode.AttestationInvalid, $"seed {seed} #{i}: {what} gave {error.Code}");
            },
            $"seed {seed}");
    }

    [Theory]
    [InlineData(503)]
    public async Task AMutatedVerdictTextParsesOrIsAttestationInvalid(int seed)
    {
        // The verdict's JSON text as bytes (Fuzzing.EncodingMutator: flips, truncations, repeated and dropped slices), which
        // IntegrityVerdict.Parse reads once the signature has verified: a verdict or attestation_invalid, nothing else.
        var random = new Random(seed);
        var text = Encoding.UTF8.GetBytes(PlayIntegrityTokenFactory.Verdict("com.contoso.demo", "challenge", Now, new string('A', 43)).ToJsonString());
        await FuzzBound.RunAsync(
            2000,
            i =>
            {
                var mutated = Fuzzing.EncodingMutator.Mutate(text, random);
                try
                {
                    IntegrityVerdict.Parse(mutated);
                }
                catch (AttestationException e)
                {
                    Assert.True(e.Code == AttestationErrorCode.AttestationInvalid, $"seed {seed} #{i}: {e.Code}");
                }
            },
            $"seed {seed}");
    }

    [Theory]
    [InlineData("""{"alg":"dir","enc":"A256GCM"}""")]
    [InlineData("""{"alg":"none"}""")]
    [InlineData("""{"alg":"A256KW","enc":"A128CBC-HS256"}""")]
    [InlineData("""{"alg":"A256KW","enc":"A256GCM","zip":"DEF"}""")]
    [InlineData("""{"alg":"A256KW","enc":"A256GCM","crit":["exp"]}""")]
    [InlineData("""[]""")]
    [InlineData("""not json""")]
    public async Task AnotherJweHeaderIsAttestationInvalid(string header)
    {
        var valid = _factory.CreateToken(PlayIntegrityTokenFactory.Verdict("com.contoso.demo", "challenge", Now, new string('A', 43)));
        var parts = valid.Split('.');
        parts[0] = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(header);

        Assert.Equal("attestation_invalid", await OutcomeAsync(string.Join('.', parts)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a.b.c.d.e")]
    [InlineData("....")]
    [InlineData("eyJ9.eyJ9.eyJ9.eyJ9.eyJ9")]
    [InlineData("a.b.c")]
    [InlineData("\u00e9.\u00e9.\u00e9.\u00e9.\u00e9")]
    public async Task NonsenseIsAttestationInvalid(string token) =>
        Assert.Equal("attestation_invalid", await OutcomeAsync(token));

    [Fact]
    public async Task AMutatedVerdictInsideAGenuineTokenIsRefusedUnlessNoRuleReadsWhatChanged()
    {
        // The token is signed again over the mutated verdict, so every byte of it is signed content: a mutation may rightly
        // pass when it changed only what the rules do not read. Those are versionCode (no rule reads it) and
        // appIntegrity.packageName when it is left out or null (Google omits it for an unrecognized app; when present, it
        // must be the package). Every other field mutated must end in a refusal.
        string[] unread = ["appIntegrity.versionCode", "appIntegrity.packageName removed", "appIntegrity.packageName set to null"];
        var random = new Random(42);
        var refusals = new HashSet<string>();
        await FuzzBound.RunAsync(
            300,
            async i =>
            {
                var verdict = PlayIntegrityTokenFactory.Verdict("com.contoso.demo", "challenge", Now, new string('A', 43));
                var what = MutateJson(verdict, random);
                var outcome = await OutcomeAsync(_factory.CreateToken(verdict), check: true);
                if (outcome == "ok")
                {
                    Assert.True(unread.Any(what.StartsWith), $"seed 42 #{i}: the verdict still passes with {what}");
                }
                else
                {
                    Assert.True(outcome is "attestation_invalid" or "policy_violation", outcome);
                    refusals.Add(outcome);
                }
            },
            "seed 42");

        Assert.Equal(["attestation_invalid", "policy_violation"], refusals.Order());
    }

    [Fact]
    public async Task ASignedPayloadThatIsNotJsonIsAttestationInvalid()
    {
        var jwe = PlayIntegrityTokenFactory.Encrypt("not.a.jws.at.all", _factory.DecryptionKey);

        Assert.Equal("attestation_invalid", await OutcomeAsync(jwe));
    }

    [Fact]
    public async Task AKeyDisposedElsewhereDoesNotBreakAnotherInstanceOfTheSameKey()
    {
        var token = _factory.CreateToken(PlayIntegrityTokenFactory.Verdict("com.contoso.demo", "challenge", Now, new string('A', 43)));
        using (var first = PlayIntegrityKeys.Create(_factory.DecryptionKey, _factory.VerificationKey))
        {
            await ClassicIntegrityToken.DecryptAndVerifyAsync(token, first);
        }

        using var second = PlayIntegrityKeys.Create(_factory.DecryptionKey, _factory.VerificationKey);
        var verdict = await ClassicIntegrityToken.DecryptAndVerifyAsync(token, second);

        Assert.Equal("com.contoso.demo", verdict.RequestPackageName);
    }

    private async Task<string> OutcomeAsync(string token, bool check = false)
    {
        try
        {
            var verdict = await ClassicIntegrityToken.DecryptAndVerifyAsync(token, _keys);
            if (check)
            {
                new IntegrityVerdictRequirements
                {
                    PackageName = "com.contoso.demo",
                    Challenge = "challenge",
                    MaxAge = TimeSpan.FromMinutes(5),
                    MinimumDeviceLevel = DeviceIntegrityLevel.Device,
                    SigningCertificateDigests = [new byte[32]],
                    RequireLicensed = true,
                }.Check(verdict, Now);
            }

            return "ok";
        }
        catch (AttestationException e)
        {
            return e.Code.ToWireName();
        }
    }

    private static (string Token, string What) Mutate(string token, Random random)
    {
        // A draw that gives back the token unchanged (a character replaced by itself, a part swapped with itself) is no
        // mutation; draw again.
        while (true)
        {
            var (mutated, what) = MutateOnce(token, random);
            if (!string.Equals(mutated, token, StringComparison.Ordinal))
            {
                return (mutated, what);
            }
        }
    }

    private static (string Token, string What) MutateOnce(string token, Random random)
    {
        var chars = new StringBuilder(token);
        var at = random.Next(chars.Length);
        switch (random.Next(6))
        {
            case 0:
                chars[at] = "ABCxyz019-_."[random.Next(12)];
                return (chars.ToString(), $"character {at} set to '{chars[at]}'");
            case 1:
                return (token[..at], $"truncating to {at} characters");
            case 2:
                chars.Insert(at, '.');
                return (chars.ToString(), $"a dot inserted at {at}");
            case 3:
                var parts = token.Split('.');
                var (a, b) = (random.Next(parts.Length), random.Next(parts.Length));
                (parts[a], parts[b]) = (parts[b], parts[a]);
                return (string.Join('.', parts), $"parts {a} and {b} swapped");
            case 4:
                chars.Remove(at, 1);
                return (chars.ToString(), $"character {at} removed");
            default:
                chars[at] = (char)random.Next(0, 0x3000);
                return (chars.ToString(), $"character {at} set to U+{(int)chars[at]:X4}");
        }
    }

    // Returns what it changed, as "section.name action" or "section action".
    private static string MutateJson(JsonObject verdict, Random random)
    {
        string[] paths = ["requestDetails", "appIntegrity", "deviceIntegrity", "accountDetails"];
        var section = paths[random.Next(paths.Length)];
        JsonNode?[] replacements = [null, 1, "text", new JsonArray(1, 2), new JsonObject(), true, "99999999999999999999999", "-1", "\uD800"];
        var replacement = replacements[random.Next(replacements.Length)]?.DeepClone();
        var shown = replacement?.ToJsonString() ?? "null";
        if (random.Next(3) == 0 || verdict[section] is not JsonObject inner)
        {
            verdict[section] = replacement;
            return $"{section} set to {shown}";
        }

        var names = inner.Select(p => p.Key).ToList();
        var name = names[random.Next(names.Count)];
        if (random.Next(4) == 0)
        {
            inner.Remove(name);
            return $"{section}.{name} removed";
        }

        inner[name] = replacement;
        return $"{section}.{name} set to {shown}";
    }
}
