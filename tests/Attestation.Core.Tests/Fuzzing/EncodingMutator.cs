namespace Attestation.Core.Tests.Fuzzing;

/// <summary>
/// Mutations for binary encodings read by tag and length (DER, CBOR): one to three stacked edits, each a bit flip, a
/// truncation, a replaced byte, a length or tag byte, a slice repeated or dropped. Stacking reaches states one edit cannot,
/// such as a length fixed up after the content it counts was changed.
/// </summary>
internal static class EncodingMutator
{
    // Bytes that are tags or length prefixes in DER or CBOR: SEQUENCE, SET, INTEGER, OCTET STRING, NULL, OID, context tags,
    // long-form lengths (0x81 to 0x84, 0x80 indefinite), CBOR maps, arrays and strings with 1- to 8-byte lengths, break.
    private static readonly byte[] Structural =
    [
        0x30, 0x31, 0x02, 0x03, 0x04, 0x05, 0x06, 0x0c, 0xa0, 0xa1, 0xa3, 0xbf, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0xff, 0x00,
        0x58, 0x59, 0x5a, 0x5b, 0x5f, 0x78, 0x7b, 0x98, 0x9b, 0x9f, 0xb8, 0xbb, 0xf6, 0xf7, 0xfb,
    ];

    /// <summary>A copy of <paramref name="original"/> that differs from it, drawn from <paramref name="random"/>.</summary>
    public static byte[] Mutate(byte[] original, Random random)
    {
        while (true)
        {
            var bytes = original;
            for (var edits = random.Next(1, 4); edits > 0 && bytes.Length > 0; edits--)
            {
                bytes = Edit(bytes, random);
            }

            if (!bytes.AsSpan().SequenceEqual(original))
            {
                return bytes;
            }
        }
    }

    private static byte[] Edit(byte[] input, Random random)
    {
        var bytes = (byte[])input.Clone();
        var at = random.Next(bytes.Length);
        switch (random.Next(6))
        {
            case 0:
                bytes[at] ^= (byte)(1 << random.Next(8));
                return bytes;
            case 1:
                return bytes[..at];
            case 2:
                bytes[at] = (byte)random.Next(256);
                return bytes;
            case 3:
                bytes[at] = Structural[random.Next(Structural.Length)];
                return bytes;
            case 4:
                {
                    // A slice repeated in place: a field given twice, a length that no longer counts its content.
                    var length = random.Next(1, Math.Min(64, bytes.Length - at) + 1);
                    return [.. bytes[..(at + length)], .. bytes[at..]];
                }

            default:
                {
                    var length = random.Next(1, Math.Min(64, bytes.Length - at) + 1);
                    return [.. bytes[..at], .. bytes[(at + length)..]];
                }
        }
    }

    /// <summary>
    /// Inputs built to blow up a careless reader: nesting thousands deep, lengths that claim gigabytes, indefinite lengths
    /// that never end, each in DER and in CBOR form.
    /// </summary>
    public static IEnumerable<(string Name, byte[] Bytes)> Pathological()
    {
        yield return ("DER sequences nested 5000 deep", NestedDer(5000));
        yield return ("DER indefinite-length sequences 5000 deep", [.. Enumerable.Repeat<byte[]>([0x30, 0x80], 5000).SelectMany(b => b)]);
        yield return ("a DER sequence claiming 4 GiB", [0x30, 0x84, 0xff, 0xff, 0xff, 0xff, 0x02, 0x01, 0x00]);
        yield return ("a DER length of 127 bytes", [0x30, 0xff, .. Enumerable.Repeat((byte)0xff, 127)]);
        yield return ("a DER tag number 40 bytes long", [0x1f, .. Enumerable.Repeat((byte)0xff, 40), 0x01, 0x00]);
        yield return ("CBOR arrays nested 5000 deep", [.. Enumerable.Repeat((byte)0x81, 5000), 0x00]);
        yield return ("CBOR maps nested 5000 deep", [.. Enumerable.Repeat<byte[]>([0xa1, 0x61, 0x61], 5000).SelectMany(b => b), 0x00]);
        yield return ("CBOR indefinite arrays 5000 deep, never closed", [.. Enumerable.Repeat((byte)0x9f, 5000)]);
        yield return ("a CBOR map claiming 2^64-1 entries", [0xbb, .. Enumerable.Repeat((byte)0xff, 8)]);
        yield return ("a CBOR byte string claiming 2^63 bytes", [0x5b, 0x80, 0, 0, 0, 0, 0, 0, 0]);
        yield return ("a CBOR indefinite byte string of 4000 empty chunks", [0x5f, .. Enumerable.Repeat((byte)0x40, 4000), 0xff]);
        yield return ("CBOR tags nested 5000 deep", [.. Enumerable.Repeat((byte)0xc6, 5000), 0x00]);
    }

    private static byte[] NestedDer(int depth)
    {
        byte[] inner = [0x05, 0x00];
        for (var i = 0; i < depth; i++)
        {
            var length = inner.Length;
            byte[] header = length < 0x80 ? [0x30, (byte)length]
                : length < 0x100 ? [0x30, 0x81, (byte)length]
                : length < 0x10000 ? [0x30, 0x82, (byte)(length >> 8), (byte)length]
                : [0x30, 0x83, (byte)(length >> 16), (byte)(length >> 8), (byte)length];
            inner = [.. header, .. inner];
        }

        return inner;
    }
}
