namespace Attestation.Core.Apps;

/// <summary>Finds the policy of an app. Asynchronous so that a table-backed registry can stand behind it.</summary>
public interface IAppPolicyProvider
{
    /// <summary>The policy of <paramref name="appId"/>, or null when no such app is registered.</summary>
    ValueTask<AppPolicy?> FindAsync(string appId, CancellationToken cancellationToken = default);
}
