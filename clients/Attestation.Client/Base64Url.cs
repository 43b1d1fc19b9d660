namespace Attestation.Client;

internal static class Base64Url
{
    // docs/api.md: the backend reads standard base64 and base64url; base64url without padding is what it emits, so the client sends the same.
    public static string Encode(ReadOnlySpan<byte> bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
}
