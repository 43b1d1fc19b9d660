using System.Globalization;
using System.Text.Json;

namespace Attestation.TestSupport;

/// <summary>The real App Attest vectors of tests/vectors (apple-appattest-*.json), read from each file's <c>case</c> block.</summary>
public static class AppleVectors
{
    /// <summary>Every vector file name.</summary>
    public static IReadOnlyList<string> Files() =>
        [.. Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "tests", "vectors"), "apple-appattest-*.json").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    /// <summary>The files that hold an attestation.</summary>
    public static IReadOnlyList<string> AttestationFiles() => [.. Files().Where(f => Load(f).Attestation is not null)];

    /// <summary>The files that hold at least one assertion.</summary>
    public static IReadOnlyList<string> AssertionFiles() => [.. Files().Where(f => Load(f).Assertions.Count > 0)];

    /// <summary>Reads one vector file.</summary>
    public static AppleVector Load(string file)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "tests", "vectors", file)));
        var root = document.RootElement;
        var @case = root.GetProperty("case");
        AppleAttestationCase? attestation = null;
        if (@case.TryGetProperty("attestationObject", out var pointer))
        {
            // The case names where the object sits ("attestation.attestationObjectBase64").
            var node = root;
            foreach (var part in pointer.GetString()!.Split('.'))
            {
                node = node.GetProperty(part);
            }

            attestation = new AppleAttestationCase(
                Convert.FromBase64String(node.GetString()!),
                Convert.FromBase64String(@case.GetProperty("keyIdBase64").GetString()!),
                @case.GetProperty("environment").GetString()!,
                Convert.FromHexString(@case.GetProperty("clientDataHashHex").GetString()!),
                DateTimeOffset.Parse(@case.GetProperty("verifyAt").GetString()!, CultureInfo.InvariantCulture),
                DateTimeOffset.Parse(@case.GetProperty("expiredAt").GetString()!, CultureInfo.InvariantCulture),
                @case.GetProperty("expectValid").GetBoolean(),
                @case.GetProperty("publicKeyPem").GetString()!);
        }

        var assertions = @case.TryGetProperty("assertions", out var list)
            ? list.EnumerateArray().Select(a => new AppleAssertionCase(
                Convert.FromBase64String(a.GetProperty("assertionBase64").GetString()!),
                a.GetProperty("publicKeyPem").GetString()!,
                Convert.FromHexString(a.GetProperty("clientDataHashHex").GetString()!),
                a.GetProperty("previousCounter").GetInt64(),
                a.GetProperty("expectedCounter").GetInt64())).ToList()
            : [];
        return new AppleVector(file, @case.GetProperty("appId").GetString()!, attestation, assertions);
    }

    /// <summary>A PEM public key as SubjectPublicKeyInfo DER.</summary>
    public static byte[] SpkiFromPem(string pem)
    {
        using var key = System.Security.Cryptography.ECDsa.Create();
        key.ImportFromPem(pem);
        return key.ExportSubjectPublicKeyInfo();
    }
}
