using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Security.KeyVault.Secrets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Attestation.TestSupport;

/// <summary>
/// A FAKE Key Vault: a small local HTTPS server that speaks the part of the Key Vault secrets REST API the backend uses
/// (get the latest secret, get a version, list versions), as Key Vault documents and behaves:
/// <list type="bullet">
/// <item>a request without a bearer token gets the 401 challenge that Key Vault clients expect first; a request with any
/// other token than the one <see cref="CreateSecretClient"/>'s credential issues gets 401 too;</item>
/// <item>reading a disabled version, or the secret without a version when its newest version is disabled, gets 403
/// <c>Forbidden</c> with the inner code <c>SecretDisabled</c> ("Operation get is not allowed on a disabled secret.");</item>
/// <item>the version list comes in pages of <see cref="PageSize"/> (Key Vault's default, 25), each but the last with a
/// <c>nextLink</c>, in no particular order.</item>
/// </list>
/// No Key Vault emulator exists, so the Key Vault adapters are tested against this.
/// </summary>
public sealed class FakeKeyVaultServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<Version> _versions = [];
    private readonly Lock _gate = new();

    /// <summary>The one bearer token the fake accepts: what <see cref="Credential"/> issues.</summary>
    public const string AcceptedToken = "fake-key-vault-token";
    private int _secretReads;
    private int _requestsSeen;
    private int _unavailableLeft;
    private HeldAnswers? _held;

    private FakeKeyVaultServer(WebApplication app, X509Certificate2 certificate)
    {
        _app = app;
        Certificate = certificate;
    }

    /// <summary>The server's self-signed certificate; a client trusts exactly this one.</summary>
    public X509Certificate2 Certificate { get; }

    public Uri VaultUri { get; private set; } = null!;

    /// <summary>How many requests asked for a secret value or the version list (the challenge round-trip not counted).</summary>
    public int SecretReads => Volatile.Read(ref _secretReads);

    /// <summary>How many requests reached the server at all.</summary>
    public int RequestsSeen => Volatile.Read(ref _requestsSeen);

    /// <summary>While true, every request gets 503, as Key Vault does in an outage.</summary>
    public bool Unavailable { get; set; }


    /// <summary>Versions per page of a version list; Key Vault's default page holds 25.</summary>
    public int PageSize { get; set; } = 25;

    /// <summary>The credential a client of this fake uses: it issues <see cref="AcceptedToken"/> and records the scopes asked for.</summary>
    public FakeTokenCredential Credential { get; } = new();

    /// <summary>Answers the next <paramref name="requests"/> requests with 503, then serves again (a transient outage).</summary>
    public void AnswerUnavailable(int requests) => Volatile.Write(ref _unavailableLeft, requests);

    /// <summary>
    /// Holds the answer to every secret read from now on until <see cref="HeldAnswers.Release"/>: a test starts its
    /// callers, sees the first read arrive and every caller still waiting, and only then lets the answer go. Whether the
    /// callers shared that read, or each sent its own, is then decided by the code under test, not by how fast the first
    /// answer came. A read held for 15 seconds without a release is answered 503, failing the test rather than hanging it.
    /// </summary>
    public HeldAnswers HoldAnswers()
    {
        var held = new HeldAnswers();
        Volatile.Write(ref _held, held);
        return held;
    }

    public static async Task<FakeKeyVaultServer> StartAsync()
    {
        var certificate = LocalhostCertificate.Create();

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
        var app = builder.Build();
        var server = new FakeKeyVaultServer(app, certificate);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.VaultUri = new Uri(app.Urls.First().Replace("127.0.0.1", "localhost", StringComparison.Ordinal) + "/");
        return server;
    }

    /// <summary>Adds a new version of <paramref name="name"/>, which becomes the latest; returns its version id.</summary>
    public string AddVersion(string name, string value, DateTimeOffset createdOn, bool enabled = true)
    {
        var id = Guid.NewGuid().ToString("N");
        lock (_gate)
        {
            _versions.Add(new Version(name, id, value, createdOn, enabled));
        }

        return id;
    }

    /// <summary>
    /// A Key Vault client for this server: trusts its certificate only, no retries, a bearer token that reaches no Entra ID;
    /// <paramref name="perRetry"/>, when given, joins its pipeline (to inject a failure).
    /// </summary>
    public SecretClient CreateSecretClient(HttpPipelinePolicy? perRetry = null)
    {
        var options = new SecretClientOptions
        {
            Transport = new HttpClientTransport(CreateTrustingHandler()),
            DisableChallengeResourceVerification = true,
        };
        options.Retry.MaxRetries = 0;
        if (perRetry is not null)
        {
            options.AddPolicy(perRetry, HttpPipelinePosition.PerRetry);
        }

        return new SecretClient(VaultUri, Credential, options);
    }

    /// <summary>An HttpClientHandler that trusts this server's certificate only.</summary>
    public HttpClientHandler CreateTrustingHandler() => new()
    {
        ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented is not null && presented.RawData.AsSpan().SequenceEqual(Certificate.RawData),
    };

    /// <summary>
    /// A handler that trusts this server's certificate only and connects to it whatever host a URI names, so that a
    /// client can address the fake as a subdomain (vault.localhost), as a real vault is addressed (kv.vault.azure.net).
    /// </summary>
    public SocketsHttpHandler CreateLoopbackHandler() => new()
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(IPAddress.Loopback, context.DnsEndPoint.Port, cancellationToken);
                return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
        SslOptions =
        {
            RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && presented.GetRawCertData().AsSpan().SequenceEqual(Certificate.RawData),
        },
    };

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        Certificate.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requestsSeen);
        if (Unavailable || TakeUnavailable())
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        // Key Vault clients first send the request without a token and read the authority and the resource from this
        // challenge. The resource is this host, so a client that verifies it (the production default) accepts it.
        var authorization = context.Request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Bearer authorization=\"https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000\", resource=\"https://localhost\"";
            return;
        }

        if (authorization != "Bearer " + AcceptedToken)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            await context.Response.WriteAsJsonAsync(new { error = new { code = "Unauthorized", message = "AKV10022: Invalid audience." } });
            return;
        }

        // Routes: /secrets/{name}, /secrets/{name}/versions, /secrets/{name}/{version}
        var segments = context.Request.Path.Value!.Trim('/').Split('/');
        if (segments.Length < 2 || segments[0] != "secrets" || context.Request.Method != HttpMethods.Get)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        Interlocked.Increment(ref _secretReads);
        if (Volatile.Read(ref _held) is { } held && !await held.WaitAsync(context.RequestAborted))
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        List<Version> versions;
        lock (_gate)
        {
            versions = [.. _versions.Where(v => v.Name == segments[1]).OrderBy(v => v.CreatedOn)];
        }

        if (segments is [_, _, "versions"])
        {
            await WriteVersionPageAsync(context, versions);
            return;
        }

        var read = segments.Length switch
        {
            2 => versions.LastOrDefault(),
            3 => versions.FirstOrDefault(v => v.Id == segments[2]),
            _ => null,
        };

        if (read is { Enabled: false })
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await context.Response.WriteAsJsonAsync(new
            {
                error = new { code = "Forbidden", message = "Operation get is not allowed on a disabled secret.", innerError = new { code = "SecretDisabled" } },
            });
            return;
        }

        object? body = read is null ? null : Bundle(read);
        if (body is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            await context.Response.WriteAsJsonAsync(new { error = new { code = "SecretNotFound", message = "Secret not found" } });
            return;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(body));
    }

    private bool TakeUnavailable()
    {
        int left;
        while ((left = Volatile.Read(ref _unavailableLeft)) > 0)
        {
            if (Interlocked.CompareExchange(ref _unavailableLeft, left - 1, left) == left)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// One page of the version list, with a nextLink when more follow. Key Vault promises no order; oldest first puts the
    /// newest version on the last page, so a reader that stops at the first page is caught.
    /// </summary>
    private async Task WriteVersionPageAsync(HttpContext context, List<Version> versions)
    {
        var skip = int.TryParse(context.Request.Query["$skiptoken"], out var given) && given > 0 ? given : 0;
        var page = versions.Skip(skip).Take(PageSize).Select(Item).ToList();
        var nextLink = skip + PageSize < versions.Count
            ? $"{VaultUri}secrets/{Uri.EscapeDataString(versions[0].Name)}/versions?api-version={context.Request.Query["api-version"]}&$skiptoken={skip + PageSize}&maxresults={PageSize}"
            : null;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(new { value = page, nextLink }));
    }

    private object Bundle(Version version) => new
    {
        value = version.Value,
        id = $"{VaultUri}secrets/{version.Name}/{version.Id}",
        attributes = Attributes(version),
    };

    private object Item(Version version) => new
    {
        id = $"{VaultUri}secrets/{version.Name}/{version.Id}",
        attributes = Attributes(version),
    };

    private static object Attributes(Version version) => new
    {
        enabled = version.Enabled,
        created = version.CreatedOn.ToUnixTimeSeconds(),
        updated = version.CreatedOn.ToUnixTimeSeconds(),
        recoveryLevel = "Recoverable+Purgeable",
    };

    /// <summary>Issues the one token the fake accepts, never reaching Entra ID, and records the scopes it was asked for.</summary>
    public sealed class FakeTokenCredential : TokenCredential
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _scopes = new();

        /// <summary>Every scope asked for, in order.</summary>
        public IReadOnlyCollection<string> ScopesRequested => _scopes;

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            foreach (var scope in requestContext.Scopes)
            {
                _scopes.Enqueue(scope);
            }

            return new AccessToken(AcceptedToken, DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }

    private sealed record Version(string Name, string Id, string Value, DateTimeOffset CreatedOn, bool Enabled);

    /// <summary>Secret reads held by <see cref="HoldAnswers"/>.</summary>
    public sealed class HeldAnswers
    {
        private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
        private readonly TaskCompletionSource _firstArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _waiting;

        /// <summary>Completes when the first held read has arrived.</summary>
        public Task FirstArrived => _firstArrived.Task;

        /// <summary>How many reads are held now.</summary>
        public int Waiting => Volatile.Read(ref _waiting);

        /// <summary>Answers the held reads, and every later one at once.</summary>
        public void Release() => _released.TrySetResult();

        /// <summary>False when the patience ran out before a release.</summary>
        internal async Task<bool> WaitAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _waiting);
            _firstArrived.TrySetResult();
            try
            {
                await _released.Task.WaitAsync(Patience, cancellationToken);
                return true;
            }
            catch (TimeoutException)
            {
                return false;
            }
            finally
            {
                Interlocked.Decrement(ref _waiting);
            }
        }
    }
}
