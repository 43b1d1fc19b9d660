using System.Security.Cryptography;
using Attestation.Core.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Attestation.Core.Tokens;

/// <summary>The claims of a token that verified.</summary>
public sealed record VerifiedToken(string DeviceId, string AppId, string Platform, string TokenId, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt, string? Binding);
