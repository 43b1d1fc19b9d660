using System.Text.Json;
using Attestation.Core.Devices;
using Attestation.Core.Errors;
using Attestation.Core.Policies;

namespace Attestation.Core.Verification;

/// <summary>
/// Stands for a platform whose verifier is not built yet: every attestation is a <c>policy_violation</c> that says so.
/// Nothing is read from the evidence, so no unverified claim can reach a registration.
/// </summary>
public sealed class PlatformNotAvailableVerifier(string platform) : IEvidenceVerifier
{
    public string Platform { get; } = platform;

    public bool SupportsRefresh => false;

    public IEnumerable<string> ValidatePolicy(AppPolicy policy) => [];

    // The shape is still checked: a wrong type is a 400 (API.md) whatever the platform, and leaves the challenge unused.
    public IPlatformEvidence ReadEvidence(JsonElement evidence)
    {
        EvidenceJson.RequireObject(evidence, "evidence");
        return NoEvidence.Instance;
    }

    public Task<AttestationVerdict> VerifyAttestationAsync(AppPolicy policy, string challenge, IPlatformEvidence evidence, CancellationToken cancellationToken = default) =>
        throw NotAvailable();

    public IPlatformEvidence ReadProof(JsonElement proof)
    {
        EvidenceJson.RequireObject(proof, "proof");
        return NoEvidence.Instance;
    }

    public Task<RefreshVerdict> VerifyRefreshAsync(AppPolicy policy, DeviceRegistration registration, string challenge, IPlatformEvidence proof, CancellationToken cancellationToken = default) =>
        throw NotAvailable();

    private AttestationException NotAvailable() =>
        new(AttestationErrorCode.PolicyViolation, $"The platform '{Platform}' is not available yet in this backend.");

    private sealed class NoEvidence : IPlatformEvidence
    {
        public static readonly NoEvidence Instance = new();

        public string? ClaimedDeviceId => null;
    }
}
