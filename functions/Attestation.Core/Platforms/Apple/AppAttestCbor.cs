using System.Formats.Cbor;
using Attestation.Core.Text;

namespace Attestation.Core.Platforms.Apple;

/// <summary>
/// The CBOR shapes App Attest uses (RFC 8949): one map with text keys, whose values are byte strings, text strings,
/// arrays of byte strings or nested maps. Every reader error becomes a <see cref="FormatException"/> naming the field.
/// </summary>
internal static class AppAttestCbor
{
    /// <summary>Reads one map with text keys and returns each value still encoded; keys must be unique, nothing may follow the map.</summary>
    public static Dictionary<string, ReadOnlyMemory<byte>> ReadMap(ReadOnlyMemory<byte> encoded, string what)
    {
        try
        {
            var reader = new CborReader(encoded, CborConformanceMode.Lax);
            var entries = ReadMapEntries(reader, what);
            if (reader.BytesRemaining != 0)
            {
                throw new FormatException($"{what} has {reader.BytesRemaining} bytes after its CBOR map.");
            }

            return entries;
        }
        catch (Exception e) when (e is CborContentException or InvalidOperationException or ArgumentException)
        {
            throw new FormatException($"{what} is not the expected CBOR map ({e.GetType().Name}).");
        }
    }

    public static byte[] ByteString(Dictionary<string, ReadOnlyMemory<byte>> map, string key, string what) =>
        Read(map, key, what, reader => reader.ReadByteString());

    public static string TextString(Dictionary<string, ReadOnlyMemory<byte>> map, string key, string what) =>
        Read(map, key, what, reader => reader.ReadTextString());

    public static List<byte[]> ByteStringArray(Dictionary<string, ReadOnlyMemory<byte>> map, string key, string what) =>
        Read(map, key, what, reader =>
        {
            var items = new List<byte[]>();
            reader.ReadStartArray();
            while (reader.PeekState() != CborReaderState.EndArray)
            {
                items.Add(reader.ReadByteString());
            }

            reader.ReadEndArray();
            return items;
        });

    private static T Read<T>(Dictionary<string, ReadOnlyMemory<byte>> map, string key, string what, Func<CborReader, T> read)
    {
        if (!map.TryGetValue(key, out var encoded))
        {
            throw new FormatException($"{what} has no '{key}'.");
        }

        try
        {
            return read(new CborReader(encoded, CborConformanceMode.Lax));
        }
        catch (Exception e) when (e is CborContentException or InvalidOperationException or ArgumentException)
        {
            throw new FormatException($"{what}.{key} does not have the expected CBOR type ({e.GetType().Name}).");
        }
    }

    private static Dictionary<string, ReadOnlyMemory<byte>> ReadMapEntries(CborReader reader, string what)
    {
        var entries = new Dictionary<string, ReadOnlyMemory<byte>>(StringComparer.Ordinal);
        reader.ReadStartMap();
        while (reader.PeekState() != CborReaderState.EndMap)
        {
            if (reader.PeekState() != CborReaderState.TextString)
            {
                // Keys of other types are not App Attest's; skip the pair rather than guess.
                reader.SkipValue();
                reader.SkipValue();
                continue;
            }

            var key = reader.ReadTextString();
            if (!entries.TryAdd(key, reader.ReadEncodedValue()))
            {
                // The key is the sender's text: quoted short and escaped, never raw (issue 16, finding 5).
                throw new FormatException($"{what} has the key '{UntrustedText.Quote(key)}' twice.");
            }
        }

        reader.ReadEndMap();
        return entries;
    }
}
