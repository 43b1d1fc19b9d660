namespace Attestation.Core.Platforms.Android;

/// <summary>What is known of one batch certificate, for operators.</summary>
/// <param name="Sha256">Lowercase hex SHA-256 of the certificate.</param>
/// <param name="Subject">Its subject, escaped and cut (<see cref="AndroidBatchCertificate"/>).</param>
/// <param name="Devices">The distinct attested keys counted under it.</param>
/// <param name="FirstSeen">When its first key was counted.</param>
/// <param name="LastSeen">When its latest distinct key was counted.</param>
public sealed record AndroidBatchCertificateRecord(string Sha256, string Subject, long Devices, DateTimeOffset FirstSeen, DateTimeOffset LastSeen);

/// <summary>A page of batch certificates, and the continuation of the next page (null at the end).</summary>
public sealed record AndroidBatchCertificatePage(IReadOnlyList<AndroidBatchCertificateRecord> Certificates, string? Continuation);
