using System.Text.Json.Nodes;

namespace Attestation.Client;

/// <summary>What a provider produced to refresh a registered device over one challenge (docs/api.md, refresh proofs).</summary>
public sealed class RefreshProof
{
    private readonly JsonObject _fields;

    private RefreshProof(JsonObject fields) => _fields = fields;

    /// <summary>App Attest: an assertion (<c>generateAssertion</c>) over <see cref="ChallengeBytes.ClientDataHash"/>.</summary>
    public static RefreshProof AppleAssertion(ReadOnlySpan<byte> assertion) =>
        new(new JsonObject { ["assertion"] = Base64Url.Encode(assertion) });

    /// <summary>
    /// Android key attestation, and Play Integrity with a device key: a SHA-256 signature (ECDSA DER, or RSA PKCS#1 v1.5)
    /// over <see cref="ChallengeBytes.Utf8"/> by the attested key.
    /// </summary>
    public static RefreshProof Signature(ReadOnlySpan<byte> signature) =>
        new(new JsonObject { ["signature"] = Base64Url.Encode(signature) });

    /// <summary>The debug platform: the debug token that attested.</summary>
    public static RefreshProof Debug(string debugToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(debugToken);
        return new(new JsonObject { ["debugToken"] = debugToken });
    }

    internal JsonObject ToJson() => (JsonObject)_fields.DeepClone();

    public override string ToString() => "RefreshProof";
}
