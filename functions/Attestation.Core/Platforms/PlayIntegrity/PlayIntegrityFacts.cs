namespace Attestation.Core.Platforms.PlayIntegrity;

/// <summary>
/// What the offline tool reports of a verdict it decrypted and verified (<c>facts</c> of docs/cli.md), whether or not the verdict
/// then meets the requirements: its fields as Google gave them. An optional field the verdict lacks is null, or an empty list.
/// </summary>
public sealed record PlayIntegrityFacts
{
    private PlayIntegrityFacts(IntegrityVerdict verdict)
    {
        RequestPackageName = verdict.RequestPackageName;
        Nonce = verdict.Nonce;
        RequestHash = verdict.RequestHash;
        Timestamp = verdict.Timestamp;
        AppRecognitionVerdict = verdict.AppRecognitionVerdict;
        AppPackageName = verdict.AppPackageName;
        CertificateSha256Digests = verdict.CertificateSha256Digests;
        VersionCode = verdict.VersionCode;
        DeviceRecognitionVerdicts = verdict.DeviceRecognitionVerdicts;
        AppLicensingVerdict = verdict.AppLicensingVerdict;
        PlayProtectVerdict = verdict.PlayProtectVerdict;
        AppsDetected = verdict.AppsDetected;
        DeviceActivityLevel = verdict.DeviceActivityLevel;
        SdkVersion = verdict.SdkVersion;
    }

    /// <summary><c>requestDetails.requestPackageName</c>.</summary>
    public string RequestPackageName { get; }

    /// <summary><c>requestDetails.nonce</c> (classic requests), or null.</summary>
    public string? Nonce { get; }

    /// <summary><c>requestDetails.requestHash</c> (standard requests), or null.</summary>
    public string? RequestHash { get; }

    /// <summary><c>requestDetails.timestampMillis</c>, to the millisecond.</summary>
    public DateTimeOffset Timestamp { get; }

    /// <summary><c>appIntegrity.appRecognitionVerdict</c>.</summary>
    public string AppRecognitionVerdict { get; }

    /// <summary><c>appIntegrity.packageName</c>, or null.</summary>
    public string? AppPackageName { get; }

    /// <summary><c>appIntegrity.certificateSha256Digest</c>, as given (base64url).</summary>
    public IReadOnlyList<string> CertificateSha256Digests { get; }

    /// <summary><c>appIntegrity.versionCode</c>, or null.</summary>
    public string? VersionCode { get; }

    /// <summary><c>deviceIntegrity.deviceRecognitionVerdict</c> labels.</summary>
    public IReadOnlyList<string> DeviceRecognitionVerdicts { get; }

    /// <summary><c>accountDetails.appLicensingVerdict</c>, or null.</summary>
    public string? AppLicensingVerdict { get; }

    /// <summary><c>environmentDetails.playProtectVerdict</c>, or null.</summary>
    public string? PlayProtectVerdict { get; }

    /// <summary><c>environmentDetails.appAccessRiskVerdict.appsDetected</c>.</summary>
    public IReadOnlyList<string> AppsDetected { get; }

    /// <summary><c>deviceIntegrity.recentDeviceActivity.deviceActivityLevel</c>, or null.</summary>
    public string? DeviceActivityLevel { get; }

    /// <summary><c>deviceIntegrity.deviceAttributes.sdkVersion</c>, or null.</summary>
    public int? SdkVersion { get; }

    /// <summary>The facts of <paramref name="verdict"/>.</summary>
    public static PlayIntegrityFacts Of(IntegrityVerdict verdict)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        return new PlayIntegrityFacts(verdict);
    }
}
