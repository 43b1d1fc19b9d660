using Attestation.Core.Apps;
using Attestation.Core.Attestations;
using Attestation.Core.Platforms;
using Attestation.Core.Platforms.Debug;

namespace Attestation.Core.Tests.Apps;

public class AppPolicyReaderTests
{
    private const string LocalDebugTokenSha256 = "e2fbfc533db9e315d52e7b74fb097270ea7c0623f16da29978b3d95e52502009";

    // Only the debug platform is registered: the others' sections are checked by their own validators' tests.
    private static readonly AppPolicyReader Reader = new(new PlatformCatalog([DebugPlatformRegistration.Create(production: false)]));

    [Fact]
    public void AValidAppBecomesAPolicy()
    {
        var policies = Reader.Read(Options(App("com.contoso.demo", "decoy", ["debug", "apple-app-attest"], [LocalDebugTokenSha256])), out var errors);

        Assert.Empty(errors);
        var policy = Assert.Single(policies);
        Assert.Equal(FailureMode.Decoy, policy.FailureMode);
        Assert.True(policy.IsPlatformEnabled("debug"));
        Assert.False(policy.IsPlatformEnabled("play-integrity"));
        Assert.True(policy.Debug.IsRegistered("local-debug-token"));
        Assert.False(policy.Debug.IsRegistered("local-debug-tokeN"));
    }

    [Theory]
    [InlineData("com.contoso/demo", "reject", "debug", LocalDebugTokenSha256, "AppId must be")]
    [InlineData("com.contoso.demo", "silent", "debug", LocalDebugTokenSha256, "FailureMode must be 'reject' or 'decoy'")]
    [InlineData("com.contoso.demo", "reject", "windows-hello", LocalDebugTokenSha256, "unknown platform 'windows-hello'")]
    [InlineData("com.contoso.demo", "reject", "debug", "abc", "DebugTokenSha256 entries must be 64 hex digits")]
    public void EachProblemIsNamed(string appId, string mode, string platform, string hash, string expected)
    {
        Reader.Read(Options(App(appId, mode, [platform], [hash])), out var errors);

        Assert.Contains(errors, e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void AnAppWithoutAMaximumRegistrationAgeGetsThirtyDaysAndOneWithItsOwnKeepsIt()
    {
        var own = App("com.contoso.own", "reject", ["debug"], [LocalDebugTokenSha256]);
        own.MaximumRegistrationAge = TimeSpan.FromDays(7);

        var policies = Reader.Read(Options(App("com.contoso.demo", "reject", ["debug"], [LocalDebugTokenSha256]), own), out var errors);

        Assert.Empty(errors);
        Assert.Equal(TimeSpan.FromDays(30), policies[0].MaximumRegistrationAge);
        Assert.Equal(TimeSpan.FromDays(7), policies[1].MaximumRegistrationAge);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(365 * 24 * 3600 + 1)]
    public void AMaximumRegistrationAgeOfNothingOrOverAYearIsRefused(int seconds)
    {
        var app = App("com.contoso.demo", "reject", ["debug"], [LocalDebugTokenSha256]);
        app.MaximumRegistrationAge = TimeSpan.FromSeconds(seconds);

        var policies = Reader.Read(Options(app), out var errors);

        Assert.Empty(policies);
        Assert.Equal("Attestation:Apps:0 (com.contoso.demo): MaximumRegistrationAge must be more than zero and at most 365 days.", Assert.Single(errors));
    }

    [Fact]
    public void DebugWithoutAnyDebugTokenIsRefused()
    {
        Reader.Read(Options(App("com.contoso.demo", "reject", ["debug"], [])), out var errors);

        Assert.Contains(errors, e => e.Contains("lists no debug token", StringComparison.Ordinal));
    }

    [Fact]
    public void AnAppRegisteredTwiceIsRefused()
    {
        Reader.Read(Options(App("a.b", "reject", ["apple-app-attest"], []), App("a.b", "reject", ["apple-app-attest"], [])), out var errors);

        Assert.Contains(errors, e => e.Contains("registered twice", StringComparison.Ordinal));
    }

    [Fact]
    public void TheValidatorFailsTheStartWithEveryProblemListed()
    {
        var result = new AppPolicyOptionsValidator(Reader).Validate(null, Options(App("", "nope", [], [])));

        Assert.True(result.Failed);
        Assert.Contains("AppId must be", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("FailureMode must be", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Platforms is empty", result.FailureMessage, StringComparison.Ordinal);
    }

    private static AppPolicyOptions Options(params AppPolicyConfiguration[] apps)
    {
        var options = new AppPolicyOptions();
        foreach (var app in apps)
        {
            options.Apps.Add(app);
        }

        return options;
    }

    private static AppPolicyConfiguration App(string appId, string mode, string[] platforms, string[] hashes)
    {
        var app = new AppPolicyConfiguration { AppId = appId, FailureMode = mode };
        foreach (var platform in platforms)
        {
            app.Platforms.Add(platform);
        }

        foreach (var hash in hashes)
        {
            app.DebugTokenSha256.Add(hash);
        }

        return app;
    }
}
