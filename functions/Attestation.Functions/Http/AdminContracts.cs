using System.Text.Json;
using System.Text.Json.Serialization;
using Attestation.Core.Apps;
using Attestation.Core.Devices;
using Attestation.Core.Platforms;
using Attestation.Core.Platforms.Android;

namespace Attestation.Functions.Http;

// Response bodies of the admin API (README, "Admin API"). Apps travel in AppPolicyJson's form, the form they are stored in.

internal sealed record AdminAppListResponse(IReadOnlyList<JsonElement> Apps);

// riskMetric and riskMetricUpdatedAt are written even when null (unknown), so that every device answer has the same fields.
internal sealed record AdminDeviceResponse(
    string AppId,
    string DeviceId,
    string Platform,
    string Status,
    string FirstSeen,
    string LastSeen,
    string VerdictSummary,
    long Counter,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] long? RiskMetric,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? RiskMetricUpdatedAt,
    AdminAndroidKeyFacts? AndroidKey = null)
{
    public static AdminDeviceResponse From(DeviceRegistration device) => new(
        device.AppId,
        device.DeviceId,
        device.Platform,
        device.Status == DeviceStatus.Active ? "active" : "revoked",
        HttpOutcome.Rfc3339(device.FirstSeen),
        HttpOutcome.Rfc3339(device.LastSeen),
        device.VerdictSummary,
        device.Counter,
        device.RiskMetric,
        device.RiskMetricUpdatedAt is { } updated ? HttpOutcome.Rfc3339(updated) : null,
        device.Platform == PlatformNames.AndroidKeyAttestation
            ? new AdminAndroidKeyFacts(AndroidKeyRegisteredFacts.BatchCertificateSha256Of(device.AttestedFacts))
            : null);
}

/// <summary>
/// What an operator sees of an <c>android-key-attestation</c> device: its factory batch certificate (null for a remotely
/// provisioned chain, or a registration older than the count). Written with its null, unlike the answer's other optional members.
/// </summary>
internal sealed record AdminAndroidKeyFacts([property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? BatchCertificateSha256);

internal sealed record AdminBatchCertificateResponse(string Sha256, string Subject, long Devices, string FirstSeen, string LastSeen)
{
    public static AdminBatchCertificateResponse From(AndroidBatchCertificateRecord certificate) => new(
        certificate.Sha256,
        certificate.Subject,
        certificate.Devices,
        HttpOutcome.Rfc3339(certificate.FirstSeen),
        HttpOutcome.Rfc3339(certificate.LastSeen));
}

internal sealed record AdminBatchCertificatePageResponse(IReadOnlyList<AdminBatchCertificateResponse> BatchCertificates, string? Continuation);

internal sealed record AdminDevicePageResponse(IReadOnlyList<AdminDeviceResponse> Devices, string? Continuation);

internal sealed record AdminDeviceRegistrationsResponse(string DeviceId, IReadOnlyList<AdminDeviceResponse> Registrations);

internal sealed record AdminDebugTokenResponse(string DebugToken, string Id);

internal static class AdminApps
{
    public static JsonElement ToJson(AppRecord app) => JsonSerializer.SerializeToElement(app.Configuration, AppPolicyJson.Options);
}
