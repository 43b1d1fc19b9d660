using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Attestation.Core.Errors;
using Attestation.Core.Platforms.PlayIntegrity;
using Attestation.Core.Telemetry;
using Attestation.Core.Tokens;
using Attestation.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Attestation.Infrastructure.Tests;

/// <summary>
/// The operators' workbook and alert rules (infra/modules/workbook.bicep, alerts.bicep) as they would be deployed: every
/// panel and alert the issue names is there, and every metric and tag their queries name is one the backend really emits,
/// learnt from <see cref="AttestationMetrics"/> itself through a <see cref="MeterListener"/>, not from its source text.
/// </summary>
public sealed partial class OperationsMonitoringTests
{
    private const string AlertEmail = "'operators@contoso.com'";

    public static TheoryData<string> IssuePanels =>
    [
        "attestations-over-time",
        "refreshes-over-time",
        "refusals-by-code",
        "decoys-issued",
        "verify-outcomes",
        "latency-percentiles",
        "google-calls",
        "play-integrity-budget",
        "apple-receipt-refreshes",
        "devices-registered",
        "devices-revoked",
    ];

    private static readonly string[] AlertNames =
    [
        "attestation-invalid-jump",
        "decoy-rate-jump",
        "unavailable-503",
        "google-throttled",
        "apple-throttled",
        "signing-key-load-failed",
    ];

    public static TheoryData<string> IssueAlerts => new(AlertNames);

    [Theory]
    [MemberData(nameof(IssuePanels))]
    public async Task TheWorkbookHasEachPanelTheIssueNames(string panel)
    {
        var queries = await WorkbookQueriesAsync();

        Assert.True(queries.ContainsKey(panel), $"No workbook query item named '{panel}'.");
        Assert.False(string.IsNullOrWhiteSpace(queries[panel]));
    }

    [Fact]
    public async Task EveryMetricAndTagTheWorkbookQueriesIsOneTheBackendEmits()
    {
        var emitted = EmittedInstruments();

        foreach (var (panel, query) in await WorkbookQueriesAsync())
        {
            AssertNamesOnlyEmittedMetrics(panel, query, emitted);
        }
    }

    [Fact]
    public async Task TheWorkbookShowsEveryInstrumentTheBackendEmits()
    {
        var named = (await WorkbookQueriesAsync()).Values.SelectMany(MetricNames).ToHashSet(StringComparer.Ordinal);

        foreach (var instrument in EmittedInstruments().Keys)
        {
            Assert.Contains(instrument, named);
        }
    }

    [Fact]
    public async Task TheWorkbookQueriesTheDeploymentsApplicationInsights()
    {
        var snapshot = await TemplateSnapshot.GetAsync();
        var workbook = Assert.Single(snapshot.OfType("Microsoft.Insights/workbooks"));
        var insights = Assert.Single(snapshot.OfType("Microsoft.Insights/components"));
        var insightsId = $"/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-snap/providers/Microsoft.Insights/components/{insights["name"]!.GetValue<string>()}";

        Assert.Equal(insightsId, workbook["properties"]!["sourceId"]!.GetValue<string>());
        var data = JsonNode.Parse(workbook["properties"]!["serializedData"]!.GetValue<string>())!;
        Assert.Equal("Notebook/1.0", data["version"]!.GetValue<string>());
        Assert.Equal([insightsId], data["fallbackResourceIds"]!.AsArray().Select(id => id!.GetValue<string>()));
    }

