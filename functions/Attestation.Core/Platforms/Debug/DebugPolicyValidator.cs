namespace Attestation.Core.Platforms.Debug;

/// <summary>An app that enables the <c>debug</c> platform must register at least one debug token.</summary>
public sealed class DebugPolicyValidator : IPlatformPolicyValidator<DebugPolicy>
{
    public IEnumerable<string> Validate(DebugPolicy? policy)
    {
        if (policy is null || policy.TokenHashes.Count == 0)
        {
            yield return "the debug platform is enabled but DebugTokenSha256 lists no debug token.";
        }
    }
}
