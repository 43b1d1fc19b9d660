namespace Attestation.Core.Platforms.PlayIntegrity;

/// <summary>Which request field carries the challenge: <c>nonce</c> for classic requests, <c>requestHash</c> for standard ones.</summary>
public enum IntegrityRequestKind
{
    /// <summary>A classic request: <c>requestDetails.nonce</c>.</summary>
    Classic,

    /// <summary>A standard request: <c>requestDetails.requestHash</c>.</summary>
    Standard,
}
