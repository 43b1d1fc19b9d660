using System.Globalization;
using System.Text.Json;

namespace Attestation.TestSupport;

/// <summary>An assertion and how it must verify.</summary>
public sealed record AppleAssertionCase(byte[] Assertion, string PublicKeyPem, byte[] ClientDataHash, long PreviousCounter, long ExpectedCounter);
