using System.Globalization;
using Attestation.Core.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;

namespace Attestation.Functions.Http;

/// <summary>
/// The one place where outcomes become HTTP: domain codes to problem+json (docs/api.md), dependency outages to 503 with
/// Retry-After, oversized bodies to 413. Inner exception text never reaches the client.
/// </summary>
internal static partial class HttpOutcome
{
    /// <summary>How long a client should wait before retrying after a dependency outage.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    public static async Task<IActionResult> RunAsync(ILogger logger, Func<Task<IActionResult>> handler)
    {
        try
        {
            return await handler();
        }
        catch (AttestationException refused)
        {
            return Problem(refused.Code, refused.Detail, action: refused.Action);
        }
        catch (RequestBodyTooLargeException tooLarge)
        {
            return ApiResult.Problem(StatusCodes.Status413PayloadTooLarge, "invalid_request", AttestationAction.FixRequest, "Request body too large", tooLarge.Message);
        }
        catch (DependencyUnavailableException outage)
        {
            LogOutage(logger, outage.Dependency, outage.InnerException?.GetType().Name ?? "none");
            return Problem(AttestationErrorCode.Unavailable,
                "A service this backend depends on is temporarily unavailable. Retry after the Retry-After delay with a new challenge; keep the device's key (do not attest a new one).",
                outage.RetryAfter);
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            // A defect, not a verdict: logged with its stack trace here, never shown to the caller.
            LogUnexpected(logger, failure);
            return ApiResult.Problem(StatusCodes.Status500InternalServerError, "internal_error", AttestationAction.RetryLater, "Internal error",
                "The backend failed unexpectedly. Retrying the same request may help; keep the device's key (do not attest a new one).");
        }
    }

    /// <param name="code">The domain code.</param>
    /// <param name="detail">Text safe to show a user.</param>
    /// <param name="retryAfter">For <c>unavailable</c>: the delay the dependency named, instead of <see cref="RetryAfter"/>.</param>
    /// <param name="action">What the app does next, when the refusal names other than its code's (<see cref="AttestationActions.For"/>).</param>
    public static ApiResult Problem(AttestationErrorCode code, string detail, TimeSpan? retryAfter = null, AttestationAction? action = null)
    {
        var (status, title) = code switch
        {
            AttestationErrorCode.InvalidRequest => (StatusCodes.Status400BadRequest, "Invalid request"),
            AttestationErrorCode.RefreshUnsupported => (StatusCodes.Status400BadRequest, "Refresh not supported"),
            AttestationErrorCode.AppUnknown => (StatusCodes.Status404NotFound, "Unknown app"),
            AttestationErrorCode.DeviceUnknown => (StatusCodes.Status404NotFound, "Unknown device"),
            AttestationErrorCode.ChallengeInvalid => (StatusCodes.Status401Unauthorized, "Invalid challenge"),
            AttestationErrorCode.AttestationInvalid => (StatusCodes.Status401Unauthorized, "Attestation invalid"),
            AttestationErrorCode.ProofInvalid => (StatusCodes.Status401Unauthorized, "Proof invalid"),
            AttestationErrorCode.AttestationRequired => (StatusCodes.Status401Unauthorized, "Attestation required"),
            AttestationErrorCode.PolicyViolation => (StatusCodes.Status403Forbidden, "Policy violation"),
            AttestationErrorCode.DeviceRevoked => (StatusCodes.Status403Forbidden, "Device revoked"),
            AttestationErrorCode.Unavailable => (StatusCodes.Status503ServiceUnavailable, "Service unavailable"),
            AttestationErrorCode.AppExists => (StatusCodes.Status409Conflict, "App exists"),
            AttestationErrorCode.AppChanged => (StatusCodes.Status409Conflict, "App changed"),
            AttestationErrorCode.DebugTokenUnknown => (StatusCodes.Status404NotFound, "Unknown debug token"),
            AttestationErrorCode.Unauthenticated => (StatusCodes.Status401Unauthorized, "Unauthenticated"),
            AttestationErrorCode.Forbidden => (StatusCodes.Status403Forbidden, "Forbidden"),
            AttestationErrorCode.NotFound => (StatusCodes.Status404NotFound, "Not found"),
            _ => throw new ArgumentOutOfRangeException(nameof(code), code, null),
        };

        return ApiResult.Problem(status, code.ToWireName(), action ?? AttestationActions.For(code), title, detail, code == AttestationErrorCode.Unavailable ? retryAfter ?? RetryAfter : null);
    }

    /// <summary>RFC 3339 UTC with whole seconds, the form of every instant the backend emits.</summary>
    public static string Rfc3339(DateTimeOffset instant) =>
        instant.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    [LoggerMessage(EventId = 101, Level = LogLevel.Error, Message = "Unexpected failure while handling a request")]
    private static partial void LogUnexpected(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 100, Level = LogLevel.Warning, Message = "Answering 503: {Dependency} is unavailable ({ExceptionType})")]
    private static partial void LogOutage(ILogger logger, string dependency, string exceptionType);
}
