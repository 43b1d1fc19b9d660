using System.Globalization;
using Attestation.Core.Verification;

namespace Attestation.Core.Policies;

/// <summary>
/// Turns configured apps into <see cref="AppPolicy"/> objects and says, app by app, what is wrong with them. Used at start
/// (through <see cref="AppPolicyOptionsValidator"/>) so that a bad policy stops the app with a clear message.
/// </summary>
public sealed class AppPolicyReader
{
    private const int MaxAppIdLength = 128;
    private readonly Dictionary<string, IEvidenceVerifier> _verifiers;

    public AppPolicyReader(IEnumerable<IEvidenceVerifier> verifiers)
    {
        ArgumentNullException.ThrowIfNull(verifiers);
        _verifiers = verifiers.ToDictionary(v => v.Platform, StringComparer.Ordinal);
    }

    /// <summary>True when <paramref name="appId"/> has the shape of an app id (letters, digits, '.', '-', '_'; at most 128).</summary>
    public static bool IsWellFormedAppId(string? appId) =>
        !string.IsNullOrEmpty(appId)
        && appId.Length <= MaxAppIdLength
        && appId.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_');

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
            var where = $"Attestation:Apps:{index} ({app.AppId ?? "no AppId"})";
            var before = problems.Count;

            if (!IsWellFormedAppId(app.AppId))
            {
                problems.Add($"{where}: AppId must be 1 to {MaxAppIdLength} letters, digits, '.', '-' or '_'.");
            }
            else if (!seen.Add(app.AppId!))
            {
                problems.Add($"{where}: AppId is registered twice.");
            }

            if (app.Platforms.Count == 0)
            {
                problems.Add($"{where}: Platforms is empty; name at least one of {string.Join(", ", Platforms.All)}.");
            }

            foreach (var platform in app.Platforms.Where(p => !Platforms.IsKnown(p)))
            {
                problems.Add($"{where}: unknown platform '{platform}'; known: {string.Join(", ", Platforms.All)}.");
            }

            FailureMode mode = FailureMode.Reject;
            if (string.Equals(app.FailureMode, "decoy", StringComparison.Ordinal))
            {
                mode = FailureMode.Decoy;
            }
            else if (!string.Equals(app.FailureMode, "reject", StringComparison.Ordinal))
            {
                problems.Add($"{where}: FailureMode must be 'reject' or 'decoy', not '{app.FailureMode}'.");
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
            };
            foreach (var platform in policy.Platforms)
            {
                if (_verifiers.TryGetValue(platform, out var verifier))
                {
                    problems.AddRange(verifier.ValidatePolicy(policy).Select(p => $"{where}: {platform}: {p}"));
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
