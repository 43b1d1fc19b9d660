namespace Attestation.Infrastructure.Tests;

/// <summary>
/// infra/scripts/postprovision.sh, run against a fake <c>az</c> and <c>azd</c>: it checks that <c>az</c> acts as azd's
/// account, waits (bounded) for the deployer's Key Vault role, creates the signing secret and the challenge key once each,
/// and provisions a second time, again and again within a bound while API Management's new role does not apply yet.
/// </summary>
public sealed class PostprovisionHookTests : IDisposable
{
    internal const string Forbidden = "ERROR: (Forbidden) Caller is not authorized to perform action on resource. Code: Forbidden\n";
    internal const string NotFound = "ERROR: (SecretNotFound) A secret with (name/id) token-signing-key was not found in this key vault.\n";

    internal static readonly Dictionary<string, string> Environment = new(StringComparer.Ordinal)
    {
        ["AZURE_KEY_VAULT_NAME"] = "kv-x",
        ["SIGNING_SECRET_NAME"] = "token-signing-key",
        ["CHALLENGE_SECRET_NAME"] = "challenge-key",
        ["AZURE_TENANT_ID"] = "tenant-1",
        ["AZURE_SUBSCRIPTION_ID"] = "subscription-1",
        ["AZURE_PRINCIPAL_ID"] = "object-1",
        ["HOOK_WAIT_ATTEMPTS"] = "3",
        ["HOOK_WAIT_SECONDS"] = "0",
        ["HOOK_PROVISION_ATTEMPTS"] = "3",
        ["HOOK_PROVISION_DELAY_SECONDS"] = "0",
    };

    private readonly FakeAzureCli _az = new();

    public PostprovisionHookTests() => AnswerAsAFirstDeployment(_az);

    /// <summary>
    /// az signed in as azd's account; the first read is refused (the role has not applied), then neither secret exists;
    /// the second provision fails once (API Management's role has not applied) and then succeeds.
    /// </summary>
    internal static void AnswerAsAFirstDeployment(FakeAzureCli az)
    {
        az.Answer("az account show", "tenant-1\nsubscription-1\nalex@contoso.com\nuser\n");
        az.Answer("az ad signed-in-user show", "object-1\n");
        az.Answer("az keyvault secret show.1", Forbidden, exitCode: 1);
        az.Answer("az keyvault secret show", NotFound, exitCode: 1);
        az.Answer("azd provision.1", "ERROR: deployment failed: Forbidden\n", exitCode: 1);
    }