    [Theory]
    [MemberData(nameof(IssueAlerts))]
    public async Task WithAnAlertEmailEachAlertTheIssueNamesTellsTheActionGroup(string alert)
    {
        var snapshot = await TemplateSnapshot.GetAsync(("alertEmail", AlertEmail));
        var group = Assert.Single(snapshot.OfType("Microsoft.Insights/actionGroups"));
        var rule = Assert.Single(snapshot.OfType("Microsoft.Insights/scheduledQueryRules"), r => r["name"]!.GetValue<string>().EndsWith($"-{alert}", StringComparison.Ordinal));
        var properties = rule["properties"]!;

        Assert.Equal("operators@contoso.com", Assert.Single(group["properties"]!["emailReceivers"]!.AsArray())!["emailAddress"]!.GetValue<string>());
        Assert.True(properties["enabled"]!.GetValue<bool>());
        Assert.EndsWith($"/providers/Microsoft.Insights/components/{Assert.Single(snapshot.OfType("Microsoft.Insights/components"))["name"]!.GetValue<string>()}",
            Assert.Single(properties["scopes"]!.AsArray())!.GetValue<string>(), StringComparison.Ordinal);
        Assert.EndsWith($"/providers/Microsoft.Insights/actionGroups/{group["name"]!.GetValue<string>()}",
            Assert.Single(properties["actions"]!["actionGroups"]!.AsArray())!.GetValue<string>(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(Assert.Single(properties["criteria"]!["allOf"]!.AsArray())!["query"]!.GetValue<string>()));
    }

    [Fact]
    public async Task EveryMetricAndTagTheAlertsQueryIsOneTheBackendEmits()
    {
        var emitted = EmittedInstruments();
        var snapshot = await TemplateSnapshot.GetAsync(("alertEmail", AlertEmail));

        var rules = snapshot.OfType("Microsoft.Insights/scheduledQueryRules").ToList();

        Assert.Equal(AlertNames.Length, rules.Count);
        foreach (var rule in rules)
        {
            var query = rule["properties"]!["criteria"]!["allOf"]![0]!["query"]!.GetValue<string>();
            AssertNamesOnlyEmittedMetrics(rule["name"]!.GetValue<string>(), query, emitted);
        }
    }

    [Fact]
    public async Task WithoutAnAlertEmailThereIsNeitherActionGroupNorAlertRule()
    {
        var snapshot = await TemplateSnapshot.GetAsync();
        var template = await CompiledTemplate.GetAsync();

        Assert.Equal("", template.DefaultOf("alertEmail")!.GetValue<string>());
        Assert.Empty(snapshot.OfType("Microsoft.Insights/actionGroups"));
        Assert.Empty(snapshot.OfType("Microsoft.Insights/scheduledQueryRules"));
        Assert.Single(snapshot.OfType("Microsoft.Insights/workbooks"));
    }

    [Fact]
    public void AMisspeltMetricInAQueryIsCaught()
    {
        var emitted = EmittedInstruments();

        var failure = Assert.ThrowsAny<Xunit.Sdk.XunitException>(() =>
            AssertNamesOnlyEmittedMetrics("misspelt", "customMetrics | where name == \"attestation.devices.registerd\"", emitted));
        Assert.Contains("attestation.devices.registerd", failure.Message, StringComparison.Ordinal);
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() =>
            AssertNamesOnlyEmittedMetrics("wrong tag", "customMetrics | where name == \"attestation.attestations\" | extend d = customDimensions.device", emitted));
    }

    /// <summary>
    /// A query over <c>customMetrics</c> names at least one metric, and each metric (a string literal starting
    /// "attestation.") and each <c>customDimensions</c> key it names is one the backend emits.
    /// </summary>
    private static void AssertNamesOnlyEmittedMetrics(string where, string query, Dictionary<string, IReadOnlySet<string>> emitted)
    {
        var metrics = MetricNames(query).ToList();
        if (query.Contains("customMetrics", StringComparison.Ordinal))
        {
            Assert.True(metrics.Count > 0, $"{where}: a customMetrics query that names no metric.");
        }

        foreach (var metric in metrics)
        {
            Assert.True(emitted.ContainsKey(metric), $"{where}: '{metric}' is no instrument of the meter {AttestationMetrics.MeterName}.");
        }

        var tags = emitted.Where(e => metrics.Contains(e.Key)).SelectMany(e => e.Value).ToHashSet(StringComparer.Ordinal);
        foreach (Match key in DimensionPattern().Matches(query))
        {
            Assert.True(tags.Contains(key.Groups[1].Value), $"{where}: no metric it queries has the tag '{key.Groups[1].Value}'.");
        }
    }

