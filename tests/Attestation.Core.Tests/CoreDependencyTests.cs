using Attestation.Core.Attestations;

namespace Attestation.Core.Tests;

/// <summary>The domain depends on nothing outside .NET: adapters (Attestation.Azure, Attestation.Google) reach outside systems.</summary>
public class CoreDependencyTests
{
    private static readonly string[] References =
        [.. typeof(AttestationService).Assembly.GetReferencedAssemblies().Select(a => a.Name ?? "")];

    [Fact]
    public void CoreReferencesNoAzureOrGooglePackage() =>
        Assert.DoesNotContain(References, name => name.StartsWith("Azure.", StringComparison.Ordinal) || name.StartsWith("Google.", StringComparison.Ordinal));

    [Fact]
    public void CoreOpensNoSocket() =>
        Assert.DoesNotContain(References, name => name is "System.Net.Http" or "System.Net.Sockets" or "System.Net.Requests");
}
