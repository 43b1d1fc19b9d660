using System.Text;
using System.Text.Json.Nodes;
using Attestation.Core.Errors;
using Attestation.Core.Platforms.PlayIntegrity;
using Attestation.TestSupport;

namespace Attestation.Core.Tests.Platforms.PlayIntegrity;

/// <summary>Seeded mutations of classic tokens and of the verdicts inside them: each ends in a verdict or an <see cref="AttestationException"/>, never another exception.</summary>
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

    [Fact]
    public async Task NoMutatedTokenEndsInAnUnhandledException()
    {
        var random = new Random(20261128);
        var valid = _factory.CreateToken(PlayIntegrityTokenFactory.Verdict("com.contoso.demo", "challenge", Now, new string('A', 43)));
        var outcomes = new Dictionary<string, int>();

        for (var i = 0; i < 2000; i++)
        {
            var mutated = Mutate(valid, random);
            var outcome = await OutcomeAsync(mutated);
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }

        // Every mutation was handled, and the mutations reached past the shape checks into decryption.
        Assert.True(outcomes.Keys.All(k => k is "ok" or "attestation_invalid"), string.Join(", ", outcomes.Keys));
        Assert.True(outcomes.GetValueOrDefault("attestation_invalid") > 1500);
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
    public async Task NoMutatedVerdictInsideAGenuineTokenEndsInAnUnhandledException()
    {
        var random = new Random(42);
        var outcomes = new HashSet<string>();
        for (var i = 0; i < 300; i++)
        {
            var verdict = PlayIntegrityTokenFactory.Verdict("com.contoso.demo", "challenge", Now, new string('A', 43));
            MutateJson(verdict, random);
            var token = _factory.CreateToken(verdict);
            outcomes.Add(await OutcomeAsync(token, check: true));
        }

        Assert.True(outcomes.All(k => k is "ok" or "attestation_invalid" or "policy_violation"), string.Join(", ", outcomes));
        Assert.Contains("attestation_invalid", outcomes);
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
                new IntegrityVerdictRequirements { PackageName = "com.contoso.demo", Challenge = "challenge", MaxAge = TimeSpan.FromMinutes(5), MinimumDeviceLevel = DeviceIntegrityLevel.Device }.Check(verdict, Now);
            }

            return "ok";
        }
        catch (AttestationException e)
        {
            return e.Code.ToWireName();
        }
    }

    private static string Mutate(string token, Random random)
    {
        var chars = new StringBuilder(token);
        switch (random.Next(6))
        {
            case 0:
                chars[random.Next(chars.Length)] = "ABCxyz019-_."[random.Next(12)];
                break;
            case 1:
                chars.Length = random.Next(chars.Length);
                break;
            case 2:
                chars.Insert(random.Next(chars.Length), '.');
                break;
            case 3:
                var parts = token.Split('.');
                (parts[random.Next(5)], parts[random.Next(5)]) = (parts[random.Next(5)], parts[random.Next(5)]);
                return string.Join('.', parts);
            case 4:
                chars.Remove(random.Next(chars.Length), 1);
                break;
            default:
                chars[random.Next(chars.Length)] = (char)random.Next(0, 0x3000);
                break;
        }

        return chars.ToString();
    }

    private static void MutateJson(JsonObject verdict, Random random)
    {
        string[] paths = ["requestDetails", "appIntegrity", "deviceIntegrity", "accountDetails"];
        var section = paths[random.Next(paths.Length)];
        JsonNode?[] replacements = [null, 1, "text", new JsonArray(1, 2), new JsonObject(), true, "99999999999999999999999", "-1", "\uD800"];
        var replacement = replacements[random.Next(replacements.Length)]?.DeepClone();
        if (random.Next(3) == 0 || verdict[section] is not JsonObject inner)
        {
            verdict[section] = replacement;
            return;
        }

        var names = inner.Select(p => p.Key).ToList();
        if (names.Count == 0)
        {
            return;
        }

        var name = names[random.Next(names.Count)];
        if (random.Next(4) == 0)
        {
            inner.Remove(name);
        }
        else
        {
            inner[name] = replacement;
        }
    }
}
