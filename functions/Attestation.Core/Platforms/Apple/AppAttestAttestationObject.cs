namespace Attestation.Core.Platforms.Apple;

/// <summary>
/// The attestation object <c>attestKey</c> returns: a CBOR map <c>{fmt: "apple-appattest", attStmt: {x5c: [credCert,
/// intermediate, ...], receipt: bytes}, authData: bytes}</c> (Apple, "Validating apps that connect to your server",
/// https://developer.apple.com/documentation/devicecheck/validating-apps-that-connect-to-your-server).
/// Reading checks only the shape; <see cref="AppleAttestationVerifier"/> verifies the content.
/// </summary>
public sealed class AppAttestAttestationObject
{
    /// <summary>The only format App Attest uses.</summary>
    public const string AppleAppAttestFormat = "apple-appattest";

    private AppAttestAttestationObject(string format, IReadOnlyList<byte[]> certificates, byte[] receipt, byte[] authenticatorData)
    {
        Format = format;
        Certificates = certificates;
        Receipt = receipt;
        AuthenticatorData = authenticatorData;
    }

    /// <summary>The <c>fmt</c> field.</summary>
    public string Format { get; }

    /// <summary><c>attStmt.x5c</c>: the credential certificate first, then the intermediate(s), as DER.</summary>
    public IReadOnlyList<byte[]> Certificates { get; }

    /// <summary><c>attStmt.receipt</c>: Apple's signed receipt, kept for later fraud-risk checks. Apple always sends one.</summary>
    public byte[] Receipt { get; }

    /// <summary>The raw <c>authData</c>, exactly as received (the nonce covers these bytes).</summary>
    public byte[] AuthenticatorData { get; }

    /// <summary>Reads an attestation object.</summary>
    /// <exception cref="FormatException">It is not a CBOR map of this shape.</exception>
    public static AppAttestAttestationObject Read(ReadOnlyMemory<byte> encoded)
    {
        var map = AppAttestCbor.ReadMap(encoded, "attestation object");
        var format = AppAttestCbor.TextString(map, "fmt", "attestation object");
        if (!map.TryGetValue("attStmt", out var statementEncoded))
        {
            throw new FormatException("attestation object has no 'attStmt'.");
        }

        var statement = AppAttestCbor.ReadMap(statementEncoded, "attStmt");
        var certificates = AppAttestCbor.ByteStringArray(statement, "x5c", "attStmt");
        var receipt = AppAttestCbor.ByteString(statement, "receipt", "attStmt");
        var authenticatorData = AppAttestCbor.ByteString(map, "authData", "attestation object");
        return new AppAttestAttestationObject(format, certificates, receipt, authenticatorData);
    }
}
