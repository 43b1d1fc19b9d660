namespace Attestation.Infrastructure.Tests;

/// <summary>
/// infra/scripts/rotate-signing-key.sh, run against a fake <c>az</c> and <c>azd</c>: the version that signs now is the
/// newest enabled one, API Management's "previous" key is pinned to it (an unconditional update, awaited) before a new
/// version exists, and "current" is pinned to the new version and awaited, so the edge trusts exactly the two versions the
/// app trusts; both pins are recorded in the azd environment. Every wait is bounded.
/// </summary>
public sealed class RotateSigningKeyScriptTests : IDisposable
{
    internal const string ApimId = "/subscriptions/s/resourceGroups/rg-attest-prod/providers/Microsoft.ApiManagement/service/apim-x";
    internal const string OlderId = "https://kv-x.vault.azure.net/secrets/token-signing-key/0000";
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

    /// <summary>The environment values every signing-key script reads.</summary>
    internal static void AnswerTheEnvironment(FakeAzureCli az)
    {
        az.Answer("azd env get-value AZURE_KEY_VAULT_NAME", "kv-x\n");
        az.Answer("azd env get-value SIGNING_SECRET_NAME", "token-signing-key\n");
        az.Answer("azd env get-value AZURE_API_MANAGEMENT_ID", ApimId + "\n");
        az.Answer("azd env get-value API_MANAGEMENT_IDENTITY_CLIENT_ID", "client-id\n");
    }

    /// <summary>A rotation that goes through: each pin finishes after one or two more looks.</summary>
    internal static void AnswerAsAzureWould(FakeAzureCli az)
    {
        AnswerTheEnvironment(az);
        az.Answer("az keyvault secret list-versions", $"{OlderId}\n{CurrentId}\n");
        az.Answer("az keyvault secret set", NewId + "\n");
        az.Answer($"az rest get {Previous}.1", $"{OlderId} Succeeded Success\n");
        az.Answer($"az rest get {Previous}.2", $"{CurrentId} Updating -\n");
        az.Answer($"az rest get {Previous}", $"{CurrentId} Succeeded Success\n");
        az.Answer($"az rest get {Current}.1", $"{CurrentId} Succeeded Success\n");
        az.Answer($"az rest get {Current}", $"{NewId} Succeeded Success\n");
    }

    [Fact]
    public async Task ThePreviousKeyIsPinnedUnconditionallyAndAwaitedBeforeANewVersionIsMade()
    {
        var run = await _az.RunAsync("rotate-signing-key.sh", FastWait);

        Assert.True(run.ExitCode == 0, run.StandardError);
        var calls = Joined(run);
        var patch = Patch(run, Previous);
        Assert.Equal("If-Match=*", patch[patch.ToList().IndexOf("--headers") + 1]);
        Assert.Contains($"\"secretIdentifier\":\"{CurrentId}\"", patch[patch.ToList().IndexOf("--body") + 1], StringComparison.Ordinal);
        Assert.Contains($"{ApimId}/namedValues/{Previous}?api-version=", patch[patch.ToList().IndexOf("--url") + 1], StringComparison.Ordinal);

        var patched = calls.FindIndex(c => c.StartsWith($"az rest --method patch --url https://management.azure.com{ApimId}/namedValues/{Previous}", StringComparison.Ordinal));
        var waits = Looks(calls, Previous);
        var created = calls.FindIndex(c => c.StartsWith("az keyvault secret set", StringComparison.Ordinal));
        var remembered = calls.FindIndex(c => c == $"azd env set PREVIOUS_SIGNING_KEY_VERSION_URI {CurrentId}");
        Assert.Equal(3, waits.Count);
        Assert.True(patched < waits[0] && waits[^1] < remembered && remembered < created, string.Join('\n', calls));
    }

