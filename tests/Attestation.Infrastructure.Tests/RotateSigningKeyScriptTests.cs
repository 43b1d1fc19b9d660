namespace Attestation.Infrastructure.Tests;

/// <summary>
/// infra/scripts/rotate-signing-key.sh, run against a fake <c>az</c> and <c>azd</c>: the named-value update carries the
/// If-Match the API requires, no new secret version is made before API Management's "previous" key names the current one,
/// and the script ends only once API Management reports the refresh of its "current" key (bounded either way).
/// </summary>
public sealed class RotateSigningKeyScriptTests : IDisposable
{
    internal const string ApimId = "/subscriptions/s/resourceGroups/rg-attest-prod/providers/Microsoft.ApiManagement/service/apim-x";
    internal const string CurrentId = "https://kv-x.vault.azure.net/secrets/token-signing-key/1111";
    internal const string NewId = "https://kv-x.vault.azure.net/secrets/token-signing-key/2222";
    internal const string Previous = "attestation-signing-key-previous";
    internal const string Current = "attestation-signing-key-current";

    internal static readonly Dictionary<string, string> FastWait = new(StringComparer.Ordinal)
    {
        ["ROTATE_WAIT_ATTEMPTS"] = "3",
        ["ROTATE_WAIT_SECONDS"] = "0",
    };

    private readonly FakeAzureCli _az = new();

    public RotateSigningKeyScriptTests() => AnswerAsAzureWould(_az);

    /// <summary>A rotation that goes through: each 202 finishes after one more look.</summary>
    internal static void AnswerAsAzureWould(FakeAzureCli az)
    {
        az.Answer("azd env get-value AZURE_KEY_VAULT_NAME", "kv-x\n");
        az.Answer("azd env get-value SIGNING_SECRET_NAME", "token-signing-key\n");
        az.Answer("azd env get-value AZURE_API_MANAGEMENT_ID", ApimId + "\n");
        az.Answer("azd env get-value API_MANAGEMENT_IDENTITY_CLIENT_ID", "client-id\n");
        az.Answer("az keyvault secret show", CurrentId + "\n");
        az.Answer("az keyvault secret set", NewId + "\n");
        az.Answer($"az rest get {Previous}.1", "https://kv-x.vault.azure.net/secrets/token-signing-key/0000 Succeeded\n");
        az.Answer($"az rest get {Previous}.2", $"{CurrentId} Updating\n");
        az.Answer($"az rest get {Previous}", $"{CurrentId} Succeeded\n");
        az.Answer($"az rest get {Current}.1", "Success 2026-12-01T09:00:00.1234567Z\n");
        az.Answer($"az rest get {Current}.2", "Success 2026-12-01T09:00:00.1234567Z\n");
        az.Answer($"az rest get {Current}", "Success 2026-12-01T17:00:00.7654321Z\n");
    }

    [Fact]
    public async Task ThePreviousKeyIsPatchedUnconditionallyAndAwaitedBeforeANewVersionIsMade()
    {
        var run = await _az.RunAsync("rotate-signing-key.sh", FastWait);

        Assert.True(run.ExitCode == 0, run.StandardError);
        var calls = run.Calls.Select(c => string.Join(' ', c)).ToList();
        var patch = Assert.Single(run.Calls, c => c is ["az", "rest", "--method", "patch", ..]);
        Assert.Equal("If-Match=*", patch[patch.ToList().IndexOf("--headers") + 1]);
        Assert.Contains($"\"secretIdentifier\":\"{CurrentId}\"", patch[patch.ToList().IndexOf("--body") + 1], StringComparison.Ordinal);
        Assert.Contains($"{ApimId}/namedValues/{Previous}?api-version=", patch[patch.ToList().IndexOf("--url") + 1], StringComparison.Ordinal);

        var patched = calls.FindIndex(c => c.StartsWith("az rest --method patch", StringComparison.Ordinal));
        var waits = Indexes(calls, c => c.StartsWith("az rest --method get", StringComparison.Ordinal) && c.Contains(Previous, StringComparison.Ordinal));
        var created = calls.FindIndex(c => c.StartsWith("az keyvault secret set", StringComparison.Ordinal));
        var remembered = calls.FindIndex(c => c == $"azd env set PREVIOUS_SIGNING_KEY_VERSION_URI {CurrentId}");
        Assert.Equal(3, waits.Count);
        Assert.True(patched < waits[0] && waits[^1] < remembered && remembered < created, string.Join('\n', calls));
    }

