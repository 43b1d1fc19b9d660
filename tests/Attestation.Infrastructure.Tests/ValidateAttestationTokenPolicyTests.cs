using System.Text;
using Attestation.Core.Text;
using Attestation.Infrastructure.Tests.Apim;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Attestation.Infrastructure.Tests;

/// <summary>
/// Policy conformance: the validate-jwt element of infra/policies/validate-attestation-token.xml, as deployed with the
/// template's named values, accepts the tokens the backend issues and refuses what the backend refuses.
/// </summary>
public sealed class ValidateAttestationTokenPolicyTests
{
    [Fact]
    public async Task ATokenFromTheBackendSignedWithTheCurrentKeyPasses()
    {
        var kit = await EdgeTokenKit.CreateAsync();

        var outcome = await kit.AtTheEdgeAsync(kit.Issue(EdgeTokenKit.Current));

        Assert.True(outcome.Passed, outcome.Failure?.ToString());
        Assert.Equal(EdgeTokenKit.DeviceId, outcome.Token!.Subject);
        Assert.Equal("com.contoso.demo", outcome.Token.Claims.GetValueOrDefault("app", ""));
        Assert.Equal("apple-app-attest", outcome.Token.Claims.GetValueOrDefault("plat", ""));
    }

    [Fact]
    public async Task ATokenSignedWithThePreviousKeyStillPassesSoARotationBreaksNothing()
    {
        var kit = await EdgeTokenKit.CreateAsync();

        var outcome = await kit.AtTheEdgeAsync(kit.Issue(EdgeTokenKit.Previous));

        Assert.True(outcome.Passed, outcome.Failure?.ToString());
    }

    [Fact]
    public async Task ATokenSignedWithAVersionOlderThanThePreviousFails()
    {
        var kit = await EdgeTokenKit.CreateAsync();

        var outcome = await kit.AtTheEdgeAsync(kit.Issue(EdgeTokenKit.Old));

        AssertSignatureRefused(outcome);
    }

    [Fact]
    public async Task ATokenSignedWithAnUnrelatedKeyFails()
    {
        var kit = await EdgeTokenKit.CreateAsync();

        var outcome = await kit.AtTheEdgeAsync(kit.Issue(EdgeTokenKit.Unrelated));

        AssertSignatureRefused(outcome);
    }

    [Fact]
    public async Task ADecoyTokenFailsAtTheEdgeAsAtTheBackend()
    {
        var kit = await EdgeTokenKit.CreateAsync();
        var decoy = kit.IssueDecoy();

        var outcome = await kit.AtTheEdgeAsync(decoy);

        AssertSignatureRefused(outcome);
        Assert.False((await kit.AtTheBackendAsync(decoy)).IsValid);
    }

