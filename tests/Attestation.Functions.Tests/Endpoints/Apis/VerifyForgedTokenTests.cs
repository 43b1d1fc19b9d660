using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Attestation.Core.Platforms;
using Attestation.Core.Text;
using Attestation.Core.Tokens;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Attestation.Functions.Tests.Endpoints.Apis;

/// <summary>
/// Tokens made outside the issuer with the backend's real signing secret, each differing from a genuine token in one
/// respect, refused over POST /api/v1/verify with the reason docs/api.md names.
/// </summary>
/// <remarks>
/// The backend's secret is 64 bytes, which the README allows ("at least 32"): with 32, IdentityModel itself refuses an
/// HS384 or HS512 key as too short, and the HS256-only rule would go untested.
/// </remarks>
public sealed class VerifyForgedTokenTests : IAsyncLifetime
{
    private RunningBackend _backend = null!;

    public async Task InitializeAsync() => _backend = await RunningBackend.StartAsync(
        settings: [$"--Attestation:SigningKey:Current:Secret={Convert.ToBase64String(RandomNumberGenerator.GetBytes(64))}"]);

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    [Fact]
    public async Task ATokenMadeHereLikeTheIssuersIsValidSoTheRefusalsBelowAreForTheirOneDifference()
    {
        var verified = await _backend.VerifyAsync(Forge());

        Assert.True(verified.GetProperty("valid").GetBoolean(), verified.ToString());
    }

    [Fact]
    public async Task ATokenResignedByHandWithHs256IsValidSoTheHandSigningBelowIsRight()
    {
        var verified = await _backend.VerifyAsync(Resign(Forge(), "HS256"));

        Assert.True(verified.GetProperty("valid").GetBoolean(), verified.ToString());
    }

    [Theory]
    [InlineData("HS384")]
    [InlineData("HS512")]
    public async Task AnHmacTokenOtherThanHs256MadeWithTheRealSecretIsABadSignature(string algorithm)
    {
        var token = Resign(Forge(), algorithm);

        // docs/api.md: only HS256 is accepted, so no algorithm confusion.
        var verified = await _backend.VerifyAsync(token);

        Assert.False(verified.GetProperty("valid").GetBoolean());
        Assert.Equal("bad_signature", verified.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task ATokenWhoseNotBeforeIsAheadIsNotYetValid()
    {
        var now = DateTime.UtcNow;

        var verified = await _backend.VerifyAsync(Forge(notBefore: now.AddMinutes(2), expires: now.AddMinutes(7)));

        Assert.Equal("not_yet_valid", verified.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task ATokenOfAnotherIssuerIsWrongIssuer()
    {
        var verified = await _backend.VerifyAsync(Forge(issuer: "https://attestation.example"));

        Assert.Equal("wrong_issuer", verified.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task ATokenForAnotherAudienceIsWrongAudience()
    {
        var verified = await _backend.VerifyAsync(Forge(audience: "api://someone-else"));

        Assert.Equal("wrong_audience", verified.GetProperty("reason").GetString());
    }

    /// <summary>
    /// The same claims under a header naming <paramref name="algorithm"/>, signed with that HMAC and the real secret. Made by
    /// hand because IdentityModel will not sign HS384 or HS512 with a 256-bit key, which is the point: an attacker's
    /// library need not be so careful.
    /// </summary>
    private string Resign(string token, string algorithm)
    {
        var (secret, version) = SigningSecret();
        var header = Base64Flexible.ToBase64Url(JsonSerializer.SerializeToUtf8Bytes(new { alg = algorithm, typ = "JWT", kid = version }));
        var signingInput = Encoding.ASCII.GetBytes($"{header}.{token.Split('.')[1]}");
        var signature = algorithm switch
        {
            "HS256" => HMACSHA256.HashData(secret, signingInput),
            "HS384" => HMACSHA384.HashData(secret, signingInput),
            "HS512" => HMACSHA512.HashData(secret, signingInput),
            _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, null),
        };
        return $"{Encoding.ASCII.GetString(signingInput)}.{Base64Flexible.ToBase64Url(signature)}";
    }

    private (byte[] Secret, string Version) SigningSecret()
    {
        var current = _backend.Services.GetRequiredService<IOptions<SigningKeyOptions>>().Value.Current!;
        return (Convert.FromBase64String(current.Secret), current.Version);
    }

    private string Forge(string? issuer = null, string? audience = null, DateTime? notBefore = null, DateTime? expires = null)
    {
        var options = _backend.Services.GetRequiredService<IOptions<TokenOptions>>().Value;
        var (secret, version) = SigningSecret();
        var key = new SymmetricSecurityKey(secret) { KeyId = version };
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? options.Issuer,
            Audience = audience ?? options.Audience,
            IssuedAt = now,
            NotBefore = notBefore ?? now,
            Expires = expires ?? now.AddMinutes(5),
            Claims = new Dictionary<string, object>
            {
                [JwtRegisteredClaimNames.Sub] = Base64Flexible.ToBase64Url(RandomNumberGenerator.GetBytes(32)),
                [TokenClaims.App] = RunningBackend.DemoApp,
                [TokenClaims.Platform] = PlatformNames.Debug,
                [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N"),
            },
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });
    }
}
