using Azure.Core;

namespace Attestation.AspNetCore.Verify;

/// <summary>How <see cref="AttestationVerifyClient"/> reaches the backend's verify.</summary>
public sealed class AttestationVerifyClientOptions
{
    /// <summary>The verify URL, e.g. <c>https://apim-x.azure-api.net/attestation-operators/v1/verify</c> or <c>http://127.0.0.1:7071/api/v1/verify</c>.</summary>
    public Uri? VerifyUri { get; set; }

    /// <summary>A verify key, sent as <c>x-functions-key</c>. Set this or <see cref="Credential"/>, or neither for the local run.</summary>
    public string? FunctionKey { get; set; }

    /// <summary>An identity (a managed identity in Azure) whose Entra ID token is sent as a bearer token for <see cref="Scope"/>.</summary>
    public TokenCredential? Credential { get; set; }

    /// <summary>The scope the token is asked for, e.g. <c>api://&lt;backend app id&gt;/.default</c>. Required with <see cref="Credential"/>.</summary>
    public string? Scope { get; set; }

    /// <summary>How many times a 503 is retried. Default 2.</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>The longest wait between tries; a longer <c>Retry-After</c> is not waited for but thrown. Default 5 seconds.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The wait when a 503 carries no usable <c>Retry-After</c>. Default 1 second.</summary>
    public TimeSpan DefaultRetryDelay { get; set; } = TimeSpan.FromSeconds(1);
}
