using Attestation.Core.Errors;
using Attestation.Core.Platforms.Android;
using Attestation.TestSupport;

namespace Attestation.Core.Tests.Platforms.Android;

/// <summary>
/// The reader's own rules, on generated KeyDescriptions: strict DER, except RootOfTrust.deviceLocked read as a BER boolean
/// (docs/quirks.md). Real encodings are <see cref="AndroidVectorTests"/>'.
/// </summary>
public sealed class KeyDescriptionReaderTests
{
    [Fact]
    public void ADeviceLockedWrittenAsTheBerBoolean01IsReadAsTrue()
    {
        var description = KeyDescriptionReader.Read(new AndroidTestChain { DeviceLockedContent = 0x01 }.KeyDescription());

        Assert.True(description.RootOfTrust!.DeviceLocked);
    }

    [Theory]
    [InlineData(0x00, false)]
    [InlineData(0x02, true)]
    [InlineData(0x7f, true)]
    [InlineData(0xff, true)]
    public void ADeviceLockedIsTrueForAnyNonZeroContentByte(byte content, bool expected)
    {
        var description = KeyDescriptionReader.Read(new AndroidTestChain { DeviceLockedContent = content }.KeyDescription());

        Assert.Equal(expected, description.RootOfTrust!.DeviceLocked);
    }

    [Fact]
    public async Task AChainWhoseDeviceLockedIsTheBerBoolean01Verifies()
    {
        var (code, _) = await AndroidTestKit.VerifyAsync(new AndroidTestChain { DeviceLockedContent = 0x01 });

        Assert.Equal("ok", code);
    }

    [Theory]
    [InlineData(new byte[] { 0x01, 0x02, 0x00, 0x01 })]
    [InlineData(new byte[] { 0x01, 0x00 })]
    [InlineData(new byte[] { 0x02, 0x01, 0x01 })]
    public void ADeviceLockedThatIsNotOneBooleanByteIsStillRefused(byte[] encoding)
    {
        var error = Assert.Throws<AttestationException>(() => KeyDescriptionReader.Read(new AndroidTestChain { DeviceLockedEncoding = encoding }.KeyDescription()));

        Assert.Equal(AttestationErrorCode.AttestationInvalid, error.Code);
    }

    [Fact]
    public void PurposesAndOriginAreReadFromTheHardwareEnforcedList()
    {
        var description = KeyDescriptionReader.Read(new AndroidTestChain { Purposes = [2, 3], Origin = 2, KeyMintSecurityLevel = 2 }.KeyDescription());

        Assert.Equal([2, 3], description.Purposes);
        Assert.Equal(2, description.Origin);
        Assert.Equal(KeySecurityLevel.StrongBox, description.KeyMintSecurityLevel);
        Assert.Null(description.SoftwareEnforced.Purposes);
        Assert.Null(description.SoftwareEnforced.Origin);
    }
}