    [Fact]
    public async Task TheCurrentKeyIsPinnedToTheNewVersionAfterItExistsAndAwaited()
    {
        var run = await _az.RunAsync("rotate-signing-key.sh", FastWait);

        Assert.True(run.ExitCode == 0, run.StandardError);
        var calls = Joined(run);
        var created = calls.FindIndex(c => c.StartsWith("az keyvault secret set", StringComparison.Ordinal));
        var patch = Patch(run, Current);
        Assert.Equal("If-Match=*", patch[patch.ToList().IndexOf("--headers") + 1]);
        Assert.Contains($"\"secretIdentifier\":\"{NewId}\"", patch[patch.ToList().IndexOf("--body") + 1], StringComparison.Ordinal);
        var patched = calls.IndexOf(string.Join(' ', patch));
        var looks = Looks(calls, Current);
        var remembered = calls.FindIndex(c => c == $"azd env set CURRENT_SIGNING_KEY_VERSION_URI {NewId}");
        Assert.Equal(2, looks.Count);
        Assert.True(created < patched && patched < looks[0] && looks[^1] < remembered, string.Join('\n', calls));
        Assert.DoesNotContain(run.Calls, c => c is ["az", "rest", "--method", "post", ..]);
        Assert.Contains("API Management verifies 2222 and 1111", run.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheVersionThatSignsNowIsTheNewestEnabledOneNotTheNewestVersion()
    {
        var run = await _az.RunAsync("rotate-signing-key.sh", FastWait);

        Assert.True(run.ExitCode == 0, run.StandardError);
        var list = Assert.Single(run.Calls, c => c is ["az", "keyvault", "secret", "list-versions", ..]);
        Assert.Equal("sort_by([?attributes.enabled], &attributes.created)[].id", list[list.ToList().IndexOf("--query") + 1]);
        Assert.DoesNotContain(run.Calls, c => c is ["az", "keyvault", "secret", "show", ..]);
    }

    [Fact]
    public async Task ASecretWithNoEnabledVersionIsNotRotated()
    {
        _az.Answer("az keyvault secret list-versions", "");

        var run = await _az.RunAsync("rotate-signing-key.sh", FastWait);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("no enabled version of token-signing-key; nothing was rotated", run.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain(run.Calls, c => c is ["az", "rest", ..] or ["az", "keyvault", "secret", "set", ..] or ["azd", "env", "set", ..]);
    }

    [Fact]
    public async Task AnEdgeThatCannotReadTheNewVersionStopsTheScriptAndNamesTheWayBack()
    {
        _az.Answer($"az rest get {Current}", $"{NewId} Succeeded Forbidden\n");

        var run = await _az.RunAsync("rotate-signing-key.sh", FastWait);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("could not read 2222 from Key Vault for attestation-signing-key-current", run.StandardError, StringComparison.Ordinal);
        Assert.Contains("rollback-signing-key.sh", run.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain(run.Calls, c => c is ["azd", "env", "set", "CURRENT_SIGNING_KEY_VERSION_URI", ..]);
    }

    [Fact]
    public async Task ACurrentKeyNeverPinnedStopsTheScriptAfterItsBound()
    {
        _az.Answer($"az rest get {Current}", $"{CurrentId} Updating -\n");

        var run = await _az.RunAsync("rotate-signing-key.sh", FastWait);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("attestation-signing-key-current does not name 2222 yet", run.StandardError, StringComparison.Ordinal);
        Assert.Equal(3, Looks(Joined(run), Current).Count);
    }

    [Fact]
    public async Task APreviousKeyThatNeverNamesTheCurrentVersionStopsTheRotationBeforeANewVersion()
    {
        _az.Answer($"az rest get {Previous}.2", $"{OlderId} Succeeded Success\n");
        _az.Answer($"az rest get {Previous}", $"{OlderId} Succeeded Success\n");

        var run = await _az.RunAsync("rotate-signing-key.sh", FastWait);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Nothing was rotated", run.StandardError, StringComparison.Ordinal);
        Assert.Equal(3, run.Calls.Count(c => c is ["az", "rest", "--method", "get", ..]));
        Assert.DoesNotContain(run.Calls, c => c is ["az", "keyvault", "secret", "set", ..]);
        Assert.DoesNotContain(run.Calls, c => c is ["azd", "env", "set", ..]);
    }

    internal static List<string> Joined(ScriptRun run) => run.Calls.Select(c => string.Join(' ', c)).ToList();

    internal static IReadOnlyList<string> Patch(ScriptRun run, string namedValue) =>
        Assert.Single(run.Calls, c => c is ["az", "rest", "--method", "patch", "--url", var url, ..] && url.Contains($"/namedValues/{namedValue}?", StringComparison.Ordinal));

    internal static List<int> Looks(List<string> calls, string namedValue) =>
        calls.Select((c, i) => (c, i))
            .Where(x => x.c.StartsWith("az rest --method get", StringComparison.Ordinal) && x.c.Contains($"/namedValues/{namedValue}?", StringComparison.Ordinal))
            .Select(x => x.i).ToList();

    public void Dispose() => _az.Dispose();
}
