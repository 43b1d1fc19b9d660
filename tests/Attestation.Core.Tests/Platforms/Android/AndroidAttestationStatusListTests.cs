using System.Security.Cryptography.X509Certificates;
using Attestation.Core.Platforms.Android;
using Attestation.TestSupport;

namespace Attestation.Core.Tests.Platforms.Android;

/// <summary>Google's status list: its shape, its serial keys, and the chains it refuses.</summary>
public sealed class AndroidAttestationStatusListTests
{
    private static readonly byte[] Sample = File.ReadAllBytes(AndroidVectors.StatusListSamplePath);

    [Fact]
    public async Task AChainWithASerialOnTheSampleStatusListIsRefused()
    {
        // The sample's SUSPENDED test entry, as the serial of the batch certificate.
        var chain = new AndroidTestChain { BatchSerial = Convert.FromHexString("00cc66e9a93713b6e643b26c15879786f7") };

        var (code, detail) = await AndroidTestKit.VerifyAsync(chain, statusList: AndroidAttestationStatusList.Parse(Sample));

        Assert.Equal("attestation_invalid", code);
        Assert.Contains("Certificate 1", detail, StringComparison.Ordinal);
        Assert.Contains("revoked", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARevokedEntryOfTheSampleIsMatchedAsHexadecimal()
    {
        var chain = new AndroidTestChain { BatchSerial = Convert.FromHexString("06681152659205225093") };

        Assert.Equal("attestation_invalid", (await AndroidTestKit.VerifyAsync(chain, statusList: AndroidAttestationStatusList.Parse(Sample))).Code);
    }

    [Fact]
    public async Task OnlyTheExactSerialMatchesNeverAPrefixOrTheLeafSerialOne()
    {
        // "1" is every other leaf's serial: a list entry "10" or "01" must not refuse them, and an entry "1" refuses only serial 1.
        var list = AndroidAttestationStatusList.Parse("""{"entries":{"10":{"status":"REVOKED"},"cc66e9a93713b6e643b26c15879786f":{"status":"REVOKED"}}}"""u8);
        var chain = new AndroidTestChain { BatchSerial = Convert.FromHexString("cc66e9a93713b6e643b26c15879786f7") };

        Assert.Equal("ok", (await AndroidTestKit.VerifyAsync(chain, statusList: list)).Code);
        Assert.False(list.Contains("1"));
        Assert.Equal("attestation_invalid", (await AndroidTestKit.VerifyAsync(chain, statusList: AndroidAttestationStatusList.Parse("""{"entries":{"1":{}}}"""u8))).Code);
    }

    [Fact]
    public void TheSerialKeyIsLowercaseHexWithoutLeadingZeros()
    {
        var chain = new AndroidTestChain { BatchSerial = Convert.FromHexString("000ABC") };
        using var batch = X509CertificateLoader.LoadCertificate(chain.Build()[1]);
        using var leaf = X509CertificateLoader.LoadCertificate(chain.Build()[0]);

        Assert.Equal("abc", AndroidAttestationStatusList.SerialKey(batch));
        Assert.Equal("1", AndroidAttestationStatusList.SerialKey(leaf));
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("{\"entries\": []}")]
    [InlineData("{\"entries\": {")]
    public void AListThatIsNotOfTheDocumentedShapeIsAFormatError(string json)
    {
        Assert.Throws<FormatException>(() => AndroidAttestationStatusList.Parse(System.Text.Encoding.UTF8.GetBytes(json)));
    }
}
