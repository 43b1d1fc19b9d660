using System.Security.Claims;
using System.Text.Encodings.Web;
using Attestation.AspNetCore.Keys;
using Attestation.AspNetCore.Verify;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Attestation.AspNetCore;

/// <summary>
/// Authenticates a request by its attestation token (<see cref="AttestationTokenOptions"/>). A valid token makes a principal
/// with the app, device and platform claims (<see cref="AttestationTokenClaimTypes"/>); a refused one, when enforced,
/// makes the challenge a 401 <c>application/problem+json</c> with the edge's code <c>attestation_token_invalid</c>; keys
/// (or verify) out of reach make it a 503 <c>unavailable</c> with <c>Retry-After</c>.
/// </summary>
internal sealed class AttestationTokenHandler : AuthenticationHandler<AttestationTokenOptions>
{
    private readonly AttestationKeySources _sources;
    private readonly AttestationTokenMetrics _metrics;

    public AttestationTokenHandler(IOptionsMonitor<AttestationTokenOptions> options, ILoggerFactory logger, UrlEncoder encoder,
        AttestationKeySources sources, AttestationTokenMetrics metrics)
        : base(options, logger, encoder)
    {
        _sources = sources;
        _metrics = metrics;
    }

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers[Options.HeaderName];
        AttestationTokenResult result;
        Exception? unavailable = null;
        if (header.Count > 1)
        {
            // Two tokens: which one the edge or a proxy looked at is unknowable, so neither is trusted.
            result = AttestationTokenResult.Refused(AttestationTokenRefusals.Malformed);
        }
        else
        {
            try
            {
                var token = header.Count == 1 ? header[0] : null;
                result = await _sources.ValidatorFor(Scheme.Name).ValidateAsync(token, Options.BoundValue(Request), Context.RequestAborted).ConfigureAwait(false);
                if (result.IsValid && Options.ConsumeThroughVerify)
                {
                    result = await ConsumeAsync(token!, result).ConfigureAwait(false);
                }
            }
            catch (Exception exception) when (exception is AttestationKeysUnavailableException or AttestationVerifyException or HttpRequestException
                or Azure.Identity.AuthenticationFailedException or TaskCanceledException && !Context.RequestAborted.IsCancellationRequested)
            {
                unavailable = exception;
                result = AttestationTokenResult.Refused(AttestationTokenRefusals.KeysUnavailable);
            }
        }

        if (result.IsValid)
        {
            Context.Features.Set<IAttestationTokenFeature>(new AttestationTokenFeature(result, Options.Enforce));
            _metrics.Count(Scheme.Name, "accepted", null);
            return AuthenticateResult.Success(new AuthenticationTicket(PrincipalOf(result), Scheme.Name));
        }

        var reason = result.Refusal!;
        if (unavailable is not null)
        {
            AttestationTokenLog.Unavailable(Logger, Scheme.Name, unavailable is AttestationKeysUnavailableException ? "keys" : "verify", unavailable);
        }

        Context.Features.Set<IAttestationTokenFeature>(new AttestationTokenFeature(result, Options.Enforce));
        if (!Options.Enforce)
        {
            // Rollout mode: the request is authenticated as "no verified app" and goes on; its endpoint sees no app claim.
            AttestationTokenLog.WouldRefuse(Logger, Scheme.Name, reason);
            _metrics.Count(Scheme.Name, "would_refuse", reason);
            return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(Scheme.Name)), Scheme.Name));
        }

        AttestationTokenLog.Refused(Logger, Scheme.Name, reason);
        _metrics.Count(Scheme.Name, "refused", reason);
        return AuthenticateResult.Fail($"Attestation token refused: {reason}.");
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = Context.Features.Get<IAttestationTokenFeature>()?.Result;
        if (result?.Refusal == AttestationTokenRefusals.KeysUnavailable)
        {
            Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            Response.Headers.RetryAfter = "5";
            await AttestationProblems.WriteAsync(Response, AttestationProblems.Unavailable).ConfigureAwait(false);
            return;
        }

        Response.StatusCode = StatusCodes.Status401Unauthorized;
        await AttestationProblems.WriteAsync(Response, result?.Refusal == AttestationTokenRefusals.BindingMismatch
            ? AttestationProblems.NotBound
            : AttestationProblems.Invalid).ConfigureAwait(false);
    }

    private async Task<AttestationTokenResult> ConsumeAsync(string token, AttestationTokenResult local)
    {
        var client = Context.RequestServices.GetService<AttestationVerifyClient>()
            ?? throw new InvalidOperationException("ConsumeThroughVerify needs AddAttestationVerifyClient.");
        var answer = await client.VerifyAsync(new AttestationVerifyRequest(token)
        {
            Binding = Options.BoundValue(Request),
            Consume = true,
            AppId = local.AppId,
            Platforms = Options.Platforms.Count > 0 ? [.. Options.Platforms] : null,
        }, Context.RequestAborted).ConfigureAwait(false);
        return answer.Valid ? local : AttestationTokenResult.Refused(AttestationTokenRefusals.FromVerify(answer.Reason));
    }

    private ClaimsPrincipal PrincipalOf(AttestationTokenResult result)
    {
        var identity = new ClaimsIdentity(
            [
                new Claim(AttestationTokenClaimTypes.App, result.AppId!, ClaimValueTypes.String, ClaimsIssuer),
                new Claim(AttestationTokenClaimTypes.Device, result.DeviceId!, ClaimValueTypes.String, ClaimsIssuer),
                new Claim(AttestationTokenClaimTypes.Platform, result.Platform!, ClaimValueTypes.String, ClaimsIssuer),
            ],
            Scheme.Name, AttestationTokenClaimTypes.Device, null);
        return new ClaimsPrincipal(identity);
    }
}
