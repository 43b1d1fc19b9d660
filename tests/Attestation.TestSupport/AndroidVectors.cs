using System.Text.Json;
using System.Text.RegularExpressions;

namespace Attestation.TestSupport;

/// <summary>Reads the real Android vectors from the repository's tests/vectors (never from outside the repository).</summary>
public static partial class AndroidVectors
{
    public static string Folder { get; } = Path.Combine(RepositoryPaths.Root, "tests", "vectors");

    /// <summary>Every android-key-*.json vector, by file name without extension.</summary>
    public static IReadOnlyList<string> Names { get; } = Directory.GetFiles(Folder, "android-key-*.json")
        .Select(Path.GetFileNameWithoutExtension)
        .Where(n => n is not null && !n.Contains("revocation", StringComparison.Ordinal))
        .Order(StringComparer.Ordinal)
        .ToList()!;

    public static string StatusListSamplePath { get; } = Path.Combine(Folder, "android-key-revocation-status-sample.json");

    public static AndroidVector Load(string name)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, name + ".json")));
        var root = document.RootElement;
        var c = root.GetProperty("case");
        DateTimeOffset? strict = null;
        if (root.TryGetProperty("expected", out var expected)
            && expected.TryGetProperty("verifyAtStrict (every cert incl. root inside its validity)", out var s)
            && s.ValueKind == JsonValueKind.String)
        {
            strict = DateTimeOffset.Parse(s.GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        }

        var chainPath = Path.Combine(Folder, c.GetProperty("chainFile").GetString()!);
        return new AndroidVector(
            name,
            chainPath,
            ReadPem(File.ReadAllText(chainPath)),
            DateTimeOffset.Parse(c.GetProperty("verifyAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture),
            strict,
            Convert.FromHexString(c.GetProperty("challengeHex").GetString()!),
            [.. c.GetProperty("packages").EnumerateArray().Select(p => p.GetString()!)],
            [.. c.GetProperty("signatureDigestsHex").EnumerateArray().Select(p => p.GetString()!)],
            c.GetProperty("attestationVersion").GetInt32(),
            c.GetProperty("securityLevel").GetString()!,
            c.GetProperty("verifiedBootState").ValueKind == JsonValueKind.String ? c.GetProperty("verifiedBootState").GetString() : null,
            c.GetProperty("deviceLocked").ValueKind is JsonValueKind.True or JsonValueKind.False ? c.GetProperty("deviceLocked").GetBoolean() : null,
            c.GetProperty("osPatchLevel").ValueKind == JsonValueKind.Number ? c.GetProperty("osPatchLevel").GetInt32() : null,
            c.GetProperty("expectValid").GetBoolean(),
            c.GetProperty("expectCode").GetString()!);
    }

    /// <summary>The DER certificates of a PEM file, in file order.</summary>
    public static IReadOnlyList<byte[]> ReadPem(string pem) =>
        [.. PemBlock().Matches(pem).Select(m => Convert.FromBase64String(Regex.Replace(m.Groups[1].Value, @"\s", string.Empty)))];

    [GeneratedRegex("-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", RegexOptions.Singleline)]
    private static partial Regex PemBlock();
}
