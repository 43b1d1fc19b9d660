using System.Security.Cryptography;
using Attestation.TestSupport;

namespace Attestation.Functions.Tests.Platforms;

/// <summary>
/// A backend with Entra ID (for the admin API) that trusts one generated TEST Android root, reads the sample status list,
/// and serves two more Android apps limited to <see cref="Limit"/> devices per batch certificate: one that refuses, one in
/// decoy mode.
/// </summary>
public sealed class KeyboxBackendFixture : EntraIdBackendFixture
{
    public const string LimitedApp = "com.contoso.keybox";
    public const string LimitedDecoyApp = "com.contoso.keybox-decoy";
    public const int Limit = 2;

    public ECDsa TestRootKey { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP384);

    protected override IEnumerable<string> MoreSettings =>
    [
        $"--Attestation:AndroidKey:TestOnlyTrustedRootPublicKeys:0={Convert.ToBase64String(TestRootKey.ExportSubjectPublicKeyInfo())}",
        $"--Attestation:AndroidKey:StatusListFile={AndroidVectors.StatusListSamplePath}",
        .. LimitedAppSettings(3, LimitedApp, "reject"),
        .. LimitedAppSettings(4, LimitedDecoyApp, "decoy"),
    ];

    private static string[] LimitedAppSettings(int index, string appId, string failureMode) =>
    [
        $"--Attestation:Apps:{index}:AppId={appId}",
        $"--Attestation:Apps:{index}:FailureMode={failureMode}",
        $"--Attestation:Apps:{index}:Platforms:0=android-key-attestation",
        $"--Attestation:Apps:{index}:AndroidKey:PackageName={RunningBackend.DemoApp}",
        $"--Attestation:Apps:{index}:AndroidKey:SigningCertificateDigests:0={Convert.ToHexStringLower(AndroidTestChain.DemoSigningDigest)}",
        $"--Attestation:Apps:{index}:AndroidKey:MaximumDevicesPerBatchCertificate={Limit}",
    ];
}
