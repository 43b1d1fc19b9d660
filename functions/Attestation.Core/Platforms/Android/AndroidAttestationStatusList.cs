using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Attestation.Core.Errors;

namespace Attestation.Core.Platforms.Android;

/// <summary>
/// Google's attestation certificate status list (https://android.googleapis.com/attestation/status): a JSON object
/// <c>{"entries": {"&lt;serial&gt;": {"status": "REVOKED" | "SUSPENDED", "reason": ...}}}</c> keyed by the lowercase
/// hexadecimal serial number without leading zeros. Any listed certificate (revoked or suspended) is refused.
/// </summary>
/// <remarks>
/// Only exact serials match. Many leaf certificates carry serial 1, so a fuzzy match (prefix, substring, decimal
/// reading) would refuse unrelated devices; the key of a certificate is its serial as Google writes it and nothing else.
/// </remarks>
public sealed class AndroidAttestationStatusList
{
    private readonly HashSet<string> _serials;

    private AndroidAttestationStatusList(HashSet<string> serials) => _serials = serials;

    /// <summary>A list with no entries.</summary>
    public static AndroidAttestationStatusList Empty { get; } = new([]);

    /// <summary>How many serials are listed.</summary>
    public int Count => _serials.Count;

    /// <summary>Parses the list's JSON.</summary>
    /// <exception cref="FormatException">It is not JSON of the list's shape.</exception>
    public static AndroidAttestationStatusList Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 8 });
            using var document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("entries", out var entries)
                || entries.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("The status list has no 'entries' object.");
            }

            // Google writes lowercase; lowercasing here costs nothing and keeps a hand-edited local file working.
            var serials = entries.EnumerateObject().Select(e => e.Name.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
            return new AndroidAttestationStatusList(serials);
        }
        catch (JsonException e)
        {
            throw new FormatException("The status list is not valid JSON.", e);
        }
    }

    /// <summary>The list's key for a certificate: its serial number in lowercase hexadecimal without leading zeros.</summary>
    public static string SerialKey(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var hex = Convert.ToHexStringLower(certificate.SerialNumberBytes.Span).TrimStart('0');
        return hex.Length == 0 ? "0" : hex;
    }

    /// <summary>True when <paramref name="serialKey"/> (see <see cref="SerialKey"/>) is listed.</summary>
    public bool Contains(string serialKey) => _serials.Contains(serialKey);

    /// <summary>Refuses <paramref name="chain"/> when any of its certificates is listed.</summary>
    /// <exception cref="AttestationException"><c>attestation_invalid</c> naming the position of the listed certificate.</exception>
    public void ThrowIfAnyListed(IReadOnlyList<X509Certificate2> chain)
    {
        ArgumentNullException.ThrowIfNull(chain);
        ThrowIfAnyListed([.. chain.Select(SerialKey)]);
    }

    /// <summary>Refuses a chain, given by the <see cref="SerialKey"/> of each certificate, when any of them is listed.</summary>
    /// <exception cref="AttestationException"><c>attestation_invalid</c> naming the position of the listed certificate.</exception>
    public void ThrowIfAnyListed(IReadOnlyList<string> serialKeys)
    {
        ArgumentNullException.ThrowIfNull(serialKeys);
        for (var i = 0; i < serialKeys.Count; i++)
        {
            if (Contains(serialKeys[i]))
            {
                throw new AttestationException(AttestationErrorCode.AttestationInvalid, $"Certificate {i} of the chain is revoked or suspended by Google.");
            }
        }
    }
}
