using System.Globalization;
using Attestation.Core.Attestations;
using Attestation.Core.Platforms;
using Attestation.Core.Text;

namespace Attestation.Core.Apps;

/// <summary>
/// Turns configured apps into <see cref="AppPolicy"/> objects and says, app by app, what is wrong with them. Used at start
/// (through <see cref="AppPolicyOptionsValidator"/>) so that a bad policy stops the app with a clear message.
/// </summary>
public sealed class AppPolicyReader
{
    private readonly PlatformCatalog _platforms;

    public AppPolicyReader(PlatformCatalog platforms)
    {
        ArgumentNullException.ThrowIfNull(platforms);
        _platforms = platforms;
    }

    /// <summary>True when <paramref name="appId"/> has the shape of an app id (letters, digits, '.', '-', '_'; at most 128).</summary>
    public static bool IsWellFormedAppId(string? appId) => AppIdentifier.IsWellFormed(appId);

    /// <summary>Reads every configured app; <paramref name="errors"/> lists each problem, prefixed with the app it concerns.</summary>
    public IReadOnlyList<AppPolicy> Read(AppPolicyOptions options, out IReadOnlyList<string> errors)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        var policies = new List<AppPolicy>();
        var seen = new HashSet<string>(StringComparer.Ordinal);

        for (var index = 0; index < options.Apps.Count; index++)
        {
            var app = options.Apps[index];
            var where = $"Attestation:Apps:{index} ({(app.AppId is null ? "no AppId" : UntrustedText.Quote(app.AppId))})";
            var before = problems.Count;

            if (!IsWellFormedAppId(app.AppId))
            {
                problems.Add($"{where}: AppId must be 1 to {AppIdentifier.MaxLength} letters, digits, '.', '-' or '_'.");
            }
            else if (!seen.Add(app.AppId!))
            {
                problems.Add($"{where}: AppId is registered twice.");
            }

            if (app.Platforms.Count == 0)
            {
                problems.Add($"{where}: Platforms is empty; name at least one of {string.Join(", ", PlatformNames.All)}.");
            }

            foreach (var platform in app.Platforms.Where(p => !PlatformNames.IsKnown(p)))
            {
                problems.Add($"{where}: unknown platform '{UntrustedText.Quote(platform)}'; known: {string.Join(", ", PlatformNames.All)}.");
            }

            FailureMode mode = FailureMode.Reject;
            if (string.Equals(app.FailureMode, "decoy", StringComparison.Ordinal))
            {
                mode = FailureMode.Decoy;
            }
            else if (!string.Equals(app.FailureMode, "reject", StringComparison.Ordinal))
            {
                problems.Add($"{where}: FailureMode must be 'reject' or 'decoy', not '{UntrustedText.Quote(app.FailureMode)}'.");
            }

            if (app.MaximumRegistrationAge is { } age && (age <= TimeSpan.Zero || age > AppPolicy.LongestMaximumRegistrationAge))
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{where}: MaximumRegistrationAge must be more than zero and at most {AppPolicy.LongestMaximumRegistrationAge.TotalDays:0} days."));
            }

            var hashes = new List<byte[]>();
            foreach (var hex in app.DebugTokenSha256)
            {
                if (hex is { Length: 64 } && hex.All(char.IsAsciiHexDigit))
                {
                    hashes.Add(Convert.FromHexString(hex));
                }
                else
                {
                    problems.Add($"{where}: DebugTokenSha256 entries must be 64 hex digits (the SHA-256 of a debug token).");
                }
            }

            if (problems.Count > before)
            {
                continue;
            }

            var policy = new AppPolicy(app.AppId!, app.Platforms, mode, hashes)
            {
                Apple = app.Apple,
                AndroidKey = app.AndroidKey,
                PlayIntegrity = app.PlayIntegrity,
                MaximumRegistrationAge = app.MaximumRegistrationAge ?? AppPolicy.DefaultMaximumRegistrationAge,
            };
            foreach (var platform in policy.Platforms)
            {
                if (_platforms.Find(platform) is { } known)
                {
                    problems.AddRange(known.ValidatePolicy(policy).Select(p => $"{where}: {platform}: {p}"));
                }
            }

            policies.Add(policy);
        }

        errors = problems;
        return policies;
    }

    internal static string Describe(IReadOnlyList<string> errors) =>
        string.Join(Environment.NewLine, errors.Select((e, i) => string.Create(CultureInfo.InvariantCulture, $"{i + 1}. {e}")));
}
