using System.Security.Cryptography;
using System.Text;

namespace Attestation.Core.Platforms.Debug;

/// <summary>The <c>debug</c> platform's view of an app: the SHA-256 of each debug token registered for it.</summary>
public sealed class DebugPolicy
{
    public DebugPolicy(IEnumerable<byte[]> tokenHashes)
    {
        ArgumentNullException.ThrowIfNull(tokenHashes);
        TokenHashes = [.. tokenHashes];
    }

    /// <summary>SHA-256 of each debug token registered for the app; the tokens themselves are never stored.</summary>
    public IReadOnlyList<byte[]> TokenHashes { get; }

    /// <summary>
    /// True when <paramref name="debugToken"/> hashes to a registered debug token. Every registered hash is compared in constant
    /// time, so the time taken says nothing about how close a guess was.
    /// </summary>
    public bool IsRegistered(string debugToken)
    {
        ArgumentNullException.ThrowIfNull(debugToken);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(debugToken));
        var found = false;
        foreach (var registered in TokenHashes)
        {
            found |= CryptographicOperations.FixedTimeEquals(hash, registered);
        }

        return found;
    }
}
