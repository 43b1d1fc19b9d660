namespace Attestation.Core.Apps;

/// <summary>Stores registered apps (Table Storage in Azure and on Azurite).</summary>
public interface IAppStore
{
    /// <summary>Every registered app.</summary>
    /// <exception cref="Errors.DependencyUnavailableException">The store cannot be reached.</exception>
    Task<IReadOnlyList<AppRecord>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>The app <paramref name="appId"/>, or null.</summary>
    /// <exception cref="Errors.DependencyUnavailableException">The store cannot be reached.</exception>
    Task<AppRecord?> FindAsync(string appId, CancellationToken cancellationToken = default);

    /// <summary>Writes a new app; false (and nothing written) when an app with that id exists.</summary>
    /// <exception cref="Errors.DependencyUnavailableException">The store cannot be reached.</exception>
    Task<bool> TryAddAsync(AppPolicyConfiguration app, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces an app only if it has not changed since it was read (<see cref="AppRecord.ConcurrencyStamp"/>); false when it
    /// changed or no longer exists.
    /// </summary>
    /// <exception cref="Errors.DependencyUnavailableException">The store cannot be reached.</exception>
    Task<bool> TryUpdateAsync(AppRecord app, CancellationToken cancellationToken = default);
}