    [Fact]
    public async Task AFirstDeploymentWaitsForAccessCreatesBothSecretsAndProvisionsAgainUntilItSucceeds()
    {
        var run = await _az.RunAsync("postprovision.sh", Environment);

        Assert.True(run.ExitCode == 0, run.StandardError);
        var calls = run.Calls.Select(c => string.Join(' ', c)).ToList();
        Assert.Equal(3, calls.Count(c => c.StartsWith("az keyvault secret show --vault-name kv-x", StringComparison.Ordinal)));
        var created = run.Calls.Where(c => c is ["az", "keyvault", "secret", "set", ..]).ToList();
        Assert.Equal(["token-signing-key", "challenge-key"], created.Select(c => After(c, "--name")));
        Assert.Equal("HS256 key: base64 of 32 random bytes", After(created[0], "--content-type"));
        Assert.Equal("Challenge MAC key: base64 of 32 random bytes", After(created[1], "--content-type"));
        Assert.All(created, c =>
        {
            Assert.Equal("kv-x", After(c, "--vault-name"));
            Assert.DoesNotContain("--value", c);
            Assert.False(File.Exists(After(c, "--file")), "The temporary file with the secret was left behind.");
        });
        var flagged = calls.IndexOf("azd env set SIGNING_SECRET_READY true");
        var provisions = calls.Select((c, i) => (c, i)).Where(x => x.c == "azd provision --no-prompt").Select(x => x.i).ToList();
        Assert.Equal(2, provisions.Count);
        Assert.True(calls.FindLastIndex(c => c.StartsWith("az keyvault secret set", StringComparison.Ordinal)) < flagged && flagged < provisions[0], string.Join('\n', calls));
        Assert.Contains("Waiting for Key Vault access to apply (1/3", run.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("The second provision failed (1/3)", run.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExistingSecretsAndTheFlagMeanNothingIsCreatedNorProvisioned()
    {
        _az.Answer("az keyvault secret show.1", "https://kv-x.vault.azure.net/secrets/token-signing-key/1111\n");
        _az.Answer("az keyvault secret show", "https://kv-x.vault.azure.net/secrets/challenge-key/2222\n");

        var run = await _az.RunAsync("postprovision.sh", new Dictionary<string, string>(Environment) { ["SIGNING_SECRET_READY"] = "true" });

        Assert.True(run.ExitCode == 0, run.StandardError);
        Assert.DoesNotContain(run.Calls, c => c is ["az", "keyvault", "secret", "set", ..]);
        Assert.DoesNotContain(run.Calls, c => c is ["azd", ..]);
    }

    [Fact]
    public async Task AccessThatNeverAppliesStopsAfterTheBoundAndNamesThePrincipalThatHasTheRole()
    {
        _az.Answer("az keyvault secret show", Forbidden, exitCode: 1);

        var run = await _az.RunAsync("postprovision.sh", Environment);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(3, run.Calls.Count(c => c is ["az", "keyvault", "secret", "show", ..]));
        Assert.Contains("cannot read token-signing-key in kv-x after 3 attempts", run.StandardError, StringComparison.Ordinal);
        Assert.Contains("azd's principal (object-1)", run.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain(run.Calls, c => c is ["azd", ..]);
    }

    [Fact]
    public async Task ASecondProvisionThatKeepsFailingStopsAfterTheBound()
    {
        _az.Answer("azd provision", "ERROR: deployment failed\n", exitCode: 1);

        var run = await _az.RunAsync("postprovision.sh", Environment);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(3, run.Calls.Count(c => c is ["azd", "provision", "--no-prompt"]));
        Assert.Contains("the second provision failed 3 times", run.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("other-tenant\nsubscription-1\nalex@contoso.com\nuser\n", "object-1", "az login --tenant tenant-1")]
    [InlineData("tenant-1\nother-subscription\nalex@contoso.com\nuser\n", "object-1", "az account set --subscription subscription-1")]
    [InlineData("tenant-1\nsubscription-1\nsam@contoso.com\nuser\n", "object-2", "az is signed in as sam@contoso.com (object id object-2), but azd as the principal object-1")]
    public async Task AzSignedInAsAnotherAccountTenantOrSubscriptionStopsTheHookBeforeAnythingElse(string account, string objectId, string message)
    {
        _az.Answer("az account show", account);
        _az.Answer("az ad signed-in-user show", objectId + "\n");

        var run = await _az.RunAsync("postprovision.sh", Environment);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains(message, run.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain(run.Calls, c => c is ["az", "keyvault", ..]);
    }

    [Fact]
    public async Task AServicePrincipalIsComparedByTheObjectIdOfItsClientId()
    {
        _az.Answer("az account show", "tenant-1\nsubscription-1\n00000000-0000-0000-0000-0000000000c1\nservicePrincipal\n");
        _az.Answer("az ad sp show", "object-2\n");

        var run = await _az.RunAsync("postprovision.sh", Environment);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains(run.Calls, c => c is ["az", "ad", "sp", "show", "--id", "00000000-0000-0000-0000-0000000000c1", ..]);
        Assert.Contains("but azd as the principal object-1", run.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APrincipalAzCannotLookUpIsNotHeldAgainstIt()
    {
        _az.Answer("az ad signed-in-user show", "ERROR: Insufficient privileges to complete the operation.\n", exitCode: 1);

        var run = await _az.RunAsync("postprovision.sh", Environment);

        Assert.True(run.ExitCode == 0, run.StandardError);
    }

    [Fact]
    public async Task AnAzThatIsNotSignedInStopsTheHookWithTheCommandToRun()
    {
        _az.Answer("az account show", "ERROR: Please run 'az login' to setup account.\n", exitCode: 1);

        var run = await _az.RunAsync("postprovision.sh", Environment);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("az is not signed in", run.StandardError, StringComparison.Ordinal);
        Assert.Contains("az login", run.StandardError, StringComparison.Ordinal);
    }

    internal static string After(IReadOnlyList<string> call, string option) => call[call.ToList().IndexOf(option) + 1];

    public void Dispose() => _az.Dispose();
}
