namespace Attestation.Core.Tests.Platforms.Apple;

/// <summary>
/// The mutations the App Attest fuzz tests apply: bit flips, truncations, CBOR major-type swaps and replaced bytes.
/// </summary>
internal static class AppAttestMutator
{
    /// <summary>A copy of <paramref name="original"/> that differs from it, drawn from <paramref name="random"/>.</summary>
    public static byte[] Mutate(byte[] original, Random random)
    {
        // Two flips of one bit cancel out; such a draw is no mutation, so draw again.
        byte[] mutated;
        do
        {
            mutated = MutateOnce(original, random);
        }
        while (mutated.AsSpan().SequenceEqual(original));

        return mutated;
    }

    private static byte[] MutateOnce(byte[] original, Random random)
    {
        var bytes = (byte[])original.Clone();
        switch (random.Next(4))
        {
            case 0:
                // One to three bit flips anywhere.
                for (var n = random.Next(1, 4); n > 0; n--)
                {
                    bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                }

                return bytes;
            case 1:
                return bytes[..random.Next(bytes.Length)];
            case 2:
                {
                    // CBOR type swap: another major type (the top three bits) for one byte, keeping its argument.
                    var at = random.Next(bytes.Length);
                    var major = ((bytes[at] >> 5) + random.Next(1, 8)) % 8;
                    bytes[at] = (byte)((major << 5) | (bytes[at] & 0x1f));
                    return bytes;
                }

            default:
                {
                    // A random byte replaced by a random value.
                    var at = random.Next(bytes.Length);
                    var value = (byte)random.Next(256);
                    bytes[at] = value == bytes[at] ? (byte)(value ^ 0xff) : value;
                    return bytes;
                }
        }
    }
}
