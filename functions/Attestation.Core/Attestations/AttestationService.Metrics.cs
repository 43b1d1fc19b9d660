using Attestation.Core.Errors;
using Attestation.Core.Telemetry;
using Attestation.Core.Tokens;

namespace Attestation.Core.Attestations;

/// <summary>
/// The public entry points: each runs its flow and records what it came to (<see cref="AttestationMetrics"/>), whether it
/// returned a token, a decoy, or threw.
/// </summary>
public sealed partial class AttestationService
{
    /// <summary>Runs an attestation.</summary>
    /// <exception cref="AttestationException">The request is refused (and the app is not in decoy mode for that code).</exception>
    /// <exception cref="DependencyUnavailableException">Storage or the signing key cannot be reached.</exception>
    public async Task<IssuedToken> AttestAsync(AttestCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        var started = timeProvider.GetTimestamp();
        var outcome = new FlowOutcome();
        try
        {
            return await AttestCoreAsync(command, outcome, cancellationToken).ConfigureAwait(false);
        }
        catch (AttestationException refusal)
        {
            outcome.MarkRefused(refusal.Code);
            throw;
        }
        catch (DependencyUnavailableException)
        {
            outcome.MarkUnavailable();
            throw;
        }
        finally
        {
            metrics.RecordAttestation(outcome, timeProvider.GetElapsedTime(started));
        }
    }

    /// <summary>Runs a refresh: a registered device proves possession of its key over a new challenge.</summary>
    /// <exception cref="AttestationException">The request is refused (and the app is not in decoy mode for that code).</exception>
    /// <exception cref="DependencyUnavailableException">Storage or the signing key cannot be reached.</exception>
    public async Task<IssuedToken> RefreshAsync(RefreshCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        var outcome = new FlowOutcome();
        try
        {
            return await RefreshCoreAsync(command, outcome, cancellationToken).ConfigureAwait(false);
        }
        catch (AttestationException refusal)
        {
            outcome.MarkRefused(refusal.Code);
            throw;
        }
        catch (DependencyUnavailableException)
        {
            outcome.MarkUnavailable();
            throw;
        }
        finally
        {
            metrics.RecordRefresh(outcome);
        }
    }
}
