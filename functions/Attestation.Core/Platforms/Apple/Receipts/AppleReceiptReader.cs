using System.Formats.Asn1;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Text;
using Attestation.Core.Cryptography;

namespace Attestation.Core.Platforms.Apple.Receipts;

/// <summary>
/// Reads an App Attest receipt: a PKCS#7 SignedData (read with <see cref="SignedCms"/>, which takes the BER Apple writes,
/// indefinite lengths and a chunked content included) whose content is an ASN.1 SET of
/// <c>SEQUENCE { type INTEGER, version INTEGER, value OCTET STRING }</c>. Reading checks the shape only, never authenticity.
/// A shape problem is a <see cref="FormatException"/> whose message names the field and never quotes the input.
/// </summary>
internal static class AppleReceiptReader
{
    /// <summary>The longest receipt read. Apple's are about 4 KB; the bound only stops absurd input early.</summary>
    public const int MaxLength = 64 * 1024;

    private const int AppIdField = 2;
    private const int AttestedPublicKeyField = 3;
    private const int ClientHashField = 4;
    private const int TokenField = 5;
    private const int TypeField = 6;
    private const int CreationTimeField = 12;
    private const int RiskMetricField = 17;
    private const int NotBeforeField = 19;
    private const int ExpirationTimeField = 21;

    private static readonly string[] TimeFormats = ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mm:ssK"];

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The SignedData and the fields of its content.</summary>
    /// <exception cref="FormatException">The receipt does not have App Attest's shape.</exception>
    public static (SignedCms Cms, AppleReceipt Receipt) Read(byte[] receipt)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        if (receipt.Length == 0 || receipt.Length > MaxLength)
        {
            throw new FormatException($"The receipt is empty or longer than {MaxLength} bytes.");
        }

        var cms = new SignedCms();
        try
        {
            cms.Decode(receipt);
        }
        catch (CryptographicException)
        {
            throw new FormatException("The receipt is not a PKCS#7 SignedData.");
        }

        if (cms.ContentInfo.ContentType.Value != "1.2.840.113549.1.7.1" || cms.Detached)
        {
            throw new FormatException("The receipt's SignedData does not carry its payload as data.");
        }

        try
        {
            return (cms, ReadPayload(cms.ContentInfo.Content));
        }
        catch (AsnContentException)
        {
            throw new FormatException("The receipt's payload is not a SET of (type, version, value) fields.");
        }
    }

    private static AppleReceipt ReadPayload(byte[] payload)
    {
        var fields = new Dictionary<int, byte[]>();
        var reader = new AsnReader(payload, AsnEncodingRules.BER);

        // BER, not DER: DER would insist on a sorted SET OF, and Apple's fields come in type order, not encoding order.
        var set = reader.ReadSetOf(skipSortOrderValidation: true);
        reader.ThrowIfNotEmpty();
        while (set.HasData)
        {
            var field = set.ReadSequence();
            if (!field.TryReadInt32(out var type))
            {
                throw new FormatException("A receipt field's type is not a small integer.");
            }

            _ = field.ReadInteger();
            var value = field.ReadOctetString();
            field.ThrowIfNotEmpty();

            // Fields this code does not read (7, the environment, for one) are skipped; a repeated field is ambiguous.
            if (!fields.TryAdd(type, value))
            {
                throw new FormatException($"The receipt carries field {type} twice.");
            }
        }

        var attestedCertificate = Required(fields, AttestedPublicKeyField, "attested public key");
        byte[] attestedPublicKey;
        try
        {
            attestedPublicKey = DerCertificate.Read(attestedCertificate).SubjectPublicKeyInfo.ToArray();
        }
        catch (AsnContentException)
        {
            throw new FormatException($"The receipt's attested public key (field {AttestedPublicKeyField}) is not a DER X.509 certificate.");
        }

        return new AppleReceipt(
            ReadType(Required(fields, TypeField, "type")),
            Text(Required(fields, AppIdField, "app id"), AppIdField),
            attestedPublicKey,
            fields.GetValueOrDefault(ClientHashField) ?? [],
            fields.TryGetValue(TokenField, out var token) ? Text(token, TokenField) : string.Empty,
            Time(Required(fields, CreationTimeField, "creation time"), CreationTimeField),
            fields.TryGetValue(NotBeforeField, out var notBefore) ? Time(notBefore, NotBeforeField) : null,
            fields.TryGetValue(ExpirationTimeField, out var expiration) ? Time(expiration, ExpirationTimeField) : null,
            fields.TryGetValue(RiskMetricField, out var risk) ? RiskMetric(risk) : null);
    }

    private static byte[] Required(Dictionary<int, byte[]> fields, int type, string name) =>
        fields.TryGetValue(type, out var value) ? value : throw new FormatException($"The receipt has no {name} (field {type}).");

    private static AppleReceiptType ReadType(byte[] value) => Text(value, TypeField) switch
    {
        "ATTEST" => AppleReceiptType.Attest,
        "RECEIPT" => AppleReceiptType.Receipt,
        _ => throw new FormatException($"The receipt's type (field {TypeField}) is neither ATTEST nor RECEIPT."),
    };

    private static string Text(byte[] value, int type)
    {
        try
        {
            return StrictUtf8.GetString(value);
        }
        catch (DecoderFallbackException)
        {
            throw new FormatException($"The receipt's field {type} is not UTF-8 text.");
        }
    }

    // Apple writes instants as ISO 8601 text in UTC, with milliseconds ("2026-02-26T22:06:23.927Z").
    private static DateTimeOffset Time(byte[] value, int type) =>
        DateTimeOffset.TryParseExact(Text(value, type), TimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time.ToUniversalTime()
            : throw new FormatException($"The receipt's field {type} is not an ISO 8601 instant.");

    // The risk metric is a decimal count written as text.
    private static int RiskMetric(byte[] value) =>
        int.TryParse(Text(value, RiskMetricField), NumberStyles.None, CultureInfo.InvariantCulture, out var metric)
            ? metric
            : throw new FormatException($"The receipt's risk metric (field {RiskMetricField}) is not a decimal count.");
}
