using Attestation.Core.Errors;
using Attestation.Core.Tokens;
using Attestation.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Attestation.Functions.Endpoints.Platform;

/// <summary>
/// <c>GET /api/.well-known/openid-configuration</c> and <c>GET /api/.well-known/jwks.json</c> (docs/api.md): in ES256 mode
/// the discovery document and the public keys that verify tokens, so APIs and the edge verify with no secret; in HS256
/// mode 404 <c>not_found</c>, since the only key there is a secret.
/// </summary>
public sealed class WellKnownFunction(ISigningKeyProvider signingKeys, IOptions<TokenOptions> options, ILogger<WellKnownFunction> logger)
{
    /// <summary>The JWKS route under the host's <c>/api</c> prefix.</summary>
    public const string JwksPath = "/api/.well-known/jwks.json";

    /// <summary>
    /// How long caches may keep both documents. After a rotation every instance signs with the new version within the key
    /// refresh interval (5 minutes by default), and a verifier that cached the JWKS just before learns the new kid at most
    /// this long after; the previous version stays trusted until the next rotation (days), so the cached set never lacks
    /// the key of a live token it already had, and the window in which a fresh token's kid is missing stays as short as
    /// the backend's own propagation. Verifiers that refetch on an unknown kid (Microsoft.IdentityModel's configuration
    /// manager does) close even that window.
    /// </summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    [Function(nameof(OpenIdConfiguration))]
    public Task<IActionResult> OpenIdConfiguration(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ".well-known/openid-configuration")] HttpRequest request,
        CancellationToken cancellationToken) =>
        HttpOutcome.RunAsync(logger, () =>
        {
            ArgumentNullException.ThrowIfNull(request);
            RequireEs256();
            var token = options.Value;
            var jwksUri = token.JwksUri?.AbsoluteUri ?? $"{request.Scheme}://{request.Host.ToUriComponent()}{JwksPath}";
            return Task.FromResult<IActionResult>(ApiResult.Cacheable(new OpenIdConfigurationResponse(token.Issuer, jwksUri, ["ES256"]), MaxAge));
        });

    [Function(nameof(Jwks))]
    public Task<IActionResult> Jwks(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ".well-known/jwks.json")] HttpRequest request,
        CancellationToken cancellationToken) =>
        HttpOutcome.RunAsync(logger, async () =>
        {
            RequireEs256();
            var keys = await signingKeys.GetKeysAsync(cancellationToken);
            return ApiResult.Cacheable(new JwksResponse(keys.PublicKeys), MaxAge);
        });

    private void RequireEs256()
    {
        if (options.Value.Algorithm != TokenAlgorithm.ES256)
        {
            throw new AttestationException(AttestationErrorCode.NotFound,
                "This backend signs tokens with HS256: there are no public keys to publish. Verify tokens with POST /api/v1/verify.");
        }
    }
}
