using System.Formats.Asn1;
using System.Numerics;
using System.Text;
using Attestation.Core.Errors;

namespace Attestation.Core.Platforms.Android;

/// <summary>
/// Reads the KeyDescription extension with <see cref="AsnReader"/> in strict DER, for every attestation version seen in real
/// chains (3, 4, 100, 200, 300, 400, 500). The schema is at
/// https://source.android.com/docs/security/features/keystore/attestation#schema.
/// </summary>
/// <remarks>
/// Strictness is deliberate: the extension is produced by the secure hardware and covered by the leaf signature, so bytes
/// that are not DER (tags out of order, a field given twice) mean a buggy or doctored encoder, and two parsers could read
/// them differently. One exception, <c>RootOfTrust.deviceLocked</c>, is read as a BER boolean (any non-zero byte is TRUE):
/// some firmware writes 0x01 there, as a real chain in Google's test data shows, and Google's parser accepts it (docs/quirks.md).
/// </remarks>
public static class KeyDescriptionReader
{
    // AuthorizationList tags this backend reads (Tag.* in the schema, without their type bits).
    private const int TagPurpose = 1;
    private const int TagCreationDateTime = 701;
    private const int TagOrigin = 702;
    private const int TagRootOfTrust = 704;
    private const int TagOsVersion = 705;
    private const int TagOsPatchLevel = 706;
    private const int TagAttestationApplicationId = 709;
    private const int TagVendorPatchLevel = 718;
    private const int TagBootPatchLevel = 719;

    private const int MaxPackages = 64;
    private const int MaxDigests = 16;
    private const int MaxPurposes = 16;

    /// <summary>Reads the extension value (the DER of <c>KeyDescription</c>).</summary>
    /// <exception cref="AttestationException"><c>attestation_invalid</c> when the bytes are not a well-formed KeyDescription.</exception>
    public static KeyDescription Read(ReadOnlyMemory<byte> extensionValue)
    {
        try
        {
            var outer = new AsnReader(extensionValue, AsnEncodingRules.DER);
            var sequence = outer.ReadSequence();
            outer.ThrowIfNotEmpty();

            var attestationVersion = ReadInt32(sequence);
            var attestationSecurityLevel = ReadSecurityLevel(sequence);
            var keyMintVersion = ReadInt32(sequence);
            var keyMintSecurityLevel = ReadSecurityLevel(sequence);
            var challenge = sequence.ReadOctetString();
            var uniqueId = sequence.ReadOctetString();
            var softwareEnforced = ReadAuthorizationList(sequence);
            var hardwareEnforced = ReadAuthorizationList(sequence);

            // Every version up to 500 ends here. Later versions may append fields (ASN.1 extensibility), which are skipped
            // after their encoding is checked; earlier ones must not carry anything more.
            if (attestationVersion <= 500)
            {
                sequence.ThrowIfNotEmpty();
            }
            else
            {
                while (sequence.HasData)
                {
                    sequence.ReadEncodedValue();
                }
            }

            return new KeyDescription(attestationVersion, attestationSecurityLevel, keyMintVersion, keyMintSecurityLevel, challenge, uniqueId, softwareEnforced, hardwareEnforced);
        }
        catch (AsnContentException e)
        {
            throw Invalid("is not valid DER", e);
        }
        catch (DecoderFallbackException e)
        {
            throw Invalid("names a package that is not UTF-8", e);
        }
    }

    private static AuthorizationList ReadAuthorizationList(AsnReader parent)
    {
        var list = parent.ReadSequence();
        RootOfTrust? rootOfTrust = null;
        long? osVersion = null, osPatchLevel = null, vendorPatchLevel = null, bootPatchLevel = null, created = null;
        AttestationApplicationId? applicationId = null;
        List<int>? purposes = null;
        long? origin = null;
        var previousTag = -1;

        while (list.HasData)
        {
            var tag = list.PeekTag();
            if (tag.TagClass != TagClass.ContextSpecific || !tag.IsConstructed)
            {
                throw Invalid("has an authorization list entry that is not an explicit context tag");
            }

            // The schema lists tags in ascending order and DER encodes a SEQUENCE in schema order: an entry out of order
            // or given twice is a malformed list (Google's parser refuses it too).
            if (tag.TagValue <= previousTag)
            {
                throw Invalid($"has authorization list tags out of ascending order ({tag.TagValue} after {previousTag})");
            }

            previousTag = tag.TagValue;
            var field = list.ReadSequence(tag);
            switch (tag.TagValue)
            {
                case TagPurpose:
                    purposes = ReadPurposes(field);
                    break;
                case TagCreationDateTime:
                    created = ReadInt64(field);
                    break;
                case TagOrigin:
                    origin = ReadInt64(field);
                    break;
                case TagRootOfTrust:
                    rootOfTrust = ReadRootOfTrust(field);
                    break;
                case TagOsVersion:
                    osVersion = ReadInt64(field);
                    break;
                case TagOsPatchLevel:
                    osPatchLevel = ReadInt64(field);
                    break;
                case TagAttestationApplicationId:
                    applicationId = ReadApplicationId(field.ReadOctetString());
                    break;
                case TagVendorPatchLevel:
                    vendorPatchLevel = ReadInt64(field);
                    break;
                case TagBootPatchLevel:
                    bootPatchLevel = ReadInt64(field);
                    break;
                default:
                    // Tags this backend does not use (purposes, algorithms, device ids, module hash, ...): checked for
                    // well-formed DER, not interpreted. New tags of later versions land here and do not break parsing.
                    field.ReadEncodedValue();
                    break;
            }

            field.ThrowIfNotEmpty();
        }

        return new AuthorizationList(rootOfTrust, osVersion, osPatchLevel, vendorPatchLevel, bootPatchLevel, created, applicationId, purposes, origin);
    }

