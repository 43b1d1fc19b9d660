namespace Attestation.Core.Platforms.Android;

/// <summary>
/// Google's hardware attestation roots
/// (https://developer.android.com/privacy-and-security/security-key-attestation#root_certificate).
/// </summary>
/// <remarks>
/// Pinned by key so that root rotation keeps working: the RSA-4096 key was re-issued in certificates valid 2016-2026,
/// 2019-2034, 2021-2036 and 2022-2042, and the ECDSA P-384 "Key Attestation CA1" signs remotely provisioned chains since
/// February 2026. Such chains may also arrive without the root certificate. The software attestation root ("Android
/// Keystore Software Attestation Root") is never trusted: a key it vouches for lives in ordinary memory.
/// </remarks>
public static class GoogleHardwareAttestationRoots
{
    /// <summary>The RSA-4096 key shared by every re-issue of "serialNumber=f92009e853b6b045".</summary>
    public static AndroidAttestationRootKey Rsa { get; } = new(
        "google-rsa",
        Convert.FromBase64String(
            "MIICIjANBgkqhkiG9w0BAQEFAAOCAg8AMIICCgKCAgEAr7bHgiuxpwHsK7Qui8xUFmOr75gvMsd/dTEDDJdSSxtf6An7xyqpRR90PL2abxM1dEqlXnf2tqw1Ne4Xwl5jlRfdnJLmN0pTy/4lj4/7tv0Sk3iiKkypnEUtR6WfMgH0QZfKHM1+di+y9TFRtv6y//0rb+T+W8a9nsNL/ggjnar86461qO0rOs2cXjp3kOG1FEJ5MVmFmBGtnrKpa73XpXyTqRxB/M0n1n/W9nGqC4FSYa04T6N5RIZGBN2z2MT5IKGbFlbC8UrW0DxW7AYImQQcHtGl/m00QLVWutHQoVJYnFPlXTcHYvASLu+RhhsbDmxMgJJ0mcDpvsC4PjvB+TxywElgS70vE0XmLD+OJtvsBslHZvPBKCOdT0MS+tgSOIfga+z1Z1g7+DVagf7quvmag8jfPioyKvxnK/EgsTUVi2ghzq8wm27ud/mIM7AY2qEORR8Go3TVB4HzWQgpZrt3i5MIlCaY504LzSRiigHCzAPlHws+W0rB5N+er5/2pJKnfBSDiCiFAVtCLOZ7gLiMm0jhO2B6tUXHI/+MRPjy02i59lINMRRev56GKtcd9qO/0kUJWdZTdA2XoS82ixPvZtXQpUpuL12ab+9EaDK8Z4RHJYYfCT3Q5vNAXaiWQ+8PTWm2QgBR/bkwSWc+NpUFgNPN9PvQi8WEg5UmAGMCAwEAAQ=="));

    /// <summary>The ECDSA P-384 key of "CN=Key Attestation CA1, OU=Android, O=Google LLC, C=US".</summary>
    public static AndroidAttestationRootKey KeyAttestationCa1 { get; } = new(
        "google-ec-ca1",
        Convert.FromBase64String(
            "MHYwEAYHKoZIzj0CAQYFK4EEACIDYgAEI9ojcU7fPlsFCjxy6IRqzgeOoK0b+YsV9FPQywiyw8EQRTkJ9u3qwfnI4DGoSLlBqClTXJfgfCcZvs60FikNMHnu4fkRzObfgDkU2KNXezT9/RQ+XvNslxPHrHCowhGr"));

    /// <summary>Both pinned Google keys.</summary>
    public static IReadOnlyList<AndroidAttestationRootKey> All { get; } = [Rsa, KeyAttestationCa1];
}
