using System.Security.Cryptography.X509Certificates;
using Attestation.Core.Cryptography;

namespace Attestation.Core.Platforms.Apple.Receipts;

/// <summary>
/// Apple Root CA - G3 (https://www.apple.com/certificateauthority/AppleRootCA-G3.cer, valid 2014-04-30 to 2039-04-30), the
/// trust anchor of App Attest receipts, which Apple signs through "Apple Application Integration CA 5 - G1". Embedded and
/// pinned by its SHA-256 fingerprint, as <see cref="AppleAppAttestRootCertificate"/> is for attestations.
/// </summary>
public static class AppleRootCaG3Certificate
{
    /// <summary>SHA-256 of the certificate's DER encoding, as Apple publishes it.</summary>
    public const string Sha256Fingerprint = "63343ABFB89A6A03EBB57E9B3F5FA7BE7C4F5C756F3017B3A8C488C3653E9179";

    private const string Pem = """
        -----BEGIN CERTIFICATE-----
        MIICQzCCAcmgAwIBAgIILcX8iNLFS5UwCgYIKoZIzj0EAwMwZzEbMBkGA1UEAwwS
        QXBwbGUgUm9vdCBDQSAtIEczMSYwJAYDVQQLDB1BcHBsZSBDZXJ0aWZpY2F0aW9u
        IEF1dGhvcml0eTETMBEGA1UECgwKQXBwbGUgSW5jLjELMAkGA1UEBhMCVVMwHhcN
        MTQwNDMwMTgxOTA2WhcNMzkwNDMwMTgxOTA2WjBnMRswGQYDVQQDDBJBcHBsZSBS
        b290IENBIC0gRzMxJjAkBgNVBAsMHUFwcGxlIENlcnRpZmljYXRpb24gQXV0aG9y
        aXR5MRMwEQYDVQQKDApBcHBsZSBJbmMuMQswCQYDVQQGEwJVUzB2MBAGByqGSM49
        AgEGBSuBBAAiA2IABJjpLz1AcqTtkyJygRMc3RCV8cWjTnHcFBbZDuWmBSp3ZHtf
        TjjTuxxEtX/1H7YyYl3J6YRbTzBPEVoA/VhYDKX1DyxNB0cTddqXl5dvMVztK517
        IDvYuVTZXpmkOlEKMaNCMEAwHQYDVR0OBBYEFLuw3qFYM4iapIqZ3r6966/ayySr
        MA8GA1UdEwEB/wQFMAMBAf8wDgYDVR0PAQH/BAQDAgEGMAoGCCqGSM49BAMDA2gA
        MGUCMQCD6cHEFl4aXTQY2e3v9GwOAEZLuN+yRhHFD/3meoyhpmvOwgPUnPWTxnS4
        at+qIxUCMG1mihDK1A3UT82NQz60imOlM27jbdoXt2QfyFMm+YhidDkLF1vLUagM
        6BgD56KyKA==
        -----END CERTIFICATE-----
        """;

    /// <summary>A new instance of the root certificate; the caller disposes it.</summary>
    /// <exception cref="InvalidOperationException">The embedded text no longer matches the pinned fingerprint.</exception>
    public static X509Certificate2 Load() => PinnedCertificate.Load(Pem, Sha256Fingerprint, "Apple Root CA - G3");
}
