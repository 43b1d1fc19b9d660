using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Serialization;
using Attestation.Core.Errors;

namespace Attestation.Core.Platforms.Android;

/// <summary>
/// What a verified Android key attestation showed that the app's policy and Google's status list apply to, kept with the
/// registration so that every refresh applies the app's current policy and the current list to it again (issue 16,
/// finding 3): a chain Google lists after the attestation, or a stricter policy, stops the device's refreshes.
/// </summary>
/// <param name="ChainSerials">The status list's key (<see cref="AndroidAttestationStatusList.SerialKey"/>) of every certificate of the chain, leaf first.</param>
/// <param name="SecurityLevel">Where the key lives (attestation and KeyMint security levels are equal once verified).</param>
/// <param name="VerifiedBootState">The hardware-enforced root of trust's boot state, or null without one.</param>
/// <param name="DeviceLocked">The hardware-enforced root of trust's bootloader lock, or null without one.</param>
/// <param name="OsPatchLevel">The hardware-enforced OS patch level (<c>YYYYMM</c>), or null.</param>
/// <param name="PackageNames">The packages of the app that created the key; empty without an application id.</param>
/// <param name="SignatureDigests">The SHA-256 digests of that app's signing certificates; empty without an application id.</param>
/// <param name="BatchCertificateSha256">
/// The factory batch certificate's SHA-256 (<see cref="AndroidBatchCertificate"/>), for operators; null for a remotely
/// provisioned chain and for registrations stored before it was kept.
/// </param>
public sealed record AndroidKeyRegisteredFacts(
    IReadOnlyList<string> ChainSerials,
    KeySecurityLevel SecurityLevel,
    VerifiedBootState? VerifiedBootState,
    bool? DeviceLocked,
    long? OsPatchLevel,
    IReadOnlyList<string> PackageNames,
    IReadOnlyList<byte[]> SignatureDigests,
    string? BatchCertificateSha256 = null)
{
    // The stored form is this platform's alone: the flows and the store carry it as opaque text.
    private static readonly JsonSerializerOptions Format = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        MaxDepth = 4,
    };

    /// <summary>The facts of a verified <paramref name="description"/> and its chain.</summary>
    public static AndroidKeyRegisteredFacts Of(KeyDescription description, IReadOnlyList<X509Certificate2> chain, AndroidBatchCertificate? batchCertificate = null)
    {
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(chain);
        var application = description.ApplicationId;
        return new AndroidKeyRegisteredFacts(
            [.. chain.Select(AndroidAttestationStatusList.SerialKey)],
            description.AttestationSecurityLevel,
            description.RootOfTrust?.VerifiedBootState,
            description.RootOfTrust?.DeviceLocked,
            description.OsPatchLevel,
            [.. application?.Packages.Select(p => p.Name) ?? []],
            [.. application?.SignatureDigests ?? []],
            batchCertificate?.Sha256);
    }

    /// <summary>
    /// The batch certificate's SHA-256 named by stored facts, for the admin API; null when there is none or the text cannot
    /// be read (an operator's view does not fail on one bad row).
    /// </summary>
    public static string? BatchCertificateSha256Of(string? text)
    {
        try
        {
            return FromText(text)?.BatchCertificateSha256;
        }
        catch (AttestationException)
        {
            return null;
        }
    }

    /// <summary>The stored form.</summary>
    public string ToText() => JsonSerializer.Serialize(this, Format);

    /// <summary>
    /// Reads the stored form; null for a registration that has none (written before the facts were stored, see docs/api.md).
    /// </summary>
    /// <exception cref="AttestationException">
    /// <c>attestation_required</c> when the text cannot be read: what cannot be re-checked is attested again, never trusted.
    /// </exception>
    public static AndroidKeyRegisteredFacts? FromText(string? text)
    {
        if (text is null)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<AndroidKeyRegisteredFacts>(text, Format)
                ?? throw new JsonException("The facts are null.");
        }
        catch (JsonException)
        {
            throw new AttestationException(AttestationErrorCode.AttestationRequired, "What this device attested cannot be re-checked; attest again.");
        }
    }
}
