using System.Text.Json;
using Attestation.Core.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Attestation.Functions.Http;

/// <summary>
/// A JSON response written straight to the HttpContext. It needs no MVC result executors, so the Functions host and the
/// local host (tools/Attestation.LocalHost) run it the same way.
/// </summary>
internal sealed class ApiResult : IActionResult
{
    private readonly object? _body;
    private readonly string _contentType;
    private readonly TimeSpan? _retryAfter;
    private readonly string _cacheControl;

    private ApiResult(int status, object? body, string contentType, TimeSpan? retryAfter, string cacheControl = "no-store")
    {
        Status = status;
        _body = body;
        _contentType = contentType;
        _retryAfter = retryAfter;
        _cacheControl = cacheControl;
    }

    public int Status { get; }

    public static ApiResult Json(int status, object body, TimeSpan? retryAfter = null) => new(status, body, "application/json; charset=utf-8", retryAfter);

    /// <summary>A 200 that caches may keep for <paramref name="maxAge"/> (public documents such as the JWKS).</summary>
    public static ApiResult Cacheable(object body, TimeSpan maxAge) =>
        new(StatusCodes.Status200OK, body, "application/json; charset=utf-8", null,
            $"public, max-age={(int)maxAge.TotalSeconds}");

    /// <summary>A 204 with no body.</summary>
    public static ApiResult NoContent() => new(StatusCodes.Status204NoContent, null, "", null);

    public static ApiResult Problem(int status, string code, AttestationAction action, string title, string detail, TimeSpan? retryAfter = null) =>
        new(status, new ProblemResponse($"urn:attestation:problem:{code}", title, status, detail, code, action.ToWireName()), "application/problem+json; charset=utf-8", retryAfter);

    public async Task ExecuteResultAsync(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var response = context.HttpContext.Response;
        response.StatusCode = Status;
        response.Headers.CacheControl = _cacheControl;
        if (_body is null)
        {
            return;
        }

        response.ContentType = _contentType;
        if (_retryAfter is { } retryAfter)
        {
            response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        await JsonSerializer.SerializeAsync(response.Body, _body, _body.GetType(), ApiJson.Options, context.HttpContext.RequestAborted);
    }
}
