using Microsoft.IdentityModel.Tokens;

namespace Attestation.AspNetCore.Keys;

/// <summary>
/// The keys tokens are checked with at one moment, by <c>kid</c>, all of one algorithm: a set never mixes HS256 and ES256,
/// so a token cannot pick the algorithm (RFC 8725 §3.1).
/// </summary>
internal sealed class AttestationKeySet
{
    private readonly Dictionary<string, SecurityKey> _byKid;

    public AttestationKeySet(string algorithm, IEnumerable<SecurityKey> keys)
    {
        Algorithm = algorithm;
        _byKid = new Dictionary<string, SecurityKey>(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            _byKid[key.KeyId] = key;
        }
    }

    /// <summary><c>HS256</c> or <c>ES256</c>.</summary>
    public string Algorithm { get; }

    public int Count => _byKid.Count;

    public IEnumerable<string> KeyIds => _byKid.Keys;

    public SecurityKey? Find(string? kid) => string.IsNullOrEmpty(kid) ? null : _byKid.GetValueOrDefault(kid);

    /// <summary>An HS256 key from the backend's stored form (base64 of at least 32 bytes, RFC 7518 §3.2), or null.</summary>
    public static SymmetricSecurityKey? SymmetricKeyFrom(string version, string? base64Secret)
    {
        if (string.IsNullOrWhiteSpace(version) || string.IsNullOrWhiteSpace(base64Secret))
        {
            return null;
        }

        var text = base64Secret.Trim().Replace('-', '+').Replace('_', '/');
        text = text.PadRight(text.Length + ((4 - (text.Length % 4)) % 4), '=');
        var bytes = new byte[text.Length];
        if (!Convert.TryFromBase64String(text, bytes, out var written) || written < 32)
        {
            return null;
        }

        return new SymmetricSecurityKey(bytes[..written]) { KeyId = version };
    }
}
