namespace Attestation.Core.Tokens;

/// <summary>Who a token is about: the claims <c>sub</c>, <c>app</c>, <c>plat</c> and, when bound, <c>pay</c>.</summary>
/// <param name="DeviceId">The <c>sub</c> claim.</param>
/// <param name="AppId">The <c>app</c> claim.</param>
/// <param name="Platform">The <c>plat</c> claim.</param>
/// <param name="Binding">base64url SHA-256 of the bound value (the <c>pay</c> claim), or null.</param>
public sealed record TokenSubject(string DeviceId, string AppId, string Platform, string? Binding);
