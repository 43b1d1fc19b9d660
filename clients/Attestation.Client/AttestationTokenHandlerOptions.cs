namespace Attestation.Client;

/// <summary>How <see cref="AttestationTokenHandler"/> sends the token and which requests it may send twice.</summary>
public sealed class AttestationTokenHandlerOptions
{
    /// <summary>The header the API reads the token from; <c>Attestation-Token</c> unless the API was set up otherwise.</summary>
    public string HeaderName { get; set; } = AttestationTokenHandler.DefaultHeaderName;

    /// <summary>
    /// The value to bind each request's token to, for example <c>request =&gt; request.Headers.Authorization?.ToString()</c>
    /// (the API then checks the token's <c>pay</c> against the header it received); null binds nothing.
    /// </summary>
    public Func<HttpRequestMessage, string?>? Binding { get; set; }

    /// <summary>
    /// The methods sent again after the API refused the token: the idempotent ones (RFC 9110, section 9.2.2) by default.
    /// A POST is not, so it gets the 401 back.
    /// </summary>
    public ISet<HttpMethod> RetriedMethods { get; init; } = new HashSet<HttpMethod>
    {
        HttpMethod.Get, HttpMethod.Head, HttpMethod.Options, HttpMethod.Put, HttpMethod.Delete,
    };
}
