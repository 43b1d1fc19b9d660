using Attestation.Core.Errors;
using Attestation.Core.Platforms.Android;

namespace Attestation.Google.Android;

/// <summary>
/// Reads a local copy of Google's status list (<see cref="AndroidKeyAttestationOptions.StatusListFile"/>): air-gapped and
/// local runs, and the tests. Read again on every refresh, so a replaced file is picked up.
/// </summary>
public sealed class FileAndroidStatusListFetcher : IAndroidStatusListFetcher
{
    private readonly string _path;

    public FileAndroidStatusListFetcher(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _path = path;
    }

    /// <exception cref="DependencyUnavailableException">The file is missing or cannot be read.</exception>
    public async Task<byte[]> FetchAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await File.ReadAllBytesAsync(_path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DependencyUnavailableException("Android attestation status list file", e);
        }
    }
}
