using System.Text.Json;
using System.Text.Json.Serialization;
using Attestation.Core.Apps;
using Attestation.Core.Devices;

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
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? RiskMetricUpdatedAt)
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
        device.RiskMetricUpdatedAt is { } updated ? HttpOutcome.Rfc3339(updated) : null);
}

internal sealed record AdminDevicePageResponse(IReadOnlyList<AdminDeviceResponse> Devices, string? Continuation);

internal sealed record AdminDeviceRegistrationsResponse(string DeviceId, IReadOnlyList<AdminDeviceResponse> Registrations);

internal sealed record AdminDebugTokenResponse(string DebugToken, string Id);

internal static class AdminApps
{
    public static JsonElement ToJson(AppRecord app) => JsonSerializer.SerializeToElement(app.Configuration, AppPolicyJson.Options);
}
