namespace Attestation.Infrastructure.Tests;

/// <summary>
/// infra/scripts/rotate-signing-key.sh, run against a fake <c>az</c> and <c>azd</c>: the named-value update carries the
/// If-Match the API requires, and no new secret version is made before API Management's "previous" key names the current one.
/// </summary>
public sealed class RotateSigningKeyScriptTests : IDisposable
{
    private const string ApimId = "/subscriptions/s/resourceGroups/rg-attest-prod/providers/Microsoft.ApiManagement/service/apim-x";
    private const string CurrentId = "https://kv-x.vault.azure.net/secrets/token-signing-key/1111";
    private const string NewId = "https://kv-x.vault.azure.net/secrets/token-signing-key/2222";

    private static readonly Dictionary<string, string> FastWait = new(StringComparer.Ordinal)
    {
        ["ROTATE_WAIT_ATTEMPTS"] = "3",
        ["ROTATE_WAIT_SECONDS"] = "0",
    };

    private readonly FakeAzureCli _az = new();

    public RotateSigningKeyScriptTests()
    {
        _az.Answer("azd env get-value AZURE_KEY_VAULT_NAME", "kv-x\n");
        _az.Answer("azd env get-value SIGNING_SECRET_NAME", "token-signing-key\n");
        _az.Answer("azd env get-value AZURE_API_MANAGEMENT_ID", ApimId + "\n");
        _az.Answer("azd env get-value API_MANAGEMENT_IDENTITY_CLIENT_ID", "client-id\n");
        _az.Answer("az keyvault secret show", CurrentId + "\n");
        _az.Answer("az keyvault secret set", NewId + "\n");
    }

    [Fact]
    public async Task ThePreviousKeyIsPatchedUnconditionallyAndAwaitedBeforeANewVersionIsMade()
    {
        _az.Answer("az rest get.1", "https://kv-x.vault.azure.net/secrets/token-signing-key/0000 Succeeded\n");
        _az.Answer("az rest get.2", $"{CurrentId} Updating\n");
        _az.Answer("az rest get", $"{CurrentId} Succeeded\n");

        var run = await _az.RunAsync("rotate-signing-key.sh", FastWait);

        Assert.True(run.ExitCode == 0, run.StandardError);
        var calls = run.Calls.Select(c => string.Join(' ', c)).ToList();
        var patch = Assert.Single(run.Calls, c => c is ["az", "rest", "--method", "patch", ..]);
        Assert.Equal("If-Match=*", patch[patch.ToList().IndexOf("--headers") + 1]);
        Assert.Contains($"\"secretIdentifier\":\"{CurrentId}\"", patch[patch.ToList().IndexOf("--body") + 1], StringComparison.Ordinal);
        Assert.Contains($"{ApimId}/namedValues/attestation-signing-key-previous?api-version=", patch[patch.ToList().IndexOf("--url") + 1], StringComparison.Ordinal);

        var patched = calls.FindIndex(c => c.StartsWith("az rest --method patch", StringComparison.Ordinal));
        var waits = calls.Select((c, i) => (c, i)).Where(x => x.c.StartsWith("az rest --method get", StringComparison.Ordinal)).Select(x => x.i).ToList();
        var created = calls.FindIndex(c => c.StartsWith("az keyvault secret set", StringComparison.Ordinal));
        var remembered = calls.FindIndex(c => c == $"azd env set PREVIOUS_SIGNING_KEY_VERSION_URI {CurrentId}");
        Assert.Equal(3, waits.Count);
        Assert.True(patched < waits[0] && waits[^1] < remembered && remembered < created, string.Join('\n', calls));
        Assert.Contains(calls, c => c.StartsWith("az rest --method post", StringComparison.Ordinal) && c.Contains("attestation-signing-key-current/refreshSecret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task APreviousKeyThatNeverNamesTheCurrentVersionStopsTheRotationBeforeANewVersion()
    {
        _az.Answer("az rest get", "https://kv-x.vault.azure.net/secrets/token-signing-key/0000 Succeeded\n");

        var run = await _az.RunAsync("rotate-signing-key.sh", FastWait);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("nothing was rotated", run.StandardError, StringComparison.Ordinal);
        Assert.Equal(3, run.Calls.Count(c => c is ["az", "rest", "--method", "get", ..]));
        Assert.DoesNotContain(run.Calls, c => c is ["az", "keyvault", "secret", "set", ..]);
        Assert.DoesNotContain(run.Calls, c => c is ["azd", "env", "set", ..]);
    }

    public void Dispose() => _az.Dispose();
}
