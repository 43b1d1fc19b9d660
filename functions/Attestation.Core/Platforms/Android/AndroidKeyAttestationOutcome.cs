using System.Diagnostics.CodeAnalysis;
using System.Runtime.ExceptionServices;
using Attestation.Core.Errors;

namespace Attestation.Core.Platforms.Android;

/// <summary>
/// How the verification of one chain ended: verified (<see cref="Result"/>) or refused (<see cref="Refusal"/>), with the
/// <see cref="Facts"/> read either way. The offline tool prints both; the backend only needs <see cref="ResultOrThrow"/>.
/// </summary>
public sealed class AndroidKeyAttestationOutcome
{
    private AndroidKeyAttestationOutcome(AndroidKeyAttestationFacts facts, AndroidKeyAttestationResult? result, AttestationException? refusal)
    {
        Facts = facts;
        Result = result;
        Refusal = refusal;
    }

    /// <summary>What was read from the chain, however far verification got.</summary>
    public AndroidKeyAttestationFacts Facts { get; }

    /// <summary>What the verified chain establishes, or null when it was refused.</summary>
    public AndroidKeyAttestationResult? Result { get; }

    /// <summary>Why the chain was refused (<c>attestation_invalid</c> or <c>policy_violation</c>), or null when it verified.</summary>
    public AttestationException? Refusal { get; }

    /// <summary>True when the chain verified and satisfied the policy.</summary>
    [MemberNotNullWhen(true, nameof(Result))]
    [MemberNotNullWhen(false, nameof(Refusal))]
    public bool IsVerified => Result is not null;

    public static AndroidKeyAttestationOutcome Verified(AndroidKeyAttestationResult result, AndroidKeyAttestationFacts facts)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(facts);
        return new(facts, result, null);
    }

    public static AndroidKeyAttestationOutcome Refused(AttestationException refusal, AndroidKeyAttestationFacts facts)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        ArgumentNullException.ThrowIfNull(facts);
        return new(facts, null, refusal);
    }

    /// <summary>The result of a verified chain.</summary>
    /// <exception cref="AttestationException">The refusal, rethrown with the stack trace it was raised with.</exception>
    public AndroidKeyAttestationResult ResultOrThrow()
    {
        if (!IsVerified)
        {
            ExceptionDispatchInfo.Throw(Refusal);
        }

        return Result;
    }
}
