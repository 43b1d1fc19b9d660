namespace Attestation.Core.Platforms.Android;

/// <summary><c>RootOfTrust</c>: what the bootloader told the secure hardware about the booted system.</summary>
/// <param name="VerifiedBootKey">The key (or its digest) that verified the system image; all zeros on an unlocked device.</param>
/// <param name="DeviceLocked">True when the bootloader is locked.</param>
/// <param name="VerifiedBootState">The verified boot state.</param>
/// <param name="VerifiedBootHash">Digest of the verified boot data (attestation version 3 and later), or null.</param>
public sealed record RootOfTrust(byte[] VerifiedBootKey, bool DeviceLocked, VerifiedBootState VerifiedBootState, byte[]? VerifiedBootHash);
