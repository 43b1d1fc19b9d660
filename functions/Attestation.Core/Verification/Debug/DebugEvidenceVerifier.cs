using System.Text.Json;
using Attestation.Core.Devices;
using Attestation.Core.Errors;
using Attestation.Core.Policies;
using Attestation.Core.Text;

namespace Attestation.Core.Verification.Debug;

/// <summary>
/// The <c>debug</c> platform for emulators and CI: the evidence is a debug token registered for the app (only its SHA-256 is
/// configured). The device id is base64url(SHA-256(debug token)), so one token is one device. The challenge is not bound
/// into anything, but the attestation service still requires and consumes it.
/// </summary>
public sealed class DebugEvidenceVerifier : IEvidenceVerifier
{
    private const int MaxDebugTokenLength = 512;

    public string Platform => Platforms.Debug;

    public bool SupportsRefresh => true;

    public IEnumerable<string> ValidatePolicy(AppPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (policy.DebugTokenHashes.Count == 0)
        {
            yield return "the debug platform is enabled but DebugTokenSha256 lists no debug token.";
        }
    }

    public IPlatformEvidence ReadEvidence(JsonElement evidence) => ReadDebugToken(evidence, "evidence");

    public IPlatformEvidence ReadProof(JsonElement proof) => ReadDebugToken(proof, "proof");

    public Task<AttestationVerdict> VerifyAttestationAsync(AppPolicy policy, string challenge, IPlatformEvidence evidence, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var debug = (DebugEvidence)evidence;
        if (!policy.IsRegisteredDebugToken(debug.DebugToken))
        {
            throw new AttestationException(AttestationErrorCode.AttestationInvalid, "The debug token is not registered for this app.");
        }

        return Task.FromResult(new AttestationVerdict(debug.ClaimedDeviceId, PublicKey: null, Counter: 0, VerdictSummary: "debug token", AllowsReattestation: true));
    }

    public Task<RefreshVerdict> VerifyRefreshAsync(AppPolicy policy, DeviceRegistration registration, string challenge, IPlatformEvidence proof, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(registration);
        var debug = (DebugEvidence)proof;

        // The token must still be registered (a token taken off the app's list stops refreshing too), and it must be the
        // token of this device: the device id is its hash.
        if (!policy.IsRegisteredDebugToken(debug.DebugToken) || !FixedTimeEquals(debug.ClaimedDeviceId, registration.DeviceId))
        {
            throw new AttestationException(AttestationErrorCode.ProofInvalid, "The debug token is not registered for this app and device.");
        }

        return Task.FromResult(new RefreshVerdict(registration.Counter));
    }

    private static bool FixedTimeEquals(string left, string right) =>
        System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.UTF8.GetBytes(left), System.Text.Encoding.UTF8.GetBytes(right));

    private static DebugEvidence ReadDebugToken(JsonElement element, string name) =>
        new(EvidenceJson.RequireString(element, name, "debugToken", MaxDebugTokenLength));

    private sealed class DebugEvidence(string debugToken) : IPlatformEvidence
    {
        public string DebugToken { get; } = debugToken;

        public string ClaimedDeviceId { get; } = Base64Flexible.Sha256Base64Url(debugToken);
    }
}
