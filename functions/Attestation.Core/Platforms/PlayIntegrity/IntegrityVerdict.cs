using System.Globalization;
using System.Text.Json;
using Attestation.Core.Errors;

namespace Attestation.Core.Platforms.PlayIntegrity;

/// <summary>
/// A decoded Play Integrity verdict (the payload of a classic token, or <c>tokenPayloadExternal</c> of
/// <c>decodeIntegrityToken</c>), as https://developer.android.com/google/play/integrity/verdicts describes it. Only
/// <c>requestDetails</c> (package name and timestamp) and <c>appIntegrity.appRecognitionVerdict</c> are required: every other
/// field may be absent, as it is on older devices and for unevaluated requests.
/// </summary>
public sealed class IntegrityVerdict
{
    private IntegrityVerdict()
    {
    }

    /// <summary><c>requestDetails.requestPackageName</c>: the package that asked for the token.</summary>
    public string RequestPackageName { get; private init; } = "";

    /// <summary><c>requestDetails.nonce</c> (classic requests), or null.</summary>
    public string? Nonce { get; private init; }

    /// <summary><c>requestDetails.requestHash</c> (standard requests), or null.</summary>
    public string? RequestHash { get; private init; }

    /// <summary><c>requestDetails.timestampMillis</c>: when the token was requested.</summary>
    public DateTimeOffset Timestamp { get; private init; }

    /// <summary><c>appIntegrity.appRecognitionVerdict</c>: <c>PLAY_RECOGNIZED</c>, <c>UNRECOGNIZED_VERSION</c> or <c>UNEVALUATED</c>.</summary>
    public string AppRecognitionVerdict { get; private init; } = "";

    /// <summary><c>appIntegrity.packageName</c>, or null (absent when unevaluated).</summary>
    public string? AppPackageName { get; private init; }

    /// <summary><c>appIntegrity.certificateSha256Digest</c>: base64url SHA-256 digests of the app's signing certificates, as given.</summary>
    public IReadOnlyList<string> CertificateSha256Digests { get; private init; } = [];

    /// <summary><c>appIntegrity.versionCode</c>, or null.</summary>
    public string? VersionCode { get; private init; }

    /// <summary><c>deviceIntegrity.deviceRecognitionVerdict</c> labels (empty when the device met none).</summary>
    public IReadOnlyList<string> DeviceRecognitionVerdicts { get; private init; } = [];

    /// <summary>The strongest level among <see cref="DeviceRecognitionVerdicts"/>.</summary>
    public DeviceIntegrityLevel DeviceLevel =>
        DeviceRecognitionVerdicts.Select(DeviceIntegrityLevels.FromLabel).DefaultIfEmpty(DeviceIntegrityLevel.None).Max();

    /// <summary><c>accountDetails.appLicensingVerdict</c>, or null.</summary>
    public string? AppLicensingVerdict { get; private init; }

    /// <summary><c>environmentDetails.playProtectVerdict</c>, or null.</summary>
    public string? PlayProtectVerdict { get; private init; }

    /// <summary><c>environmentDetails.appAccessRiskVerdict.appsDetected</c> (empty when absent).</summary>
    public IReadOnlyList<string> AppsDetected { get; private init; } = [];

    /// <summary><c>deviceIntegrity.recentDeviceActivity.deviceActivityLevel</c>, or null.</summary>
    public string? DeviceActivityLevel { get; private init; }

    /// <summary><c>deviceIntegrity.deviceAttributes.sdkVersion</c> (a JSON number), or null.</summary>
    public int? SdkVersion { get; private init; }