    [Fact]
    public async Task ATamperedPayloadFails()
    {
        var kit = await EdgeTokenKit.CreateAsync();
        var parts = kit.Issue(EdgeTokenKit.Current).Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])).Replace(EdgeTokenKit.DeviceId, "device-2", StringComparison.Ordinal);
        var tampered = $"{parts[0]}.{Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(payload))}.{parts[2]}";

        var outcome = await kit.AtTheEdgeAsync(tampered);

        AssertSignatureRefused(outcome);
    }

    [Fact]
    public async Task AnExpiredTokenFailsAndTheSameTokenPassedASecondBefore()
    {
        var kit = await EdgeTokenKit.CreateAsync();
        var token = kit.Issue(EdgeTokenKit.Current);

        kit.Clock.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        Assert.True((await kit.AtTheEdgeAsync(token)).Passed);

        kit.Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(ValidateJwtFailure.TokenExpired, (await kit.AtTheEdgeAsync(token)).Failure);
    }

    [Fact]
    public async Task ATokenUsedBeforeItsNotBeforeFails()
    {
        var kit = await EdgeTokenKit.CreateAsync();
        var token = kit.Issue(EdgeTokenKit.Current);

        var outcome = await kit.Policy().EvaluateAsync(kit.Headers(token), EdgeTokenKit.Start - TimeSpan.FromSeconds(1));

        Assert.Equal(ValidateJwtFailure.JwtInvalid, outcome.Failure);
    }

    [Fact]
    public async Task ATokenForAnotherAudienceFails()
    {
        var kit = await EdgeTokenKit.CreateAsync();

        var outcome = await kit.AtTheEdgeAsync(kit.Issue(EdgeTokenKit.Current, audience: "api://someone-else"));

        Assert.Equal(ValidateJwtFailure.TokenAudienceNotAllowed, outcome.Failure);
    }

    [Fact]
    public async Task ATokenFromAnotherIssuerFails()
    {
        var kit = await EdgeTokenKit.CreateAsync();

        var outcome = await kit.AtTheEdgeAsync(kit.Issue(EdgeTokenKit.Current, issuer: "https://attacker.example"));

        Assert.Equal(ValidateJwtFailure.TokenIssuerNotAllowed, outcome.Failure);
    }

    [Fact]
    public async Task AnUnsignedTokenWithTheSameClaimsFails()
    {
        var kit = await EdgeTokenKit.CreateAsync();
        var parts = kit.Issue(EdgeTokenKit.Current).Split('.');
        var header = Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""");

        var outcome = await kit.AtTheEdgeAsync($"{header}.{parts[1]}.");

        Assert.False(outcome.Passed);
    }

    [Fact]
    public async Task ATokenMissingAClaimEveryTokenCarriesFails()
    {
        var kit = await EdgeTokenKit.CreateAsync();
        var withoutPlatform = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = EdgeTokenKit.Issuer,
            Audience = kit.Audience,
            IssuedAt = EdgeTokenKit.Start.UtcDateTime,
            NotBefore = EdgeTokenKit.Start.UtcDateTime,
            Expires = EdgeTokenKit.Start.UtcDateTime.AddMinutes(5),
            Claims = new Dictionary<string, object> { ["sub"] = EdgeTokenKit.DeviceId, ["app"] = "com.contoso.demo", ["jti"] = "j1" },
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Convert.FromBase64String(EdgeTokenKit.CurrentSecret)), SecurityAlgorithms.HmacSha256),
        });

        var outcome = await kit.AtTheEdgeAsync(withoutPlatform);

        Assert.Equal(ValidateJwtFailure.TokenClaimNotFound, outcome.Failure);
    }

    [Fact]
    public async Task ARequestWithoutTheHeaderFailsEvenWithTheTokenInAuthorization()
    {
        var kit = await EdgeTokenKit.CreateAsync();
        var token = kit.Issue(EdgeTokenKit.Current);
        var headers = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase) { ["Authorization"] = [$"Bearer {token}"] };

        var outcome = await kit.Policy().EvaluateAsync(headers, kit.Clock.GetUtcNow());

        Assert.Equal(ValidateJwtFailure.TokenNotPresent, outcome.Failure);
    }

    [Fact]
    public async Task TheHeaderIsAttestationTokenByDefaultAndMatchedWithoutRegardToCase()
    {
        var kit = await EdgeTokenKit.CreateAsync();
        var headers = new Dictionary<string, string[]> { ["attestation-token"] = [kit.Issue(EdgeTokenKit.Current)] };

        var outcome = await kit.Policy().EvaluateAsync(headers, kit.Clock.GetUtcNow());

        Assert.Equal("Attestation-Token", kit.HeaderName);
        Assert.True(outcome.Passed);
    }

    [Fact]
    public async Task TheFragmentUsesBothKeysNoClockSkewAndRequiresExpiryAndSignature()
    {
        var kit = await EdgeTokenKit.CreateAsync();

        var policy = kit.Policy();

        Assert.Equal([EdgeTokenKit.CurrentSecret, EdgeTokenKit.PreviousSecret], policy.SigningKeys);
        Assert.Equal([EdgeTokenKit.Issuer], policy.Issuers);
        Assert.Equal([kit.Audience], policy.Audiences);
        Assert.Equal(TimeSpan.Zero, policy.ClockSkew);
        Assert.True(policy.RequireExpirationTime);
        Assert.True(policy.RequireSignedTokens);
        Assert.Equal(401, policy.FailedStatusCode);
        Assert.Equal(["sub", "app", "plat", "jti"], policy.RequiredClaims.Select(c => c.Name));
    }

    [Fact]
    public void TheSecretTextIsStandardPaddedBase64ThatBothTheBackendAndValidateJwtRead()
    {
        // What `openssl rand -base64 32` writes and Key Vault stores: API Management's <key> takes it as it is.
        Assert.StartsWith("++//", EdgeTokenKit.CurrentSecret, StringComparison.Ordinal);
        Assert.EndsWith("=", EdgeTokenKit.CurrentSecret, StringComparison.Ordinal);
        Assert.True(Base64Flexible.TryDecode(EdgeTokenKit.CurrentSecret, out var backendBytes));
        Assert.Equal(Convert.FromBase64String(EdgeTokenKit.CurrentSecret), backendBytes);
        Assert.Equal(32, backendBytes.Length);
    }

    public static TheoryData<string> Cases => ["current", "previous", "old", "unrelated", "decoy", "expired", "audience", "issuer"];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task TheEdgeAndTheBackendAgreeOnEveryToken(string @case)
    {
        var kit = await EdgeTokenKit.CreateAsync();
        var token = @case switch
        {
            "current" => kit.Issue(EdgeTokenKit.Current),
            "previous" => kit.Issue(EdgeTokenKit.Previous),
            "old" => kit.Issue(EdgeTokenKit.Old),
            "unrelated" => kit.Issue(EdgeTokenKit.Unrelated),
            "decoy" => kit.IssueDecoy(),
            "expired" => kit.Issue(EdgeTokenKit.Current),
            "audience" => kit.Issue(EdgeTokenKit.Current, audience: "api://someone-else"),
            _ => kit.Issue(EdgeTokenKit.Current, issuer: "https://attacker.example"),
        };
        if (@case == "expired")
        {
            kit.Clock.Advance(TimeSpan.FromMinutes(6));
        }

        var edge = await kit.AtTheEdgeAsync(token);
        var backend = await kit.AtTheBackendAsync(token);

        Assert.Equal(backend.IsValid, edge.Passed);
        Assert.Equal(@case is "current" or "previous", edge.Passed);
    }

    // A key that does not verify is reported as an invalid signature or as no key found for the kid, depending on the
    // JWT library's path; API Management documents both reasons. Either way the request is refused.
    private static void AssertSignatureRefused(ValidateJwtOutcome outcome) =>
        Assert.True(outcome.Failure is ValidateJwtFailure.TokenSignatureInvalid or ValidateJwtFailure.TokenSignatureKeyNotFound, outcome.Failure?.ToString() ?? "passed");
}
