using System.Text.Json;
using Attestation.Core.Apps;
using Attestation.Core.Devices;
using Attestation.Core.Errors;
using Attestation.Core.Platforms;

namespace Attestation.Core.Attestations;

/// <summary>
/// One platform as the shared attest and refresh flows see it: its name, its policy check, and its verifiers bound to their
/// own evidence and proof types, so that nothing in the flows knows a platform's JSON or casts a platform's types.
/// Each platform's folder builds its instance (its <c>Add…</c> registration); <see cref="PlatformCatalog"/> holds them.
/// </summary>
public sealed class AttestationPlatform
{
    private readonly Func<AppPolicy, IEnumerable<string>> _validate;
    private readonly Func<JsonElement, PendingAttestation> _readEvidence;
    private readonly Func<JsonElement, PendingRefresh>? _readProof;
    private readonly Func<DeviceRegistration, bool> _canRefresh;

    private AttestationPlatform(
        string name,
        Func<AppPolicy, IEnumerable<string>> validate,
        Func<JsonElement, PendingAttestation> readEvidence,
        Func<JsonElement, PendingRefresh>? readProof,
        Func<DeviceRegistration, bool> canRefresh)
    {
        Name = name;
        _validate = validate;
        _readEvidence = readEvidence;
        _readProof = readProof;
        _canRefresh = canRefresh;
    }

    /// <summary>The platform name of docs/api.md (<see cref="PlatformNames"/>).</summary>
    public string Name { get; }

    /// <summary>
    /// True when devices of this platform can refresh (docs/api.md, <c>POST /api/v1/token/refresh</c>), all of them or those
    /// that <see cref="CanRefresh"/> admits.
    /// </summary>
    public bool SupportsRefresh => _readProof is not null;

    /// <summary>A platform that attests but cannot refresh (its devices attest again).</summary>
    /// <param name="name">The platform name.</param>
    /// <param name="section">The platform's section of an app's policy, or null when the app has none.</param>
    /// <param name="validator">Checks that section.</param>
    /// <param name="attestation">Verifies attestations.</param>
    public static AttestationPlatform Create<TPolicy, TEvidence>(
        string name,
        Func<AppPolicy, TPolicy?> section,
        IPlatformPolicyValidator<TPolicy> validator,
        IAttestationVerifier<TPolicy, TEvidence> attestation)
        where TPolicy : class
        where TEvidence : IAttestationEvidence
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(validator);
        ArgumentNullException.ThrowIfNull(attestation);
        return new AttestationPlatform(name, policy => validator.Validate(section(policy)), ReadEvidence(name, section, attestation), readProof: null, canRefresh: _ => false);
    }

    /// <summary>A platform whose registered devices refresh by proving possession of their key.</summary>
    /// <param name="name">The platform name.</param>
    /// <param name="section">The platform's section of an app's policy, or null when the app has none.</param>
    /// <param name="validator">Checks that section.</param>
    /// <param name="attestation">Verifies attestations.</param>
    /// <param name="refresh">Verifies refresh proofs.</param>
    public static AttestationPlatform Create<TPolicy, TEvidence, TProof>(
        string name,
        Func<AppPolicy, TPolicy?> section,
        IPlatformPolicyValidator<TPolicy> validator,
        IAttestationVerifier<TPolicy, TEvidence> attestation,
        IRefreshVerifier<TPolicy, TProof> refresh)
        where TPolicy : class
        where TEvidence : IAttestationEvidence
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(validator);
        ArgumentNullException.ThrowIfNull(attestation);
        ArgumentNullException.ThrowIfNull(refresh);
        return new AttestationPlatform(
            name,
            policy => validator.Validate(section(policy)),
            ReadEvidence(name, section, attestation),
            proofElement =>
            {
                var proof = refresh.ReadProof(proofElement);
                return new PendingRefresh((policy, registration, challenge, cancellationToken) =>
                    refresh.VerifyAsync(SectionOf(name, section, policy), registration, challenge, proof, cancellationToken));
            },
            refresh.CanRefresh);
    }

    /// <summary>True when <paramref name="registration"/>, a device of this platform, can refresh (see <see cref="IRefreshVerifier{TPolicy, TProof}.CanRefresh"/>).</summary>
    public bool CanRefresh(DeviceRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        return _canRefresh(registration);
    }

    /// <summary>Every problem with the app's section for this platform; empty when it is usable.</summary>
    public IEnumerable<string> ValidatePolicy(AppPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return _validate(policy);
    }

    /// <summary>Reads the <c>evidence</c> object of an attest request.</summary>
    /// <exception cref="AttestationException"><c>invalid_request</c> when it does not have the platform's shape.</exception>
    public PendingAttestation ReadEvidence(JsonElement evidence) => _readEvidence(evidence);

    /// <summary>Reads the <c>proof</c> object of a refresh request.</summary>
    /// <exception cref="AttestationException">
    /// <c>refresh_unsupported</c> for a platform that cannot refresh; <c>invalid_request</c> when the proof does not have the
    /// platform's shape.
    /// </exception>
    public PendingRefresh ReadProof(JsonElement proof) => _readProof is { } read ? read(proof) : throw RefreshUnsupported();

    /// <summary>The refusal of a refresh for a device of this platform, when it cannot refresh.</summary>
    internal AttestationException RefreshUnsupported() =>
        new(AttestationErrorCode.RefreshUnsupported, $"Devices attested with '{Name}' cannot refresh; attest again.");

    private static Func<JsonElement, PendingAttestation> ReadEvidence<TPolicy, TEvidence>(
        string name, Func<AppPolicy, TPolicy?> section, IAttestationVerifier<TPolicy, TEvidence> attestation)
        where TPolicy : class
        where TEvidence : IAttestationEvidence =>
        element =>
        {
            var evidence = attestation.ReadEvidence(element);
            return new PendingAttestation(evidence.ClaimedDeviceId, (policy, challenge, cancellationToken) =>
                attestation.VerifyAsync(SectionOf(name, section, policy), challenge, evidence, cancellationToken));
        };

    // Policy validation admits no app that enables a platform without its section; should one slip through, the platform
    // refuses rather than verifying against nothing.
    private static TPolicy SectionOf<TPolicy>(string name, Func<AppPolicy, TPolicy?> section, AppPolicy policy)
        where TPolicy : class =>
        section(policy) ?? throw new AttestationException(AttestationErrorCode.PolicyViolation, $"The app has no policy section for '{name}'.");
}
