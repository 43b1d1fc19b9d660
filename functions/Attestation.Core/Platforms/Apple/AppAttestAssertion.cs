namespace Attestation.Core.Platforms.Apple;

/// <summary>
/// An assertion <c>generateAssertion</c> returns: a CBOR map <c>{signature: bytes, authenticatorData: bytes}</c>
/// (Apple, "Validating apps that connect to your server", "Verify the assertion").
/// </summary>
public sealed class AppAttestAssertion
{
    private AppAttestAssertion(byte[] signature, byte[] authenticatorData)
    {
        Signature = signature;
        AuthenticatorData = authenticatorData;
    }

    /// <summary>ECDSA P-256 signature (DER) over SHA-256(authenticatorData ‖ clientDataHash), itself hashed with SHA-256.</summary>
    public byte[] Signature { get; }

    /// <summary>The raw authenticator data, exactly as received (the signature covers these bytes).</summary>
    public byte[] AuthenticatorData { get; }

    /// <summary>Reads an assertion.</summary>
    /// <exception cref="FormatException">It is not a CBOR map of this shape.</exception>
    public static AppAttestAssertion Read(ReadOnlyMemory<byte> encoded)
    {
        var map = AppAttestCbor.ReadMap(encoded, "assertion");
        return new AppAttestAssertion(
            AppAttestCbor.ByteString(map, "signature", "assertion"),
            AppAttestCbor.ByteString(map, "authenticatorData", "assertion"));
    }
}