    /// <summary>Reads a verdict from its JSON text.</summary>
    /// <exception cref="AttestationException"><c>attestation_invalid</c> when it is not JSON or lacks a required field.</exception>
    public static IntegrityVerdict Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            using var document = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 16 });
            return Parse(document.RootElement);
        }
        catch (JsonException)
        {
            throw Malformed("it is not JSON");
        }
    }

    /// <summary>Reads a verdict from a JSON object.</summary>
    /// <exception cref="AttestationException"><c>attestation_invalid</c> when a required field is missing or has the wrong type.</exception>
    public static IntegrityVerdict Parse(JsonElement verdict)
    {
        if (verdict.ValueKind != JsonValueKind.Object)
        {
            throw Malformed("it is not a JSON object");
        }

        var request = RequiredObject(verdict, "requestDetails");
        var app = RequiredObject(verdict, "appIntegrity");
        var device = OptionalObject(verdict, "deviceIntegrity");
        var account = OptionalObject(verdict, "accountDetails");
        var environment = OptionalObject(verdict, "environmentDetails");
        var accessRisk = environment is { } env ? OptionalObject(env, "appAccessRiskVerdict") : null;
        var activity = device is { } d1 ? OptionalObject(d1, "recentDeviceActivity") : null;
        var attributes = device is { } d2 ? OptionalObject(d2, "deviceAttributes") : null;

        return new IntegrityVerdict
        {
            RequestPackageName = OptionalString(request, "requestPackageName") ?? throw Malformed("requestDetails.requestPackageName is missing"),
            Nonce = OptionalString(request, "nonce"),
            RequestHash = OptionalString(request, "requestHash"),
            Timestamp = ReadTimestamp(request),
            AppRecognitionVerdict = OptionalString(app, "appRecognitionVerdict") ?? throw Malformed("appIntegrity.appRecognitionVerdict is missing"),
            AppPackageName = OptionalString(app, "packageName"),
            CertificateSha256Digests = OptionalStrings(app, "certificateSha256Digest"),
            VersionCode = OptionalNumberOrString(app, "versionCode"),
            DeviceRecognitionVerdicts = device is { } d3 ? OptionalStrings(d3, "deviceRecognitionVerdict") : [],
            AppLicensingVerdict = account is { } a ? OptionalString(a, "appLicensingVerdict") : null,
            PlayProtectVerdict = environment is { } e ? OptionalString(e, "playProtectVerdict") : null,
            AppsDetected = accessRisk is { } r ? OptionalStrings(r, "appsDetected") : [],
            DeviceActivityLevel = activity is { } act ? OptionalString(act, "deviceActivityLevel") : null,
            SdkVersion = attributes is { } attr && attr.TryGetProperty("sdkVersion", out var sdk) && sdk.ValueKind == JsonValueKind.Number && sdk.TryGetInt32(out var v) ? v : null,
        };
    }

    /// <summary>A short non-secret description for the device registration.</summary>
    public string Summarize() =>
        string.Join(' ', new[] { AppRecognitionVerdict, DeviceLevel.ToLabel(), AppLicensingVerdict ?? "licensing absent" });

    // docs/quirks.md: timestampMillis is a JSON string of digits. A number is read too: the value, not its quoting, matters.
    private static DateTimeOffset ReadTimestamp(JsonElement request)
    {
        var text = OptionalNumberOrString(request, "timestampMillis") ?? throw Malformed("requestDetails.timestampMillis is missing");
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var millis)
            || millis > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
        {
            throw Malformed("requestDetails.timestampMillis is not a time in milliseconds");
        }

        return DateTimeOffset.FromUnixTimeMilliseconds(millis);
    }

    private static JsonElement RequiredObject(JsonElement parent, string name) =>
        OptionalObject(parent, name) ?? throw Malformed($"{name} is missing");

    private static JsonElement? OptionalObject(JsonElement parent, string name)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Object ? value : throw Malformed($"{name} is not an object");
    }

    private static string? OptionalString(JsonElement parent, string name)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String ? Text(value, name) : throw Malformed($"{name} is not a string");
    }

    private static string? OptionalNumberOrString(JsonElement parent, string name)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => Text(value, name),
            JsonValueKind.Number => value.GetRawText(),
            _ => throw Malformed($"{name} is not a string"),
        };
    }

    private static IReadOnlyList<string> OptionalStrings(JsonElement parent, string name)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Malformed($"{name} is not a list");
        }

        return [.. value.EnumerateArray().Select(item => item.ValueKind == JsonValueKind.String ? Text(item, name) : throw Malformed($"{name} holds a non-string"))];
    }

    // Text that only fails when unescaped (a lone surrogate) is malformed evidence, not an exception.
    private static string Text(JsonElement value, string name)
    {
        try
        {
            return value.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw Malformed($"{name} is not valid text");
        }
    }

    private static AttestationException Malformed(string why) =>
        new(AttestationErrorCode.AttestationInvalid, $"The integrity verdict is malformed: {why}.");
}
