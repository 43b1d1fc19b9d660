using Attestation.Core.Text;

namespace Attestation.Core.Apps;

/// <summary>
/// Checks one app with the same <see cref="AppPolicyReader"/> that checks configuration at start, so an app written through
/// the admin API meets exactly the rules of a configured one, each platform verifier's <c>ValidatePolicy</c> included.
/// </summary>
public static class AppPolicyValidation
{
    /// <summary>The policy of <paramref name="app"/>, or null with every problem in <paramref name="errors"/>.</summary>
    public static AppPolicy? Read(AppPolicyReader reader, AppPolicyConfiguration app, out IReadOnlyList<string> errors)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(app);
        var single = new AppPolicyOptions();
        single.Apps.Add(app);
        var policies = reader.Read(single, out var problems);

        // The reader names configuration keys ("Attestation:Apps:0 (id): ..."); for one app that prefix says nothing.
        var prefix = $"Attestation:Apps:0 ({(app.AppId is null ? "no AppId" : UntrustedText.Quote(app.AppId))}): ";
        errors = [.. problems.Select(p => p.StartsWith(prefix, StringComparison.Ordinal) ? p[prefix.Length..] : p)];
        return errors.Count == 0 ? policies.Single() : null;
    }
}
