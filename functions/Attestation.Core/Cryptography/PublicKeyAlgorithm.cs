namespace Attestation.Core.Cryptography;

/// <summary>The kinds of public key the verifiers accept, by the algorithm of their SubjectPublicKeyInfo.</summary>
public enum PublicKeyAlgorithm
{
    /// <summary><c>id-ecPublicKey</c> (1.2.840.10045.2.1): ECDSA signatures, DER encoded.</summary>
    Ecdsa,

    /// <summary><c>rsaEncryption</c> (1.2.840.113549.1.1.1): RSA PKCS#1 v1.5 signatures.</summary>
    Rsa,
}
