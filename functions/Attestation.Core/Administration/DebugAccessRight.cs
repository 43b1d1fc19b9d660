using Attestation.Core.Apps;
using Attestation.Core.Errors;
using Attestation.Core.Platforms;

namespace Attestation.Core.Administration;

/// <summary>
/// Whether the caller of an administrative change may grant debug access: create a debug token, add one's hash to an app,
/// or enable the <c>debug</c> platform. A debug token attests with no device evidence at all, so whoever may hand one out
/// may make a device out of nothing; that is a right of its own, apart from administering apps (issue 16, finding 9).
/// Taking debug access away (disabling the platform, dropping or revoking a token) needs no such right: it only removes power.
/// </summary>
public sealed class DebugAccessRight
{
    private DebugAccessRight(bool isHeld, string requirement)
    {
        IsHeld = isHeld;
        Requirement = requirement;
    }

    /// <summary>The caller may grant debug access.</summary>
    public static DebugAccessRight Held { get; } = new(isHeld: true, string.Empty);

    /// <summary>True when the caller may grant debug access.</summary>
    public bool IsHeld { get; }

    /// <summary>What the caller lacks, as the refusal names it (for example "the app role Attestation.DebugTokens").</summary>
    public string Requirement { get; }

    /// <summary>The caller may not grant debug access; <paramref name="requirement"/> says what it would need.</summary>
    public static DebugAccessRight Lacking(string requirement)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(requirement);
        return new DebugAccessRight(isHeld: false, requirement);
    }

    /// <summary>Refuses <paramref name="action"/> unless the right is held.</summary>
    /// <exception cref="AttestationException"><c>forbidden</c>.</exception>
    public void Require(string action)
    {
        if (!IsHeld)
        {
            throw new AttestationException(AttestationErrorCode.Forbidden, $"{action} needs {Requirement}; nothing was changed.");
        }
    }

    /// <summary>
    /// Refuses a write that takes an app from <paramref name="before"/> (null: the app is new) to <paramref name="after"/>
    /// if it enables the debug platform or adds a debug token hash, unless the right is held. Keeping what the app had, or
    /// removing it, passes: an administrator may edit the rest of a debug-enabled app, or switch debug off.
    /// </summary>
    /// <exception cref="AttestationException"><c>forbidden</c>.</exception>
    public void RequireForChange(AppPolicyConfiguration? before, AppPolicyConfiguration after)
    {
        ArgumentNullException.ThrowIfNull(after);
        if (IsHeld)
        {
            return;
        }

        var enablesDebug = after.Platforms.Contains(PlatformNames.Debug, StringComparer.Ordinal)
            && before?.Platforms.Contains(PlatformNames.Debug, StringComparer.Ordinal) != true;
        if (enablesDebug)
        {
            Require("Enabling the debug platform");
        }

        // Hex in either case names the same hash (configuration accepts both), so a re-cased entry is not a new token.
        var had = new HashSet<string>(before?.DebugTokenSha256 ?? [], StringComparer.OrdinalIgnoreCase);
        if (after.DebugTokenSha256.Any(hash => !had.Contains(hash)))
        {
            Require("Adding a debug token (a new debugTokenSha256 entry)");
        }
    }
}
