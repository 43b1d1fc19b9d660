using System.Text.Json;
using System.Text.Json.Serialization;
using Attestation.Core.Errors;

namespace Attestation.Core.Platforms.PlayIntegrity;

/// <summary>
/// What a verified Play Integrity verdict showed about the app and the device, the part of it that an app's policy rules on
/// (<see cref="IntegrityVerdictRequirements.CheckApp"/>). A device that attested with a <c>deviceKey</c> keeps these with
/// its registration, so that every refresh applies the app's current policy to them again without asking Google: a
/// stricter policy (another signing certificate, a higher device level) stops the device's refreshes. What binds a
/// verdict to one request (nonce, request hash, timestamp) is checked once, at the attestation, and not kept.
/// </summary>
/// <param name="RequestPackageName"><c>requestDetails.requestPackageName</c>.</param>
/// <param name="AppPackageName"><c>appIntegrity.packageName</c>, or null.</param>
/// <param name="CertificateSha256Digests"><c>appIntegrity.certificateSha256Digest</c>, as given.</param>
/// <param name="AppRecognitionVerdict"><c>appIntegrity.appRecognitionVerdict</c>.</param>
/// <param name="DeviceRecognitionVerdicts"><c>deviceIntegrity.deviceRecognitionVerdict</c> labels.</param>
/// <param name="AppLicensingVerdict"><c>accountDetails.appLicensingVerdict</c>, or null.</param>
public sealed record PlayIntegrityRegisteredFacts(
    string RequestPackageName,
    string? AppPackageName,
    IReadOnlyList<string> CertificateSha256Digests,
    string AppRecognitionVerdict,
    IReadOnlyList<string> DeviceRecognitionVerdicts,
    string? AppLicensingVerdict)
{
    // The stored form is this platform's alone: the flows and the store carry it as opaque text.
    private static readonly JsonSerializerOptions Format = new(JsonSerializerDefaults.Web)
    {
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        MaxDepth = 3,
    };

    /// <summary>The strongest level among <see cref="DeviceRecognitionVerdicts"/>.</summary>
    [JsonIgnore]
    public DeviceIntegrityLevel DeviceLevel =>
        DeviceRecognitionVerdicts.Select(DeviceIntegrityLevels.FromLabel).DefaultIfEmpty(DeviceIntegrityLevel.None).Max();

    /// <summary>The facts of <paramref name="verdict"/>.</summary>
    public static PlayIntegrityRegisteredFacts Of(IntegrityVerdict verdict)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        return new PlayIntegrityRegisteredFacts(
            verdict.RequestPackageName,
            verdict.AppPackageName,
            verdict.CertificateSha256Digests,
            verdict.AppRecognitionVerdict,
            verdict.DeviceRecognitionVerdicts,
            verdict.AppLicensingVerdict);
    }

    /// <summary>The stored form.</summary>
    public string ToText() => JsonSerializer.Serialize(this, Format);

    /// <summary>Reads the stored form; null when there is none.</summary>
    /// <exception cref="AttestationException">
    /// <c>attestation_required</c> when the text cannot be read: what cannot be re-checked is attested again, never trusted.
    /// </exception>
    public static PlayIntegrityRegisteredFacts? FromText(string? text)
    {
        if (text is null)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<PlayIntegrityRegisteredFacts>(text, Format)
                ?? throw new JsonException("The facts are null.");
        }
        catch (JsonException)
        {
            throw new AttestationException(AttestationErrorCode.AttestationRequired, "What this device attested cannot be re-checked; attest again.");
        }
    }
}
