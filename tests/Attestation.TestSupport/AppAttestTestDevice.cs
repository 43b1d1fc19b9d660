using System.Buffers.Binary;
using System.Formats.Asn1;
using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Attestation.TestSupport;

/// <summary>A device key as the Secure Enclave would hold it: P-256, key id = SHA-256 of its uncompressed point.</summary>
public sealed class AppAttestTestDevice : IDisposable
{
    public ECDsa Key { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public byte[] Point
    {
        get
        {
            var parameters = Key.ExportParameters(false);
            return [0x04, .. parameters.Q.X!, .. parameters.Q.Y!];
        }
    }

    public byte[] KeyId => SHA256.HashData(Point);

    public byte[] SubjectPublicKeyInfo => Key.ExportSubjectPublicKeyInfo();

    /// <summary>The key as the COSE_Key (EC2, ES256, P-256) that follows the credential id in authData.</summary>
    public byte[] CoseKey()
    {
        var parameters = Key.ExportParameters(false);
        var writer = new CborWriter(CborConformanceMode.Lax);
        writer.WriteStartMap(5);
        writer.WriteInt32(1);
        writer.WriteInt32(2);
        writer.WriteInt32(3);
        writer.WriteInt32(-7);
        writer.WriteInt32(-1);
        writer.WriteInt32(1);
        writer.WriteInt32(-2);
        writer.WriteByteString(parameters.Q.X!);
        writer.WriteInt32(-3);
        writer.WriteByteString(parameters.Q.Y!);
        writer.WriteEndMap();
        return writer.Encode();
    }

    public void Dispose() => Key.Dispose();
}
