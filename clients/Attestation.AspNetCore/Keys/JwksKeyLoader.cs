using System.Net.Http.Headers;
using Microsoft.IdentityModel.Tokens;

namespace Attestation.AspNetCore.Keys;

/// <summary>
/// Reads the backend's JWKS (docs/api.md, "GET /api/.well-known/jwks.json") and keeps its ES256 verification keys: EC P-256,
/// a <c>kid</c>, <c>use</c> absent or <c>sig</c>, <c>alg</c> absent or <c>ES256</c>, and no private part. Any other key is
/// skipped, so a JWKS cannot widen the accepted algorithms.
/// </summary>
internal sealed class JwksKeyLoader
{
    /// <summary>A JWKS of a few keys is a few KiB; more is not a JWKS this package should parse.</summary>
    internal const int MaxBytes = 64 * 1024;

    private readonly HttpClient _client;
    private readonly Uri _uri;

    public JwksKeyLoader(HttpClient client, Uri uri)
    {
        _client = client;
        _uri = uri;
    }

    public async Task<AttestationKeySet> LoadAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _uri);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"The JWKS answered {(int)response.StatusCode}.", null, response.StatusCode);
        }

        if (response.Content.Headers.ContentLength > MaxBytes)
        {
            throw new InvalidDataException($"The JWKS is larger than {MaxBytes} bytes.");
        }

        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new byte[MaxBytes + 1];
            var length = 0;
            int read;
            while ((read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false)) > 0)
            {
                length += read;
                if (length > MaxBytes)
                {
                    throw new InvalidDataException($"The JWKS is larger than {MaxBytes} bytes.");
                }
            }

            return Parse(System.Text.Encoding.UTF8.GetString(buffer, 0, length));
        }
    }

    internal static AttestationKeySet Parse(string json)
    {
        JsonWebKeySet set;
        try
        {
            set = JsonWebKeySet.Create(json);
        }
        catch (ArgumentException exception)
        {
            throw new InvalidDataException("The JWKS is not a JSON Web Key Set.", exception);
        }

        var keys = set.Keys.Where(IsEs256VerificationKey).Select(ToSecurityKey);
        return new AttestationKeySet("ES256", keys);
    }

    private static bool IsEs256VerificationKey(JsonWebKey key) =>
        key.Kty == JsonWebAlgorithmsKeyTypes.EllipticCurve
        && key.Crv == JsonWebKeyECTypes.P256
        && !string.IsNullOrEmpty(key.Kid)
        && !string.IsNullOrEmpty(key.X) && !string.IsNullOrEmpty(key.Y)
        && string.IsNullOrEmpty(key.D)
        && (string.IsNullOrEmpty(key.Use) || key.Use == JsonWebKeyUseNames.Sig)
        && (string.IsNullOrEmpty(key.Alg) || key.Alg == SecurityAlgorithms.EcdsaSha256);

    private static SecurityKey ToSecurityKey(JsonWebKey key)
    {
        var ecdsa = System.Security.Cryptography.ECDsa.Create(new System.Security.Cryptography.ECParameters
        {
            Curve = System.Security.Cryptography.ECCurve.NamedCurves.nistP256,
            Q = new System.Security.Cryptography.ECPoint
            {
                X = Base64UrlEncoder.DecodeBytes(key.X),
                Y = Base64UrlEncoder.DecodeBytes(key.Y),
            },
        });
        return new ECDsaSecurityKey(ecdsa) { KeyId = key.Kid };
    }
}