    private static IEnumerable<string> MetricNames(string query) =>
        MetricPattern().Matches(query).Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal);

    /// <summary>
    /// Each instrument AttestationMetrics creates, with the tag keys it records: the instruments as the meter publishes
    /// them, the tags from one call of every recording method, with every optional tag filled in.
    /// </summary>
    private static Dictionary<string, IReadOnlySet<string>> EmittedInstruments()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = services.GetRequiredService<IMeterFactory>();
        var tags = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == AttestationMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, factory))
            {
                lock (tags)
                {
                    tags.TryAdd(instrument.Name, new HashSet<string>(StringComparer.Ordinal));
                }

                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, _, recorded, _) => Keep(instrument, recorded));
        listener.SetMeasurementEventCallback<double>((instrument, _, recorded, _) => Keep(instrument, recorded));
        listener.Start();

        var metrics = new AttestationMetrics(factory);
        var decoy = new FlowOutcome { AppId = "com.contoso.demo", Platform = "debug" };
        decoy.MarkDecoy(AttestationErrorCode.AttestationInvalid);
        var issued = new FlowOutcome { AppId = "com.contoso.demo", Platform = "debug" };
        issued.MarkIssued();
        metrics.RecordAttestation(decoy, TimeSpan.FromMilliseconds(5));
        metrics.RecordAttestation(issued, TimeSpan.FromMilliseconds(5));
        metrics.RecordRefresh(decoy);
        metrics.RecordRefresh(issued);
        metrics.RecordVerification(TokenRefusal.BadSignature);
        metrics.RecordVerificationUnavailable();
        metrics.RecordGoogleCall("com.contoso.demo", GoogleCallOutcome.Throttled);
        metrics.RecordAppleReceiptRefresh("com.contoso.demo", "throttled");
        metrics.RecordAppleRiskMetric("com.contoso.demo", 3);
        metrics.RecordBatchCertificateDevices("com.contoso.demo", 2);
        metrics.RecordDeviceRegistered("com.contoso.demo", "debug");
        metrics.RecordDeviceRevocation("com.contoso.demo", "revoke");
        metrics.RecordSigningKeyLoad("failed");

        lock (tags)
        {
            // An instrument created but never recorded by the calls above would leave a tag unknown: fail rather than guess.
            Assert.All(tags, t => Assert.NotEmpty(t.Value));
            return tags.ToDictionary(t => t.Key, t => (IReadOnlySet<string>)t.Value, StringComparer.Ordinal);
        }

        void Keep(Instrument instrument, ReadOnlySpan<KeyValuePair<string, object?>> recorded)
        {
            lock (tags)
            {
                foreach (var tag in recorded)
                {
                    tags[instrument.Name].Add(tag.Key);
                }
            }
        }
    }

    private static async Task<Dictionary<string, string>> WorkbookQueriesAsync()
    {
        var snapshot = await TemplateSnapshot.GetAsync();
        var workbook = Assert.Single(snapshot.OfType("Microsoft.Insights/workbooks"));
        var data = JsonNode.Parse(workbook["properties"]!["serializedData"]!.GetValue<string>())!;

        // The file the module loads holds the same items, so a reader of infra/workbooks sees what is deployed.
        var file = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "infra", "workbooks", "attestation-operations.json")))!;
        Assert.Equal(file["items"]!.ToJsonString(), data["items"]!.ToJsonString());

        return data["items"]!.AsArray()
            .Where(item => item!["type"]!.GetValue<int>() == 3)
            .ToDictionary(item => item!["name"]!.GetValue<string>(), item => item!["content"]!["query"]!.GetValue<string>(), StringComparer.Ordinal);
    }

    [GeneratedRegex("\"(attestation\\.[a-z0-9_.]+)\"")]
    private static partial Regex MetricPattern();

    [GeneratedRegex("customDimensions\\.([A-Za-z0-9_]+)")]
    private static partial Regex DimensionPattern();
}
