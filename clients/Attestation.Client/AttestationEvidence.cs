using System.Text.Json.Nodes;

namespace Attestation.Client;

/// <summary>
/// What a provider produced for one challenge, in the shape docs/api.md gives per platform. Providers build it with the
/// factory for their platform, so that no provider writes the wire JSON itself.
/// </summary>
public sealed class AttestationEvidence
{
    private readonly JsonObject _fields;

    private AttestationEvidence(string platform, JsonObject fields)
    {
        Platform = platform;
        _fields = fields;
    }

    /// <summary>The wire name of the platform (<c>apple-app-attest</c>, <c>android-key-attestation</c>, <c>play-integrity</c>, <c>debug</c>).</summary>
    public string Platform { get; }

    /// <summary>App Attest: the key id and the attestation object of <c>attestKey</c> over <see cref="ChallengeBytes.ClientDataHash"/>.</summary>
    public static AttestationEvidence AppleAppAttest(ReadOnlySpan<byte> keyId, ReadOnlySpan<byte> attestationObject) =>
        new(Platforms.AppleAppAttest, new JsonObject { ["keyId"] = Base64Url.Encode(keyId), ["attestationObject"] = Base64Url.Encode(attestationObject) });

    /// <summary>Android key attestation: the certificate chain of a Keystore key whose attestation challenge was <see cref="ChallengeBytes.Utf8"/>, leaf first.</summary>
    /// <exception cref="ArgumentException">The chain is empty.</exception>
    public static AttestationEvidence AndroidKeyAttestation(IReadOnlyList<byte[]> certificateChain)
    {
        ArgumentNullException.ThrowIfNull(certificateChain);
        if (certificateChain.Count == 0)
        {
            throw new ArgumentException("The certificate chain holds at least the leaf.", nameof(certificateChain));
        }

        var chain = new JsonArray();
        foreach (var certificate in certificateChain)
        {
            chain.Add(Base64Url.Encode(certificate));
        }

        return new(Platforms.AndroidKeyAttestation, new JsonObject { ["certificateChain"] = chain });
    }

    /// <summary>
    /// Play Integrity: the integrity token, and optionally the SubjectPublicKeyInfo of a Keystore key whose hash the request
    /// hash carries (<see cref="ChallengeBytes.PlayIntegrityRequestHash"/>), so that the device can refresh by signature.
    /// </summary>
    public static AttestationEvidence PlayIntegrity(string integrityToken, byte[]? deviceKey = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(integrityToken);
        var fields = new JsonObject { ["integrityToken"] = integrityToken };
        if (deviceKey is not null)
        {
            fields["deviceKey"] = Base64Url.Encode(deviceKey);
        }

        return new(Platforms.PlayIntegrity, fields);
    }

    /// <summary>The debug platform: a debug token registered for the app (development and tests only).</summary>
    public static AttestationEvidence Debug(string debugToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(debugToken);
        return new(Platforms.Debug, new JsonObject { ["debugToken"] = debugToken });
    }

    internal JsonObject ToJson() => (JsonObject)_fields.DeepClone();

    // The fields hold secrets (a debug token) or whole attestation blobs, neither of which belongs in a log.
    public override string ToString() => $"AttestationEvidence {{ Platform = {Platform} }}";
}
