using System.Security.Cryptography;
using Attestation.Core.Apps;
using Attestation.Core.Devices;
using Attestation.Core.Errors;
using Attestation.Core.Text;
using Microsoft.Extensions.Logging;

namespace Attestation.Core.Administration;

/// <summary>A debug token just created: the plaintext, shown once and stored nowhere, and its id.</summary>
/// <param name="DebugToken">The token to hand to a tester.</param>
/// <param name="Id">base64url SHA-256 of the token: the device id it attests as, and the id that revokes it.</param>
public sealed record CreatedDebugToken(string DebugToken, string Id);
