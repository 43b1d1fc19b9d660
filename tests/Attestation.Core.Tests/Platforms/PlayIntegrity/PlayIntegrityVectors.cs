using System.Text.Json;
using Attestation.TestSupport;

namespace Attestation.Core.Tests.Platforms.PlayIntegrity;

/// <summary>Reads the Play Integrity vectors of tests/vectors (SOURCES.md section 3).</summary>
internal static class PlayIntegrityVectors
{
    /// <summary>Pads unpadded base64 text to a multiple of four characters.</summary>
    public static string PadBase64(string text) => text.PadRight(text.Length + ((4 - (text.Length % 4)) % 4), '=');

    /// <summary>The root of tests/vectors/<paramref name="file"/>.</summary>
    public static JsonElement Load(string file)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "tests", "vectors", file)));
        return document.RootElement.Clone();
    }
}
