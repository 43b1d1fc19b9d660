using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Attestation.Cli;
using Attestation.Core.Platforms.Apple;
using Attestation.TestSupport;

namespace Attestation.Cli.Tests;

/// <summary><c>verify apple-receipt</c> (docs/cli.md) on the receipts inside the real App Attest vectors.</summary>
public sealed class AppleReceiptCommandTests
{
    public static TheoryData<string> AttestationFiles() => [.. AppleVectors.AttestationFiles()];

    [Theory]
    [MemberData(nameof(AttestationFiles))]
    public async Task EachRealReceiptIsValidForItsAppAndKeyWithItsFacts(string file)
    {
        var (vector, receipt) = Load(file);
        var spki = AppleVectors.SpkiFromPem(vector.Attestation!.PublicKeyPem);

        var (status, report) = await RunAsync(["--receipt", Convert.ToBase64String(receipt), "--app-id", vector.AppId, "--public-key", Convert.ToBase64String(spki)]);

        Assert.Equal(CliApplication.Valid, status);
        Assert.Equal("ok", report.GetProperty("code").GetString());
        var facts = report.GetProperty("facts");
        Assert.Equal("ATTEST", facts.GetProperty("type").GetString());
        Assert.Equal(vector.AppId, facts.GetProperty("appId").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(spki)), facts.GetProperty("publicKeySha256").GetString());
        Assert.Equal(JsonValueKind.Null, facts.GetProperty("riskMetric").ValueKind);
        Assert.Equal(JsonValueKind.Null, facts.GetProperty("notBefore").ValueKind);
        var created = DateTimeOffset.Parse(facts.GetProperty("creationTime").GetString()!, CultureInfo.InvariantCulture);
        var expires = DateTimeOffset.Parse(facts.GetProperty("expirationTime").GetString()!, CultureInfo.InvariantCulture);
        Assert.Equal(TimeSpan.FromDays(90), expires - created);
        Assert.Contains(created.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture), report.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AReceiptForAnotherAppIsAPolicyViolationWithItsFactsRead()
    {
        var (vector, receipt) = Load("apple-appattest-worldcoin-2026.json");

        var (status, report) = await RunAsync(["--receipt", Convert.ToBase64String(receipt), "--app-id", "0987654321.com.contoso.demo"]);

        Assert.Equal(CliApplication.Refused, status);
        Assert.Equal("policy_violation", report.GetProperty("code").GetString());
        Assert.Equal(vector.AppId, report.GetProperty("facts").GetProperty("appId").GetString());
    }

    [Fact]
    public async Task AReceiptForAnotherKeyIsAPolicyViolation()
    {
        var (vector, receipt) = Load("apple-appattest-veehaitch-ios-14.4.json");
        var pemFile = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(pemFile, AppleVectors.Load("apple-appattest-veehaitch-ios-14.2.json").Attestation!.PublicKeyPem);

            var (status, report) = await RunAsync(["--receipt", Convert.ToBase64String(receipt), "--app-id", vector.AppId, "--public-key", pemFile]);

            Assert.Equal(CliApplication.Refused, status);
            Assert.Equal("policy_violation", report.GetProperty("code").GetString());
            Assert.Contains("another attested key", report.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(pemFile);
        }
    }

    [Fact]
    public async Task AReceiptWithAFlippedByteIsAttestationInvalid()
    {
        var (vector, receipt) = Load("apple-appattest-uebelack-production.json");
        var flipped = (byte[])receipt.Clone();
        flipped[receipt.AsSpan().IndexOf("ATTEST"u8) + 1] ^= 0x01;

        var (status, report) = await RunAsync(["--receipt", Convert.ToBase64String(flipped), "--app-id", vector.AppId]);

        Assert.Equal(CliApplication.Refused, status);
        Assert.Equal("attestation_invalid", report.GetProperty("code").GetString());
    }

    [Fact]
    public async Task AtPinsTheInstantTheChainIsCheckedAt()
    {
        var (vector, receipt) = Load("apple-appattest-veehaitch-ios-14.2.json");

        var (status, report) = await RunAsync(["--receipt", Convert.ToBase64String(receipt), "--app-id", vector.AppId, "--at", "2014-01-01T00:00:00Z"]);

        Assert.Equal(CliApplication.Refused, status);
        Assert.Equal("attestation_invalid", report.GetProperty("code").GetString());
        Assert.Contains("2014-01-01T00:00:00Z", report.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMalformedReceiptIsAttestationInvalidWithNoFacts()
    {
        var (status, report) = await RunAsync(["--receipt", "MIAGCQ==", "--app-id", "ABCDE12345.com.contoso.demo"]);

        Assert.Equal(CliApplication.Refused, status);
        Assert.Equal("attestation_invalid", report.GetProperty("code").GetString());
        Assert.Empty(report.GetProperty("facts").EnumerateObject());
    }

    [Fact]
    public async Task RepeatVerifiesTheSameReceiptAndReportsItsSpeed()
    {
        var (vector, receipt) = Load("apple-appattest-worldcoin-2025.json");
        var stdout = new StringWriter();

        var status = await CliApplication.RunAsync(
            ["verify", "apple-receipt", "--receipt", Convert.ToBase64String(receipt), "--app-id", vector.AppId, "--repeat", "3"], stdout, new StringWriter(), TimeProvider.System);

        Assert.Equal(CliApplication.Valid, status);
        using var document = JsonDocument.Parse(stdout.ToString());
        Assert.Equal(3, document.RootElement.GetProperty("repeat").GetInt32());
        Assert.True(document.RootElement.GetProperty("opsPerSecond").GetDouble() > 0);
    }

    private static (AppleVector Vector, byte[] Receipt) Load(string file)
    {
        var vector = AppleVectors.Load(file);
        return (vector, AppAttestAttestationObject.Read(vector.Attestation!.AttestationObject).Receipt);
    }

    private static async Task<(int Status, JsonElement Report)> RunAsync(IReadOnlyList<string> options)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var status = await CliApplication.RunAsync(["verify", "apple-receipt", .. options], stdout, stderr, TimeProvider.System);

        Assert.Equal(string.Empty, stderr.ToString());
        using var document = JsonDocument.Parse(Assert.Single(stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.Equal(["valid", "code", "detail", "facts"], document.RootElement.EnumerateObject().Select(p => p.Name));
        return (status, document.RootElement.Clone());
    }
}
