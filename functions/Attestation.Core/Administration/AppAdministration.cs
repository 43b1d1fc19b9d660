using System.Security.Cryptography;
using Attestation.Core.Apps;
using Attestation.Core.Devices;
using Attestation.Core.Errors;
using Attestation.Core.Text;
using Microsoft.Extensions.Logging;

namespace Attestation.Core.Administration;

/// <summary>
/// What administrators do with apps: create, read, update and list them, and create and revoke debug tokens. Every app
/// written is checked by the same <see cref="AppPolicyReader"/> as configuration, so a platform verifier refuses a bad
/// section here exactly as it would stop the start.
/// </summary>
public sealed partial class AppAdministration(
    IAppStore store,
    AppRegistry registry,
    AppPolicyReader reader,
    DeviceAdministration devices,
    ILogger<AppAdministration> logger)
{
    /// <summary>How many debug tokens an app may have at once (each is a hash in the app's record).</summary>
    public const int MaxDebugTokens = 100;

    private const int MaxAttempts = 5;

    /// <summary>Registers a new app; one with the debug platform or debug tokens only if <paramref name="debugAccess"/> is held.</summary>
    /// <exception cref="AttestationException"><c>invalid_request</c> (the policy is invalid), <c>forbidden</c> or <c>app_exists</c>.</exception>
    /// <exception cref="DependencyUnavailableException">Storage cannot be reached.</exception>
    public async Task<AppRecord> CreateAsync(AppPolicyConfiguration app, DebugAccessRight debugAccess, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(debugAccess);
        Validate(app);
        debugAccess.RequireForChange(before: null, app);

        // Seed first, so that creating an app that configuration names is a conflict, not a race with the seeding.
        await registry.EnsureSeededAsync(cancellationToken).ConfigureAwait(false);
        if (!await store.TryAddAsync(app, cancellationToken).ConfigureAwait(false))
        {
            throw new AttestationException(AttestationErrorCode.AppExists, "An app with this appId is registered already; update it instead.");
        }

        registry.Invalidate();
        LogCreated(app.AppId!);
        return await GetAsync(app.AppId!, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The app <paramref name="appId"/> as stored.</summary>
    /// <exception cref="AttestationException"><c>invalid_request</c> or <c>app_unknown</c>.</exception>
    /// <exception cref="DependencyUnavailableException">Storage cannot be reached.</exception>
    public async Task<AppRecord> GetAsync(string appId, CancellationToken cancellationToken = default)
    {
        RequireWellFormed(appId);
        await registry.EnsureSeededAsync(cancellationToken).ConfigureAwait(false);
        return await store.FindAsync(appId, cancellationToken).ConfigureAwait(false)
            ?? throw new AttestationException(AttestationErrorCode.AppUnknown, "No app with this appId is registered.");
    }

    /// <summary>Every registered app, ordered by id.</summary>
    /// <exception cref="DependencyUnavailableException">Storage cannot be reached.</exception>
    public async Task<IReadOnlyList<AppRecord>> ListAsync(CancellationToken cancellationToken = default)
    {
        await registry.EnsureSeededAsync(cancellationToken).ConfigureAwait(false);
        var apps = await store.ListAsync(cancellationToken).ConfigureAwait(false);
        return [.. apps.OrderBy(a => a.AppId, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Replaces the policy of <paramref name="appId"/> with <paramref name="app"/>. With <paramref name="ifMatch"/> (the
    /// version a GET returned) the write happens only if nobody changed the app since. A change that enables the debug
    /// platform or adds a debug token needs <paramref name="debugAccess"/>.
    /// </summary>
    /// <exception cref="AttestationException"><c>invalid_request</c>, <c>app_unknown</c>, <c>forbidden</c> or <c>app_changed</c>.</exception>
    /// <exception cref="DependencyUnavailableException">Storage cannot be reached.</exception>
    public async Task<AppRecord> UpdateAsync(string appId, AppPolicyConfiguration app, string? ifMatch, DebugAccessRight debugAccess, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(debugAccess);
        RequireWellFormed(appId);
        app.AppId ??= appId;
        if (!string.Equals(app.AppId, appId, StringComparison.Ordinal))
        {
            throw AttestationException.InvalidRequest("appId in the body must be the appId of the route (an app cannot be renamed).");
        }

        Validate(app);
        var current = await GetAsync(appId, cancellationToken).ConfigureAwait(false);
        if (ifMatch is not null && !string.Equals(ifMatch, current.ConcurrencyStamp, StringComparison.Ordinal))
        {
            throw new AttestationException(AttestationErrorCode.AppChanged, "The app changed since the version named in If-Match; read it again and reapply the change.");
        }

        // Compared with the version read here, which the write below is conditional on: if debug was switched off in
        // between, the write fails as app_changed rather than switching it back on without the right.
        debugAccess.RequireForChange(current.Configuration, app);

        if (!await store.TryUpdateAsync(new AppRecord(app, current.ConcurrencyStamp), cancellationToken).ConfigureAwait(false))
        {
            throw new AttestationException(AttestationErrorCode.AppChanged, "The app changed while it was being updated; read it again and reapply the change.");
        }

        registry.Invalidate();
        LogUpdated(appId);
        return await GetAsync(appId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Creates a debug token for <paramref name="appId"/>: 32 random bytes, base64url. Only its SHA-256 is stored (in the app's
    /// <c>debugTokenSha256</c>), so the plaintext returned here is the only copy. Needs <paramref name="debugAccess"/>.
    /// </summary>
    /// <exception cref="AttestationException"><c>forbidden</c>, <c>invalid_request</c>, <c>app_unknown</c> or <c>app_changed</c>.</exception>
    /// <exception cref="DependencyUnavailableException">Storage cannot be reached.</exception>
    public async Task<CreatedDebugToken> CreateDebugTokenAsync(string appId, DebugAccessRight debugAccess, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(debugAccess);
        debugAccess.Require("Creating a debug token");
        var token = Base64Flexible.ToBase64Url(RandomNumberGenerator.GetBytes(32));
        var hash = SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token));
        await ChangeAsync(appId, app =>
        {
            if (app.DebugTokenSha256.Count >= MaxDebugTokens)
            {
                throw AttestationException.InvalidRequest($"The app has {MaxDebugTokens} debug tokens, the most it may have; revoke one first.");
            }

            app.DebugTokenSha256.Add(Convert.ToHexStringLower(hash));
        }, cancellationToken).ConfigureAwait(false);

        var id = Base64Flexible.ToBase64Url(hash);
        LogDebugTokenCreated(appId, id);
        return new CreatedDebugToken(token, id);
    }

    /// <summary>
    /// Revokes the debug token <paramref name="tokenId"/> of <paramref name="appId"/>: its hash leaves the app, so it attests
    /// and refreshes no more, and the device it registered (if any) is revoked, so that its live tokens fail verify at once.
    /// No <see cref="DebugAccessRight"/> is asked for: revoking only takes power away, and an administrator who finds a
    /// leaked debug token must be able to stop it without waiting for whoever holds the right.
    /// </summary>
    /// <exception cref="AttestationException"><c>invalid_request</c>, <c>app_unknown</c>, <c>debug_token_unknown</c> or <c>app_changed</c>.</exception>
    /// <exception cref="DependencyUnavailableException">Storage cannot be reached.</exception>
    public async Task RevokeDebugTokenAsync(string appId, string tokenId, CancellationToken cancellationToken = default)
    {
        var id = tokenId is null ? null : Base64Flexible.ToUrlAlphabet(tokenId);
        if (!Base64Flexible.TryDecode(id, out var hash) || hash.Length != SHA256.HashSizeInBytes)
        {
            throw AttestationException.InvalidRequest("The debug token id must be the base64url SHA-256 returned when the token was created.");
        }

        // The device first, then the hash. Should storage fail between the two, the token is still listed and its device
        // already refused, so a retry finds the token and finishes; the other order would leave a live device behind a token
        // that a retry calls unknown.
        var current = await GetAsync(appId, cancellationToken).ConfigureAwait(false);
        if (!current.Configuration.DebugTokenSha256.Any(entry => IsDebugToken(entry, hash)))
        {
            throw DebugTokenUnknown();
        }

        var deviceId = Base64Flexible.ToBase64Url(hash);
        await devices.TrySetStatusAsync(appId, deviceId, DeviceStatus.Revoked, cancellationToken).ConfigureAwait(false);
        await ChangeAsync(appId, app =>
        {
            var removed = 0;
            for (var i = app.DebugTokenSha256.Count - 1; i >= 0; i--)
            {
                if (IsDebugToken(app.DebugTokenSha256[i], hash))
                {
                    app.DebugTokenSha256.RemoveAt(i);
                    removed++;
                }
            }

            // Another revocation of the same token came first; it revoked the device as this call did.
            if (removed == 0)
            {
                throw DebugTokenUnknown();
            }
        }, cancellationToken).ConfigureAwait(false);

        LogDebugTokenRevoked(appId, deviceId);
    }

    private static bool IsDebugToken(string entry, byte[] hash) =>
        entry.Length == 64 && entry.All(char.IsAsciiHexDigit) && CryptographicOperations.FixedTimeEquals(Convert.FromHexString(entry), hash);

    private static AttestationException DebugTokenUnknown() =>
        new(AttestationErrorCode.DebugTokenUnknown, "The app has no debug token with this id.");

    /// <summary>Read, change, validate, write conditionally; again from the read when another writer came first.</summary>
    private async Task ChangeAsync(string appId, Action<AppPolicyConfiguration> change, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var current = await GetAsync(appId, cancellationToken).ConfigureAwait(false);

            // A copy through the stored form, so that the record read stays as it was.
            var changed = AppPolicyJson.Deserialize(AppPolicyJson.Serialize(current.Configuration));
            change(changed);
            Validate(changed);
            if (await store.TryUpdateAsync(new AppRecord(changed, current.ConcurrencyStamp), cancellationToken).ConfigureAwait(false))
            {
                registry.Invalidate();
                return;
            }
        }

        throw new AttestationException(AttestationErrorCode.AppChanged, "The app kept changing while this change was being written; retry.");
    }

    private void Validate(AppPolicyConfiguration app)
    {
        if (AppPolicyValidation.Read(reader, app, out var errors) is null)
        {
            throw AttestationException.InvalidRequest($"The app policy is invalid: {string.Join(" ", errors)}");
        }
    }

    private static void RequireWellFormed(string appId)
    {
        if (!AppPolicyReader.IsWellFormedAppId(appId))
        {
            throw AttestationException.InvalidRequest("appId must be 1 to 128 letters, digits, '.', '-' or '_'.");
        }
    }

    [LoggerMessage(EventId = 41, Level = LogLevel.Information, Message = "Admin: app {AppId} created")]
    private partial void LogCreated(string appId);

    [LoggerMessage(EventId = 42, Level = LogLevel.Information, Message = "Admin: app {AppId} updated")]
    private partial void LogUpdated(string appId);

    [LoggerMessage(EventId = 43, Level = LogLevel.Information, Message = "Admin: debug token {TokenId} created for app {AppId}")]
    private partial void LogDebugTokenCreated(string appId, string tokenId);

    [LoggerMessage(EventId = 44, Level = LogLevel.Information, Message = "Admin: debug token {TokenId} of app {AppId} revoked")]
    private partial void LogDebugTokenRevoked(string appId, string tokenId);
}
