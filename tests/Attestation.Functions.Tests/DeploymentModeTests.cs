using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Attestation.Functions.Tests;

/// <summary>
/// Issue 16, finding 6: the development relaxations follow an explicit <c>Development</c> environment, not a guess about
/// the host. The backends here get their mode through their own configuration, never through the process environment.
/// </summary>
public class DeploymentModeTests
{
    [Theory]
    [InlineData("Development", null, true)]
    [InlineData("development", null, true)]
    [InlineData(" DEVELOPMENT ", null, true)]
    [InlineData(null, "Development", true)]
    [InlineData("", "Development", true)]
    [InlineData("Production", "Development", false)]
    [InlineData("Staging", null, false)]
    [InlineData("Dev", null, false)]
    [InlineData(null, null, false)]
    public void OnlyAnExplicitDevelopmentEnvironmentIsDevelopment(string? functionsEnvironment, string? dotnetEnvironment, bool development)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [DeploymentMode.FunctionsEnvironmentSetting] = functionsEnvironment,
            [DeploymentMode.DotnetEnvironmentSetting] = dotnetEnvironment,

            // What App Service sets: it used to make the mode, it now changes nothing.
            ["WEBSITE_INSTANCE_ID"] = development ? null : "",
            ["WEBSITE_SITE_NAME"] = development ? "func-example" : null,
        }).Build();

        Assert.Equal(development, DeploymentMode.From(configuration).IsDevelopment);
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    [InlineData("")]
    public async Task OutsideDevelopmentTheSampleSettingsStopTheStartOnAnyHost(string environment)
    {
        // No WEBSITE_* variable is set here, which used to mean "a developer machine": the sample's keys, test settings and
        // open verify were accepted. Production rules now apply unless the environment says Development.
        var refused = await Assert.ThrowsAsync<OptionsValidationException>(async () => await RunningBackend.StartAsync(
            settings: [$"--{DeploymentMode.FunctionsEnvironmentSetting}={environment}", $"--{DeploymentMode.DotnetEnvironmentSetting}="]));

        Assert.Contains("KeyVaultUri is required in production", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InDevelopmentTheSampleSettingsStartAndVerifyIsOpenWithoutAKey()
    {
        await using var backend = await RunningBackend.StartAsync(
            configureVerifyKey: false,
            settings: [$"--{DeploymentMode.FunctionsEnvironmentSetting}=Development"]);

        Assert.True(backend.Services.GetService(typeof(DeploymentMode)) is DeploymentMode { IsDevelopment: true });
        using var verified = await backend.Anonymous.PostAsync("/api/v1/verify", new StringContent("""{"token": "not-a-jwt"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.OK, verified.StatusCode);
    }
}
