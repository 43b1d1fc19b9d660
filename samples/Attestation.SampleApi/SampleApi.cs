using Attestation.AspNetCore;
using Microsoft.Extensions.Configuration.Memory;

namespace Attestation.SampleApi;

/// <summary>
/// A minimal API that accepts only attestation tokens of <c>com.contoso.demo</c>: <c>GET /whoami</c> answers the caller's
/// app, device and platform, the same shape as the API Management sample route (infra/policies/sample-protected-api.xml).
/// </summary>
public static class SampleApi
{
    /// <summary>
    /// The settings of the local run (scripts/run-local.sh with local.settings.sample.json): its issuer, audience and
    /// development HS256 key, which is public in this repository and good for nothing else. Below every other source, so
    /// <c>--AttestationToken:JwksUri=...</c>, <c>appsettings.json</c> or environment variables (<c>AttestationToken__...</c>) override them.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string?> LocalRunDefaults = new Dictionary<string, string?>
    {
        ["Urls"] = "http://127.0.0.1:5080",
        ["AttestationToken:Issuer"] = "https://attestation.local",
        ["AttestationToken:Audience"] = "api://contoso-apis",
        ["AttestationToken:AppIds:0"] = "com.contoso.demo",
        ["AttestationToken:SigningKeys:0:Version"] = "local-development-1",
        ["AttestationToken:SigningKeys:0:Secret"] = "oCCnlGujb+niQrw6G/M7l1SpYVnVMvCFmc9T5tbw1ww=",
    };

    /// <summary>Builds the API; <paramref name="configure"/> runs after the settings are read (tests replace the clock there).</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = LocalRunDefaults });
        var section = builder.Configuration.GetSection("AttestationToken");

        builder.Services.AddAuthentication(AttestationTokenDefaults.AuthenticationScheme)
            .AddAttestationToken(options =>
            {
                section.Bind(options);

                // A JWKS (ES256) or a vault given on top of the defaults replaces the development key rather than adding a second source.
                if (options.JwksUri is not null || options.KeyVaultUri is not null)
                {
                    options.SigningKeys.Clear();
                }
            });
        builder.Services.AddAuthorization();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/whoami", (HttpContext context) =>
        {
            // In the rollout mode (Enforce false) a refused token gets here too, with no app: answered as nulls.
            var token = context.GetAttestationToken();
            return Results.Json(new WhoAmI(token?.AppId, token?.DeviceId, token?.Platform));
        }).RequireAuthorization();
        return app;
    }

    /// <summary>The answer of <c>GET /whoami</c>.</summary>
    public sealed record WhoAmI(string? AppId, string? DeviceId, string? Platform);
}
