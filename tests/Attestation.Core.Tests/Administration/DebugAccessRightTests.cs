using Attestation.Core.Administration;
using Attestation.Core.Apps;
using Attestation.Core.Errors;

namespace Attestation.Core.Tests.Administration;

public class DebugAccessRightTests
{
    private const string Hash = "e2fbfc533db9e315d52e7b74fb097270ea7c0623f16da29978b3d95e52502009";
    private const string OtherHash = "47e0c442b8fc1c149af3ec8c96fb924a7ae41e4649b934a49599d1b7852b8555";
    private static readonly DebugAccessRight Lacking = DebugAccessRight.Lacking("the right to test");

    [Fact]
    public void ANewAppWithTheDebugPlatformIsRefusedWithoutTheRightNamingWhatIsMissing()
    {
        var error = Assert.Throws<AttestationException>(() => Lacking.RequireForChange(before: null, App(["debug"], Hash)));

        Assert.Equal(AttestationErrorCode.Forbidden, error.Code);
        Assert.Contains("the right to test", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ANewAppWithDebugTokenHashesButNoDebugPlatformIsRefusedWithoutTheRight()
    {
        var error = Assert.Throws<AttestationException>(() => Lacking.RequireForChange(before: null, App(["apple-app-attest"], Hash)));

        Assert.Equal(AttestationErrorCode.Forbidden, error.Code);
    }

    [Fact]
    public void ANewHashOnADebugAppIsRefusedWithoutTheRight()
    {
        var error = Assert.Throws<AttestationException>(() => Lacking.RequireForChange(App(["debug"], Hash), App(["debug"], Hash, OtherHash)));

        Assert.Equal(AttestationErrorCode.Forbidden, error.Code);
    }

    [Fact]
    public void KeepingOrRemovingDebugAccessPassesWithoutTheRight()
    {
        var before = App(["apple-app-attest", "debug"], Hash, OtherHash);

        Lacking.RequireForChange(before, App(["apple-app-attest", "debug"], Hash.ToUpperInvariant(), OtherHash));
        Lacking.RequireForChange(before, App(["apple-app-attest", "debug"], Hash));
        Lacking.RequireForChange(before, App(["apple-app-attest"]));
        Lacking.RequireForChange(before: null, App(["apple-app-attest"]));
    }

    [Fact]
    public void TheRightHeldLetsEveryChangeThrough()
    {
        DebugAccessRight.Held.RequireForChange(before: null, App(["debug"], Hash));
        DebugAccessRight.Held.RequireForChange(App(["apple-app-attest"]), App(["apple-app-attest", "debug"], Hash));
        DebugAccessRight.Held.Require("Creating a debug token");
    }

    private static AppPolicyConfiguration App(string[] platforms, params string[] hashes)
    {
        var app = new AppPolicyConfiguration { AppId = "com.test.app" };
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
