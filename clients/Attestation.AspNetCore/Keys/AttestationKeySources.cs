using System.Collections.Concurrent;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Attestation.AspNetCore.Keys;

/// <summary>One key source per authentication scheme, made on first use from that scheme's options and kept for the process.</summary>
internal sealed class AttestationKeySources : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<(IAttestationKeySource Source, AttestationTokenValidator Validator)>> _byScheme = new(StringComparer.Ordinal);
    private readonly List<IDisposable> _owned = [];
    private readonly IOptionsMonitor<AttestationTokenOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILoggerFactory _loggerFactory;

    public AttestationKeySources(IOptionsMonitor<AttestationTokenOptions> options, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        _options = options;
        _timeProvider = timeProvider;
        _loggerFactory = loggerFactory;
    }

    public AttestationTokenValidator ValidatorFor(string scheme) =>
        _byScheme.GetOrAdd(scheme, name => new(() => Create(name))).Value.Validator;

    public void Dispose()
    {
        lock (_owned)
        {
            foreach (var owned in _owned)
            {
                owned.Dispose();
            }
        }
    }

    private (IAttestationKeySource, AttestationTokenValidator) Create(string scheme)
    {
        var options = _options.Get(scheme);
        var logger = _loggerFactory.CreateLogger("Attestation.AspNetCore.Keys");
        IAttestationKeySource source;
        if (options.JwksUri is { } jwks)
        {
            var client = options.BackchannelHttpHandler is { } handler ? new HttpClient(handler, disposeHandler: false) : new HttpClient();
            client.Timeout = options.BackchannelTimeout;
            Own(client);
            source = new CachedKeySource("JWKS", new JwksKeyLoader(client, jwks).LoadAsync, options, _timeProvider, logger);
        }
        else if (options.SecretClient is not null || options.KeyVaultUri is not null)
        {
            var secrets = options.SecretClient ?? new SecretClient(options.KeyVaultUri, options.Credential ?? new DefaultAzureCredential());
            source = new CachedKeySource("Key Vault", new KeyVaultKeyLoader(secrets, options.SecretName).LoadAsync, options, _timeProvider, logger);
        }
        else
        {
            source = new ConfiguredKeySource(options.SigningKeys);
        }

        return (source, new AttestationTokenValidator(options, source, _timeProvider));
    }

    private void Own(IDisposable disposable)
    {
        lock (_owned)
        {
            _owned.Add(disposable);
        }
    }
}
