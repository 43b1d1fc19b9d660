using System.Text.Json;
using Attestation.Core.Text;

namespace Attestation.Core.Platforms.Debug;

/// <summary>
/// <c>{"debugToken": "…"}</c>, the evidence of an attest request and the proof of a refresh alike (docs/api.md). The device
/// id is base64url(SHA-256(debug token)), so one token is one device.
/// </summary>
public sealed class DebugTokenEvidence : IAttestationEvidence
{
    private const int MaxDebugTokenLength = 512;

    private DebugTokenEvidence(string debugToken)
    {
        DebugToken = debugToken;
        ClaimedDeviceId = Base64Flexible.Sha256Base64Url(debugToken);
    }

    public string DebugToken { get; }

    /// <summary>The device id this token stands for (never null: a debug token always names its device).</summary>
    public string ClaimedDeviceId { get; }

    /// <summary>Reads the <c>debugToken</c> field of <paramref name="element"/>, the object named <paramref name="name"/>.</summary>
    /// <exception cref="Errors.AttestationException"><c>invalid_request</c> when it is missing or not 1 to 512 characters.</exception>
    public static DebugTokenEvidence Read(JsonElement element, string name) =>
        new(EvidenceJson.RequireString(element, name, "debugToken", MaxDebugTokenLength));
}
