using System.Diagnostics;
using System.Text.Json;
using Attestation.Core.Errors;
using Attestation.Functions.Endpoints.Devices;
using Attestation.LocalHost;
using Attestation.TestSupport;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace Attestation.Functions.Tests.OpenApi;

/// <summary>docs/openapi.yaml is a clean OpenAPI 3.1 document of exactly the routes, codes and actions the backend has.</summary>
public class OpenApiDocumentTests
{
    /// <summary>Codes the backend answers that are not a domain <see cref="AttestationErrorCode"/>: a defect's 500, and the well-known routes' 404 in HS256 mode.</summary>
    private static readonly string[] CodesBesideTheDomainOnes = ["internal_error", "not_found"];

    [Fact]
    public async Task TheDocumentReadsAsOpenApi31WithNeitherErrorsNorWarnings()
    {
        var settings = new OpenApiReaderSettings();
        settings.AddYamlReader();
        await using var stream = File.OpenRead(ContractDocument.FilePath);

        var (document, diagnostic) = await OpenApiDocument.LoadAsync(stream, OpenApiConstants.Yaml, settings);

        Assert.NotNull(document);
        Assert.NotNull(diagnostic);
        Assert.Equal(OpenApiSpecVersion.OpenApi3_1, diagnostic.SpecificationVersion);
        Assert.Empty(diagnostic.Errors.Select(e => $"{e.Pointer}: {e.Message}"));
        Assert.Empty(diagnostic.Warnings.Select(e => $"{e.Pointer}: {e.Message}"));
        Assert.Equal("1.1", document.Info.Version);
    }

    [Fact]
    public void EveryRouteTheBackendServesIsDocumentedAndEveryDocumentedRouteIsServed()
    {
        var served = FunctionCatalog.Discover(typeof(AttestFunction).Assembly).Http
            .SelectMany(f => f.HttpMethods.Select(m => $"{m.ToUpperInvariant()} /{f.Route}"))
            .Order(StringComparer.Ordinal)
            .ToList();
        var documented = ContractDocument.Instance.Operations.Order(StringComparer.Ordinal).ToList();

        Assert.Equal(documented, served);
    }

    [Fact]
    public void TheServerOfTheLocalRunIsTheHostJsonPrefix()
    {
        var prefix = LocalFunctionsHost.ReadRoutePrefix(Path.Combine(RepositoryPaths.Root, "host.json"));

        var local = ContractDocument.Instance.Root.GetProperty("servers")[0].GetProperty("url").GetString();

        Assert.Equal($"http://127.0.0.1:7071/{prefix}", local);
    }

    [Fact]
    public void EveryDocumentedOperationIsDrivenByAFlow()
    {
        var driven = ContractFlows.All.Select(f => f.Operation).ToHashSet(StringComparer.Ordinal);

        var undriven = ContractDocument.Instance.Operations.Where(o => !driven.Contains(o));

        Assert.Empty(undriven);
    }

    [Fact]
    public void TheProblemCodesAreEveryCodeTheBackendAnswers()
    {
        var backend = Enum.GetValues<AttestationErrorCode>().Select(c => c.ToWireName()).Concat(CodesBesideTheDomainOnes).Distinct().Order(StringComparer.Ordinal);

        Assert.Equal(backend, Enumeration("ProblemCode").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void TheActionsAreTheSixOfTheContract()
    {
        var backend = Enum.GetValues<AttestationAction>().Select(a => a.ToWireName()).Order(StringComparer.Ordinal);

        Assert.Equal(backend, Enumeration("ProblemAction").Order(StringComparer.Ordinal));
        Assert.Equal(6, Enumeration("ProblemAction").Count());
    }

    [Fact]
    public async Task TheDocumentLintsCleanWithRedocly()
    {
        // Redocly CLI, pinned in package.json and installed by `npm ci` as Azurite is; redocly.yaml names the rules it turns off.
        var redocly = Path.Combine(RepositoryPaths.Root, "node_modules", ".bin", "redocly");
        Assert.True(File.Exists(redocly), $"{redocly} is missing: run `npm ci` at the repository root");
        var start = new ProcessStartInfo(redocly)
        {
            WorkingDirectory = RepositoryPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { "lint", "docs/openapi.yaml", "--format=json" },
        };

        // Redocly would otherwise send usage data and look for a newer version; this machine's tests stay offline.
        start.Environment["REDOCLY_TELEMETRY"] = "off";
        start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);

        var report = $"{await output}\n{await errors}";
        Assert.True(process.ExitCode == 0, report);
        using var json = JsonDocument.Parse(await output);
        var totals = json.RootElement.GetProperty("totals");
        Assert.True(totals.GetProperty("errors").GetInt32() == 0 && totals.GetProperty("warnings").GetInt32() == 0, report);
    }

    private static IEnumerable<string> Enumeration(string schema) =>
        ContractDocument.Instance.Root.GetProperty("components").GetProperty("schemas").GetProperty(schema).GetProperty("enum")
            .EnumerateArray().Select(e => e.GetString()!);
}