    // purpose [1] EXPLICIT SET OF INTEGER. Order carries no meaning, and this set was skipped unread before: a device whose
    // keystore does not sort it as DER would is not refused for that.
    private static List<int> ReadPurposes(AsnReader field)
    {
        var set = field.ReadSetOf(skipSortOrderValidation: true);
        var purposes = new List<int>();
        while (set.HasData)
        {
            purposes.Add(ReadInt32(set));
            if (purposes.Count > MaxPurposes)
            {
                throw Invalid("lists too many key purposes");
            }
        }

        return purposes;
    }

    private static RootOfTrust ReadRootOfTrust(AsnReader field)
    {
        var sequence = field.ReadSequence();
        var verifiedBootKey = sequence.ReadOctetString();
        var deviceLocked = ReadBerBoolean(sequence);
        var state = ReadEnumerated(sequence);
        if (!Enum.IsDefined((VerifiedBootState)state))
        {
            throw Invalid($"has an unknown verified boot state {state}");
        }

        // verifiedBootHash exists from attestation version 3 on; version 2 chains end before it.
        var verifiedBootHash = sequence.HasData ? sequence.ReadOctetString() : null;
        sequence.ThrowIfNotEmpty();
        return new RootOfTrust(verifiedBootKey, deviceLocked, (VerifiedBootState)state, verifiedBootHash);
    }

    // RootOfTrust ::= SEQUENCE { verifiedBootKey OCTET STRING, deviceLocked BOOLEAN, ... } in the KeyDescription schema
    // (https://source.android.com/docs/security/features/keystore/attestation#schema). Some firmware encodes deviceLocked
    // TRUE as 0x01 (BER) rather than DER's 0xFF. The bytes are signed by the attestation key and can only mean TRUE, and
    // Google's parser reads them so (parseFrom_malformedRotDeviceLocked_successfullyParsed): refusing them would refuse a
    // genuine device with a firmware bug. The length and tag stay DER's, since the enclosing reader checks them.
    private static bool ReadBerBoolean(AsnReader sequence)
    {
        var encoded = sequence.ReadEncodedValue();
        var value = AsnDecoder.ReadBoolean(encoded.Span, AsnEncodingRules.BER, out var consumed);
        return consumed == encoded.Length ? value : throw Invalid("has a RootOfTrust boolean with trailing bytes");
    }

    private static AttestationApplicationId ReadApplicationId(byte[] encoded)
    {
        var outer = new AsnReader(encoded, AsnEncodingRules.DER);
        var sequence = outer.ReadSequence();
        outer.ThrowIfNotEmpty();

        // SET OF order carries no meaning here, and keystore does not promise to sort the elements as DER would: the
        // elements are checked one by one, the order is not.
        var packageSet = sequence.ReadSetOf(skipSortOrderValidation: true);
        var packages = new List<AttestationPackageInfo>();
        while (packageSet.HasData)
        {
            var info = packageSet.ReadSequence();
            var name = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(info.ReadOctetString());
            var version = ReadInt64(info);
            info.ThrowIfNotEmpty();
            packages.Add(new AttestationPackageInfo(name, version));
            if (packages.Count > MaxPackages)
            {
                throw Invalid("lists too many packages");
            }
        }

        var digestSet = sequence.ReadSetOf(skipSortOrderValidation: true);
        var digests = new List<byte[]>();
        while (digestSet.HasData)
        {
            digests.Add(digestSet.ReadOctetString());
            if (digests.Count > MaxDigests)
            {
                throw Invalid("lists too many signature digests");
            }
        }

        sequence.ThrowIfNotEmpty();
        return new AttestationApplicationId(packages, digests);
    }

    private static KeySecurityLevel ReadSecurityLevel(AsnReader reader)
    {
        var value = ReadEnumerated(reader);
        return Enum.IsDefined((KeySecurityLevel)value)
            ? (KeySecurityLevel)value
            : throw Invalid($"has an unknown security level {value}");
    }

    private static int ReadEnumerated(AsnReader reader)
    {
        var value = new BigInteger(reader.ReadEnumeratedBytes().Span, isUnsigned: false, isBigEndian: true);
        return value >= 0 && value <= 255 ? (int)value : throw Invalid("has an enumerated value out of range");
    }

    private static int ReadInt32(AsnReader reader) =>
        reader.TryReadInt32(out var value) ? value : throw Invalid("has an integer out of range");

    private static long ReadInt64(AsnReader reader) =>
        reader.TryReadInt64(out var value) ? value : throw Invalid("has an integer out of range");

    private static AttestationException Invalid(string what, Exception? inner = null)
    {
        var detail = $"The key attestation extension {what}.";
        return inner is null
            ? new AttestationException(AttestationErrorCode.AttestationInvalid, detail)
            : new AttestationException(AttestationErrorCode.AttestationInvalid, detail, inner);
    }
}
