using Attestation.Core.Errors;

namespace Attestation.Core.Tests.Errors;

public sealed class AttestationActionsTests
{
    [Fact]
    public void EveryCodeHasOneOfTheSixActionsOfTheContract()
    {
        string[] contract = ["new_challenge", "attest", "new_key", "retry_later", "fix_request", "stop"];

        foreach (var code in Enum.GetValues<AttestationErrorCode>())
        {
            Assert.Contains(AttestationActions.For(code).ToWireName(), contract);
        }

        Assert.Equal(contract.Order(StringComparer.Ordinal), Enum.GetValues<AttestationAction>().Select(a => a.ToWireName()).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(AttestationErrorCode.ChallengeInvalid, "new_challenge")]
    [InlineData(AttestationErrorCode.DeviceUnknown, "attest")]
    [InlineData(AttestationErrorCode.RefreshUnsupported, "attest")]
    [InlineData(AttestationErrorCode.AttestationRequired, "attest")]
    [InlineData(AttestationErrorCode.Unavailable, "retry_later")]
    [InlineData(AttestationErrorCode.InvalidRequest, "fix_request")]
    [InlineData(AttestationErrorCode.AppUnknown, "fix_request")]
    [InlineData(AttestationErrorCode.PolicyViolation, "stop")]
    [InlineData(AttestationErrorCode.DeviceRevoked, "stop")]
    [InlineData(AttestationErrorCode.AttestationInvalid, "stop")]
    public void ARefusalCarriesItsCodesActionUnlessItNamesAnother(AttestationErrorCode code, string action)
    {
        Assert.Equal(action, new AttestationException(code, "refused").Action.ToWireName());
        Assert.Equal("new_key", new AttestationException(code, "refused") { Action = AttestationAction.NewKey }.Action.ToWireName());
    }
}
