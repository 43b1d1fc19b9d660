using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Attestation.Core.Administration;
using Attestation.Core.Errors;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Attestation.Functions.Security;

/// <summary>
/// Who may call the operator routes: the admin API needs an Entra ID access token with the app role
/// <see cref="AdminRole"/>, and granting debug access through it also <see cref="DebugTokensRole"/>; <c>verify</c> needs a
/// verify key or a token with the app role <see cref="VerifyRole"/>.
/// </summary>
/// <remarks>
/// Why the worker checks, not the Functions host: the host checks function keys before the worker sees a request and
/// knows nothing of Entra ID tokens, so a route declared <c>AuthorizationLevel.Function</c> would refuse every caller
/// that has a token but no key, and "key OR token" cannot be declared. With the ASP.NET Core integration the worker also
/// does not learn which key the host accepted (<c>HttpRequestData.Identities</c> is not filled). So these routes are
/// declared <c>Anonymous</c> to the host and every one of them calls this class first; a test walks the route table and
/// proves that each admin route refuses a request without a token, so a route that forgot the call fails the build.
/// Tokens are validated by Microsoft.Identity.Web's JwtBearer handler (signature from the tenant's published keys, issuer,
/// audience = the API's client id, lifetime); this class adds the tenant id check and the app role. The verify key is
/// compared as a SHA-256 in constant time; only hashes are configured. The local host runs the same code, so it enforces
/// exactly what Azure enforces, with one exception (<see cref="IsVerifyOpen"/>): in Development (<see cref="DeploymentMode"/>)
/// with neither a verify key nor Entra ID configured, <c>verify</c> is open, as <c>func start</c> leaves function-key routes
/// open locally, so a client written against docs/api.md works against a local run unchanged. Everywhere else that
/// configuration refuses everyone.
/// </remarks>
public sealed partial class CallerAuthorization(
    IOptions<CallerAuthorizationOptions> options,
    IOptions<EntraIdOptions> entraId,
    DeploymentMode mode,
    ILogger<CallerAuthorization> logger)
{
    /// <summary>The app role of administrators and their automation.</summary>
    public const string AdminRole = "Attestation.Admin";

    /// <summary>
    /// The app role that, with <see cref="AdminRole"/>, lets an administrator grant debug access: create a debug token, add a
    /// debug token hash to an app, or enable the debug platform. On its own it opens no admin route: it adds to the admin role,
    /// so that most administrators (and their automation) can run apps and devices without being able to mint a device
    /// out of nothing.
    /// </summary>
    public const string DebugTokensRole = "Attestation.DebugTokens";

    /// <summary>The app role of API backends that call <c>verify</c>.</summary>
    public const string VerifyRole = "Attestation.Verify";

    /// <summary>The header a function key travels in (and the one a verify key travels in).</summary>
    public const string KeyHeader = "x-functions-key";

    private const string TenantIdClaim = "http://schemas.microsoft.com/identity/claims/tenantid";

    private readonly byte[][] _verifyKeyHashes = [.. options.Value.VerifyKeySha256.Select(Convert.FromHexString)];
    private readonly bool _verifyOpen = IsVerifyOpen(options.Value, entraId.Value, mode.IsProduction);
    private int _openVerifyAnnounced;

    /// <summary>
    /// True when <c>verify</c> takes every caller: no verify key and no Entra ID configured, in Development (a local run).
    /// In production the same configuration makes <c>verify</c> refuse everyone, so a forgotten setting never opens it.
    /// </summary>
    public static bool IsVerifyOpen(CallerAuthorizationOptions authorization, EntraIdOptions entraId, bool production)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        ArgumentNullException.ThrowIfNull(entraId);
        return authorization.VerifyKeySha256.Count == 0 && !entraId.IsConfigured && !production;
    }

    /// <summary>
    /// Lets the request through only with an Entra ID token holding <see cref="AdminRole"/>, and says whether the token also
    /// holds <see cref="DebugTokensRole"/>, for the operations that grant debug access.
    /// </summary>
    /// <exception cref="AttestationException"><c>unauthenticated</c> (401) or <c>forbidden</c> (403).</exception>
    public async Task<DebugAccessRight> RequireAdminAsync(HttpRequest request)
    {
        var admin = await RequireTokenRoleAsync(request, AdminRole);
        return HoldsRole(admin, DebugTokensRole) ? DebugAccessRight.Held : DebugAccessRight.Lacking($"the app role {DebugTokensRole} as well as {AdminRole}");
    }

    /// <summary>Lets the request through with a verify key, or with an Entra ID token holding <see cref="VerifyRole"/>.</summary>
    /// <exception cref="AttestationException"><c>unauthenticated</c> (401) or <c>forbidden</c> (403).</exception>
    public Task RequireVerifierAsync(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_verifyOpen)
        {
            if (Interlocked.Exchange(ref _openVerifyAnnounced, 1) == 0)
            {
                LogVerifyOpen();
            }

            return Task.CompletedTask;
        }

        var key = request.Headers[KeyHeader].ToString();
        if (string.IsNullOrEmpty(key))
        {
            key = request.Query["code"].ToString();
        }

        if (!string.IsNullOrEmpty(key))
        {
            if (IsVerifyKey(key))
            {
                return Task.CompletedTask;
            }

            // A wrong key is refused even when a token is also sent: two credentials that disagree are a mistake to surface.
            LogRefused(request.Path, "the key is not a verify key");
            throw Unauthenticated(request, "The key is not valid for this route.");
        }

        return RequireTokenRoleAsync(request, VerifyRole);
    }

    private async Task<ClaimsPrincipal> RequireTokenRoleAsync(HttpRequest request, string role)
    {
        ArgumentNullException.ThrowIfNull(request);
        var authorization = request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            LogRefused(request.Path, "no bearer token");
            throw Unauthenticated(request, $"This route needs an Entra ID access token with the app role {role} (Authorization: Bearer).");
        }

        var entra = entraId.Value;
        if (!entra.IsConfigured)
        {
            LogRefused(request.Path, "Entra ID is not configured");
            throw Unauthenticated(request, "Entra ID is not configured on this backend, so no bearer token is accepted.");
        }

        var result = await request.HttpContext.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme);
        if (!result.Succeeded || result.Principal is not { } principal)
        {
            LogRefused(request.Path, result.Failure?.GetType().Name ?? "no principal");
            throw Unauthenticated(request, "The bearer token is not valid for this API (signature, issuer, audience, tenant or lifetime).");
        }

        // Microsoft.Identity.Web's issuer validator is built for multi-tenant apps (it matches the issuer against the tenant
        // the token itself names); this API belongs to one tenant, so the tenant is checked here whatever it decided.
        var tenant = principal.FindFirst("tid")?.Value ?? principal.FindFirst(TenantIdClaim)?.Value;
        if (!string.Equals(tenant, entra.TenantId, StringComparison.OrdinalIgnoreCase))
        {
            LogRefused(request.Path, "token from another tenant");
            throw Unauthenticated(request, "The bearer token was issued by another tenant.");
        }

        if (!HoldsRole(principal, role))
        {
            LogRefused(request.Path, $"missing app role {role}");
            request.HttpContext.Response.Headers.WWWAuthenticate = "Bearer error=\"insufficient_scope\"";
            throw new AttestationException(AttestationErrorCode.Forbidden, $"The token does not hold the app role {role}.");
        }

        return principal;
    }

    private static bool HoldsRole(ClaimsPrincipal principal, string role) =>
        principal.Claims.Any(c => c.Type is "roles" or ClaimTypes.Role && string.Equals(c.Value, role, StringComparison.Ordinal));

    private bool IsVerifyKey(string key)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        var found = false;
        foreach (var accepted in _verifyKeyHashes)
        {
            found |= CryptographicOperations.FixedTimeEquals(hash, accepted);
        }

        return found;
    }

    private static AttestationException Unauthenticated(HttpRequest request, string detail)
    {
        request.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
        return new AttestationException(AttestationErrorCode.Unauthenticated, detail);
    }

    [LoggerMessage(EventId = 131, Level = LogLevel.Warning, Message = "verify is open to every caller: no verify key and no Entra ID are configured and the environment is Development (a local run). Configure Attestation:Auth:VerifyKeySha256 or AzureAd to protect it")]
    private partial void LogVerifyOpen();

    [LoggerMessage(EventId = 130, Level = LogLevel.Warning, Message = "Refused a caller of {Path}: {Reason}")]
    private partial void LogRefused(PathString path, string reason);
}
