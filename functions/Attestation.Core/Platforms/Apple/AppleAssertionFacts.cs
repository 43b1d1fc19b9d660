namespace Attestation.Core.Platforms.Apple;

/// <summary>
/// What could be read from an assertion without verifying it (<see cref="AppleAppAttestFactsReader"/>, for the offline
/// tool). Nothing in it is trusted.
/// </summary>
/// <param name="Counter">The authenticator data's counter; null when the assertion cannot be read.</param>
public sealed record AppleAssertionFacts(long? Counter);
