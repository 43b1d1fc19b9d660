using System.Security.Cryptography.X509Certificates;
using Attestation.Core.Cryptography;

namespace Attestation.Core.Platforms.Apple;

/// <summary>
/// The Apple App Attestation Root CA, the one trust anchor of App Attest
/// (https://www.apple.com/certificateauthority/Apple_App_Attestation_Root_CA.pem, valid 2020-03-18 to 2045-03-15).
/// Embedded rather than downloaded, and pinned by its SHA-256 fingerprint so that an edit of the text is caught at load.
/// </summary>
public static class AppleAppAttestRootCertificate
{
    /// <summary>SHA-256 of the certificate's DER encoding, as Apple publishes it.</summary>
    public const string Sha256Fingerprint = "1CB9823BA28BA6AD2D33A006941DE2AE4F513EF1D4E831B9F7E0FA7B6242C932";

    private const string Pem = """
        -----BEGIN CERTIFICATE-----
        MIICITCCAaegAwIBAgIQC/O+DvHN0uD7jG5yH2IXmDAKBggqhkjOPQQDAzBSMSYw
        JAYDVQQDDB1BcHBsZSBBcHAgQXR0ZXN0YXRpb24gUm9vdCBDQTETMBEGA1UECgwK
        QXBwbGUgSW5jLjETMBEGA1UECAwKQ2FsaWZvcm5pYTAeFw0yMDAzMTgxODMyNTNa
        Fw00NTAzMTUwMDAwMDBaMFIxJjAkBgNVBAMMHUFwcGxlIEFwcCBBdHRlc3RhdGlv
        biBSb290IENBMRMwEQYDVQQKDApBcHBsZSBJbmMuMRMwEQYDVQQIDApDYWxpZm9y
        bmlhMHYwEAYHKoZIzj0CAQYFK4EEACIDYgAERTHhmLW07ATaFQIEVwTtT4dyctdh
        NbJhFs/Ii2FdCgAHGbpphY3+d8qjuDngIN3WVhQUBHAoMeQ/cLiP1sOUtgjqK9au
        Yen1mMEvRq9Sk3Jm5X8U62H+xTD3FE9TgS41o0IwQDAPBgNVHRMBAf8EBTADAQH/
        MB0GA1UdDgQWBBSskRBTM72+aEH/pwyp5frq5eWKoTAOBgNVHQ8BAf8EBAMCAQYw
        CgYIKoZIzj0EAwMDaAAwZQIwQgFGnByvsiVbpTKwSga0kP0e8EeDS4+sQmTvb7vn
        53O5+FRXgeLhpJ06ysC5PrOyAjEAp5U4xDgEgllF7En3VcE3iexZZtKeYnpqtijV
        oyFraWVIyd/dganmrduC1bmTBGwD
        -----END CERTIFICATE-----
        """;

    /// <summary>A new instance of the root certificate; the caller disposes it.</summary>
    /// <exception cref="InvalidOperationException">The embedded text no longer matches the pinned fingerprint.</exception>
    public static X509Certificate2 Load() => PinnedCertificate.Load(Pem, Sha256Fingerprint, "Apple App Attestation Root CA");
}