    [Fact]
    public async Task TheCurrentKeyIsRefreshedAfterTheNewVersionAndTheScriptWaitsUntilApiManagementReportsIt()
    {
        var run = await _az.RunAsync("rotate-signing-key.sh", FastWait);

        Assert.True(run.ExitCode == 0, run.StandardError);
        var calls = run.Calls.Select(c => string.Join(' ', c)).ToList();
        var created = calls.FindIndex(c => c.StartsWith("az keyvault secret set", StringComparison.Ordinal));
        var refresh = calls.FindIndex(c => c.StartsWith("az rest --method post", StringComparison.Ordinal));
        var looks = Indexes(calls, c => c.StartsWith("az rest --method get", StringComparison.Ordinal) && c.Contains(Current, StringComparison.Ordinal));
        Assert.Contains($"{ApimId}/namedValues/{Current}/refreshSecret?api-version=", calls[refresh], StringComparison.Ordinal);
        // One look before the request (the status to compare with), then until the status is newer: twice here.
        Assert.Equal(3, looks.Count);
        Assert.True(created < looks[0] && looks[0] < refresh && refresh < looks[1] && calls.Count - 1 == looks[^1], string.Join('\n', calls));
        Assert.Contains("lastStatus.timeStampUtc", calls[looks[0]], StringComparison.Ordinal);
        Assert.Contains("API Management verifies 2222 and 1111", run.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARefreshThatFailsInApiManagementStopsTheScriptWithTheCommandToRetryIt()
    {
        _az.Answer($"az rest get {Current}", "Forbidden 2026-12-01T17:00:00.7654321Z\n");

        var run = await _az.RunAsync("rotate-signing-key.sh", FastWait);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("could not refresh attestation-signing-key-current from Key Vault: Forbidden", run.StandardError, StringComparison.Ordinal);
        Assert.Contains($"{Current}/refreshSecret", run.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARefreshNeverReportedStopsTheScriptAfterItsBound()
    {
        _az.Answer($"az rest get {Current}", "Success 2026-12-01T09:00:00.1234567Z\n");

        var run = await _az.RunAsync("rotate-signing-key.sh", FastWait);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("has not reported the refresh", run.StandardError, StringComparison.Ordinal);
        Assert.Equal(1 + 3, run.Calls.Count(c => c is ["az", "rest", "--method", "get", ..] && c[5].Contains(Current, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task APreviousKeyThatNeverNamesTheCurrentVersionStopsTheRotationBeforeANewVersion()
    {
        _az.Answer($"az rest get {Previous}.2", "https://kv-x.vault.azure.net/secrets/token-signing-key/0000 Succeeded\n");
        _az.Answer($"az rest get {Previous}", "https://kv-x.vault.azure.net/secrets/token-signing-key/0000 Succeeded\n");

        var run = await _az.RunAsync("rotate-signing-key.sh", FastWait);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("nothing was rotated", run.StandardError, StringComparison.Ordinal);
        Assert.Equal(3, run.Calls.Count(c => c is ["az", "rest", "--method", "get", ..]));
        Assert.DoesNotContain(run.Calls, c => c is ["az", "keyvault", "secret", "set", ..]);
        Assert.DoesNotContain(run.Calls, c => c is ["azd", "env", "set", ..]);
    }

    private static List<int> Indexes(List<string> calls, Func<string, bool> predicate) =>
        calls.Select((c, i) => (c, i)).Where(x => predicate(x.c)).Select(x => x.i).ToList();

    public void Dispose() => _az.Dispose();
}
