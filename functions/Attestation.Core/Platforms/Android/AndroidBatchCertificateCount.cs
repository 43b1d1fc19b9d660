namespace Attestation.Core.Platforms.Android;

/// <summary>Where one attested key stands among the keys counted under its batch certificate.</summary>
/// <param name="Ordinal">The key was the <c>Ordinal</c>-th distinct key counted under the certificate (1 for the first); fixed once counted.</param>
/// <param name="Devices">The distinct keys counted under the certificate so far, this one included.</param>
public sealed record AndroidBatchCertificateCount(long Ordinal, long Devices);
