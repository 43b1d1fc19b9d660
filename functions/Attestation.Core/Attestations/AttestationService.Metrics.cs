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
    public Task<IssuedToken> AttestAsync(AttestCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        return RecordedAsync(outcome => AttestCoreAsync(command, outcome, cancellationToken), metrics.RecordAttestation);
    }

    /// <summary>Runs a refresh: a registered device proves possession of its key over a new challenge.</summary>
    /// <exception cref="AttestationException">The request is refused (and the app is not in decoy mode for that code).</exception>
    /// <exception cref="DependencyUnavailableException">Storage or the signing key cannot be reached.</exception>
    public Task<IssuedToken> RefreshAsync(RefreshCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        return RecordedAsync(outcome => RefreshCoreAsync(command, outcome, cancellationToken), (outcome, _) => metrics.RecordRefresh(outcome));
    }

    /// <summary>Runs one flow and records what it came to and how long it took, whether it returned or threw.</summary>
    private async Task<IssuedToken> RecordedAsync(Func<FlowOutcome, Task<IssuedToken>> flow, Action<FlowOutcome, TimeSpan> record)
    {
        var started = timeProvider.GetTimestamp();
        var outcome = new FlowOutcome();
        try
        {
            return await flow(outcome).ConfigureAwait(false);
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
            record(outcome, timeProvider.GetElapsedTime(started));
        }
    }
}
