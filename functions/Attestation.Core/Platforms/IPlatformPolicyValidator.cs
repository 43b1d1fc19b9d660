namespace Attestation.Core.Platforms;

/// <summary>
/// Checks one platform's section of an app's policy, at start for every configured app that enables the platform and for
/// every app written through the admin API.
/// </summary>
/// <typeparam name="TPolicy">The platform's section of an app's policy.</typeparam>
public interface IPlatformPolicyValidator<in TPolicy>
{
    /// <summary>Every problem with <paramref name="policy"/> (null when the app has no such section); empty when it is usable.</summary>
    IEnumerable<string> Validate(TPolicy? policy);
}
