namespace Attestation.Core.Apps;

/// <summary>
/// An app as the registry stores it: its whole <see cref="AppPolicyConfiguration"/> (every platform section, so sections
/// added later come along without the store changing) and the store's version of the record.
/// </summary>
/// <param name="Configuration">The app's policy in the shape of configuration and of the admin API.</param>
/// <param name="ConcurrencyStamp">The store's version (an ETag); a conditional update succeeds only while it is current.</param>
public sealed record AppRecord(AppPolicyConfiguration Configuration, string? ConcurrencyStamp = null)
{
    /// <summary>The app id of <see cref="Configuration"/>.</summary>
    public string AppId => Configuration.AppId ?? "";
}
