using System.Buffers.Text;
using System.Text;
using Attestation.Core.Challenges;
using Attestation.TestSupport;

namespace Attestation.Core.Tests.Challenges;

/// <summary>
/// The challenge's wire form under mutation, from fixed seeds: <see cref="SealedChallenge.TryRead"/> answers false (its
/// defined refusal) or reads, never throws, and no text other than the one sealed passes the seal for its app, whether the
/// change is to the text (caught by the canonical-form check) or to the sealed bytes (caught by the MAC). Every case
/// finishes within <see cref="FuzzBound.PerCase"/>.
/// </summary>
public sealed class SealedChallengeFuzzTests
{
    private const int Cases = 3000;
    private const string AppId = "com.contoso.demo";
    private const string Base64UrlAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    private static readonly ChallengeKey Key = new("c1", Enumerable.Range(0, 32).Select(i => (byte)i).ToArray());
    private static readonly DateTimeOffset ExpiresAt = new(2026, 12, 1, 12, 5, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(401)]
    [InlineData(402)]
    public async Task NoMutatedChallengeIsSealedForItsApp(int seed)
    {
        var random = new Random(seed);
        await FuzzBound.RunAsync(
            Cases,
            i =>
            {
                var original = SealedChallenge.Seal(Key, AppId, ExpiresAt);
                var (mutated, what) = Mutate(original, random);
                Assert.False(IsAccepted(mutated, AppId), $"seed {seed} #{i}: {what} still passes the seal");
            },
            $"seed {seed}");
    }

    [Theory]
    [InlineData(403)]
    public async Task ArbitraryTextIsNeverAChallenge(int seed)
    {
        var random = new Random(seed);
        string[] alphabets = [Base64UrlAlphabet, Base64UrlAlphabet + "+/=", "\0\r\n \t.\"\\", "\u00e9\u200b\ud800\udc00\ufeff\uffff"];
        await FuzzBound.RunAsync(
            Cases,
            i =>
            {
                var length = random.Next(3) == 0 ? SealedChallenge.TextLength : random.Next(0, 300);
                var text = new StringBuilder(length);
                for (var n = 0; n < length; n++)
                {
                    var alphabet = alphabets[random.Next(4) == 0 ? random.Next(alphabets.Length) : 0];
                    text.Append(alphabet[random.Next(alphabet.Length)]);
                }

                Assert.False(IsAccepted(text.ToString(), AppId), $"seed {seed} #{i}");
            },
            $"seed {seed}");
    }

    [Fact]
    public void TheGenuineChallengeIsAccepted() =>
        Assert.True(IsAccepted(SealedChallenge.Seal(Key, AppId, ExpiresAt), AppId));

    // What ChallengeService.RedeemAsync asks of the text before its store: readable, sealed for the app; only then is the
    // expiry read (before the seal it is attacker bytes, and DateTimeOffset refuses years past 9999).
    private static bool IsAccepted(string text, string appId)
    {
        if (!SealedChallenge.TryRead(text, out var challenge))
        {
            return false;
        }

        _ = challenge.KeyId;
        _ = challenge.Id;
        if (challenge.KeyId != Key.KeyId || !challenge.IsSealedBy(Key, appId))
        {
            return false;
        }

        return challenge.ExpiresAt == ExpiresAt;
    }

    private static (string Text, string What) Mutate(string original, Random random)
    {
        while (true)
        {
            var (text, what) = MutateOnce(original, random);
            if (!string.Equals(text, original, StringComparison.Ordinal))
            {
                return (text, what);
            }
        }
    }

    private static (string Text, string What) MutateOnce(string original, Random random)
    {
        var at = random.Next(original.Length);
        switch (random.Next(6))
        {
            case 0:
                {
                    // A byte of the sealed form changed and the text encoded again canonically: only the MAC can catch it.
                    var bytes = Base64Url.DecodeFromChars(original);
                    var position = random.Next(bytes.Length);
                    bytes[position] ^= (byte)(1 << random.Next(8));
                    return (Base64Url.EncodeToString(bytes), $"bit flip in byte {position}");
                }

            case 1:
                {
                    var chars = original.ToCharArray();
                    chars[at] = Base64UrlAlphabet[random.Next(Base64UrlAlphabet.Length)];
                    return (new string(chars), $"character {at} set to '{chars[at]}'");
                }

            case 2:
                return (original[..at], $"truncated to {at}");
            case 3:
                return (original + Base64UrlAlphabet[random.Next(Base64UrlAlphabet.Length)], "a character appended");
            case 4:
                return (original.Remove(at, 1).Insert(random.Next(original.Length - 1), original[at].ToString()), $"character {at} moved");
            default:
                {
                    // Another alphabet or padding, which a lenient decoder would take for the same bytes.
                    var other = original.Replace('-', '+').Replace('_', '/');
                    return random.Next(2) == 0 ? (other, "standard base64 alphabet") : (original + "=", "padding");
                }
        }
    }
}
