namespace Attestation.Infrastructure.Tests;

/// <summary>
/// infra/scripts/rollback-signing-key.sh, run against a fake <c>az</c> and <c>azd</c> (issue 16, finding 7): it moves
/// both of API Management's signing-key named values back one enabled version, each awaited and recorded, and disables
/// the newest version in Key Vault only after both are confirmed, so the edge and the app end trusting the same two
/// versions, and a run that stops early has changed nothing in Key Vault.
/// </summary>
public sealed class RollbackSigningKeyScriptTests : IDisposable
{
    private const string Previous = RotateSigningKeyScriptTests.Previous;
    private const string Current = RotateSigningKeyScriptTests.Current;
    private const string OlderId = RotateSigningKeyScriptTests.OlderId;
    private const string TargetId = RotateSigningKeyScriptTests.CurrentId;
    private const string NewestId = RotateSigningKeyScriptTests.NewId;

    private readonly FakeAzureCli _az = new();

    public RollbackSigningKeyScriptTests() => AnswerAsAzureWould(_az);

    /// <summary>Three enabled versions, oldest first; each pin finishes after one more look.</summary>
    internal static void AnswerAsAzureWould(FakeAzureCli az)
    {
        RotateSigningKeyScriptTests.AnswerTheEnvironment(az);
        az.Answer("az keyvault secret list-versions", $"{OlderId}\n{TargetId}\n{NewestId}\n");
        az.Answer($"az rest get {Current}.1", $"{NewestId} Succeeded Success\n");
        az.Answer($"az rest get {Current}", $"{TargetId} Succeeded Success\n");
        az.Answer($"az rest get {Previous}.1", $"{TargetId} Updating -\n");
        az.Answer($"az rest get {Previous}", $"{OlderId} Succeeded Success\n");
    }

    [Fact]
    public async Task BothNamedValuesGoBackOneVersionAndTheNewestIsDisabledOnlyAfterBoth()
    {
        var run = await _az.RunAsync("rollback-signing-key.sh", RotateSigningKeyScriptTests.FastWait);

        Assert.True(run.ExitCode == 0, run.StandardError);
        var calls = RotateSigningKeyScriptTests.Joined(run);
        var current = RotateSigningKeyScriptTests.Patch(run, Current);
        var previous = RotateSigningKeyScriptTests.Patch(run, Previous);
        Assert.Contains($"\"secretIdentifier\":\"{TargetId}\"", current[current.ToList().IndexOf("--body") + 1], StringComparison.Ordinal);
        Assert.Contains($"\"secretIdentifier\":\"{OlderId}\"", previous[previous.ToList().IndexOf("--body") + 1], StringComparison.Ordinal);
        Assert.Equal("If-Match=*", current[current.ToList().IndexOf("--headers") + 1]);

        var currentRecorded = calls.IndexOf($"azd env set CURRENT_SIGNING_KEY_VERSION_URI {TargetId}");
        var previousRecorded = calls.IndexOf($"azd env set PREVIOUS_SIGNING_KEY_VERSION_URI {OlderId}");
        var currentLooks = RotateSigningKeyScriptTests.Looks(calls, Current);
        var previousLooks = RotateSigningKeyScriptTests.Looks(calls, Previous);
        Assert.Equal(2, currentLooks.Count);
        Assert.Equal(2, previousLooks.Count);
        Assert.True(currentLooks[^1] < currentRecorded && currentRecorded < calls.IndexOf(string.Join(' ', previous))
            && previousLooks[^1] < previousRecorded, string.Join('\n', calls));
        Assert.Equal($"az keyvault secret set-attributes --id {NewestId} --enabled false --output none", calls[^1]);
        Assert.Contains("API Management verifies 1111 and 0000; 2222 is disabled", run.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithTwoEnabledVersionsBothNamedValuesNameTheOneLeft()
    {
        _az.Answer("az keyvault secret list-versions", $"{TargetId}\n{NewestId}\n");
        _az.Answer($"az rest get {Previous}", $"{TargetId} Succeeded Success\n");

        var run = await _az.RunAsync("rollback-signing-key.sh", RotateSigningKeyScriptTests.FastWait);

        Assert.True(run.ExitCode == 0, run.StandardError);
        var previous = RotateSigningKeyScriptTests.Patch(run, Previous);
        Assert.Contains($"\"secretIdentifier\":\"{TargetId}\"", previous[previous.ToList().IndexOf("--body") + 1], StringComparison.Ordinal);
        Assert.Contains(run.Calls, c => c is ["az", "keyvault", "secret", "set-attributes", "--id", NewestId, ..]);
    }

    [Theory]
    [InlineData("")]
    [InlineData(NewestId + "\n")]
    public async Task WithoutAVersionToGoBackToNothingChanges(string versions)
    {
        _az.Answer("az keyvault secret list-versions", versions);

        var run = await _az.RunAsync("rollback-signing-key.sh", RotateSigningKeyScriptTests.FastWait);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("there is none to roll back to; nothing was changed", run.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain(run.Calls, c => c is ["az", "rest", ..] or ["az", "keyvault", "secret", "set-attributes", ..] or ["azd", "env", "set", ..]);
    }

    [Fact]
    public async Task AnEdgeThatNeverConfirmsLeavesKeyVaultUntouched()
    {
        _az.Answer($"az rest get {Current}", $"{NewestId} Succeeded Success\n");

        var run = await _az.RunAsync("rollback-signing-key.sh", RotateSigningKeyScriptTests.FastWait);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("does not name 1111 yet", run.StandardError, StringComparison.Ordinal);
        Assert.Contains("Nothing was disabled in Key Vault", run.StandardError, StringComparison.Ordinal);
        Assert.Equal(3, RotateSigningKeyScriptTests.Looks(RotateSigningKeyScriptTests.Joined(run), Current).Count);
        Assert.DoesNotContain(run.Calls, c => c is ["az", "keyvault", "secret", "set-attributes", ..] or ["azd", "env", "set", ..]);
    }

    [Fact]
    public async Task AFailedUpdateOfThePreviousKeyStopsBeforeKeyVault()
    {
        _az.Answer($"az rest get {Previous}", $"{OlderId} Failed -\n");

        var run = await _az.RunAsync("rollback-signing-key.sh", RotateSigningKeyScriptTests.FastWait);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("could not read 0000 from Key Vault for attestation-signing-key-previous", run.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain(run.Calls, c => c is ["az", "keyvault", "secret", "set-attributes", ..]);
        Assert.DoesNotContain(run.Calls, c => c is ["azd", "env", "set", "PREVIOUS_SIGNING_KEY_VERSION_URI", ..]);
    }

    public void Dispose() => _az.Dispose();
}
