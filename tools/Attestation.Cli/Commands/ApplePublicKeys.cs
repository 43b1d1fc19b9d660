using System.Security.Cryptography;
using Attestation.Core.Text;

namespace Attestation.Cli.Commands;

/// <summary>The <c>--public-key PEM_FILE_OR_B64_SPKI</c> option of the App Attest commands.</summary>
internal static class ApplePublicKeys
{
    /// <summary>docs/cli.md: a PEM file, or base64 SubjectPublicKeyInfo DER (what <c>verify apple-app-attest</c> prints as publicKey).</summary>
    public static byte[] Read(string value)
    {
        if (File.Exists(value))
        {
            var pem = CliArguments.ReadFile("--public-key", value);
            using var key = ECDsa.Create();
            try
            {
                key.ImportFromPem(pem);
                return key.ExportSubjectPublicKeyInfo();
            }
            catch (Exception e) when (e is ArgumentException or CryptographicException)
            {
                throw new CliUsageException($"--public-key: '{value}' holds no PEM EC public key.");
            }
        }

        return Base64Flexible.TryDecode(value, out var spki)
            ? spki
            : throw new CliUsageException("--public-key is neither a readable PEM file nor base64 SubjectPublicKeyInfo.");
    }
}
