using System.Text.Json;
using System.Text.Json.Nodes;
using Attestation.Core.Errors;

namespace Attestation.Cli;

/// <summary>The one JSON object of docs/cli.md: <c>{"valid", "code", "detail", "facts"}</c>.</summary>
public sealed class VerificationReport
{
    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    private VerificationReport(bool valid, string code, string detail, JsonObject facts)
    {
        Valid = valid;
        Code = code;
        Detail = detail;
        Facts = facts;
    }

    public bool Valid { get; }

    /// <summary><c>ok</c> or a code of the HTTP contract.</summary>
    public string Code { get; }

    public string Detail { get; }

    /// <summary>What was read from the evidence, whatever the outcome.</summary>
    public JsonObject Facts { get; }

    public static VerificationReport Ok(string detail, JsonObject facts) => new(true, "ok", detail, facts);

    public static VerificationReport Refused(AttestationException error, JsonObject facts)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new(false, error.Code.ToWireName(), error.Detail, facts);
    }

    public string ToJson() => ToJsonObject().ToJsonString(Compact);

    /// <summary>The report of a <c>--repeat</c> run: the last result, with the count and the rate measured.</summary>
    public string ToJson(int repeat, double opsPerSecond)
    {
        var json = ToJsonObject();
        json["repeat"] = repeat;
        json["opsPerSecond"] = opsPerSecond;
        return json.ToJsonString(Compact);
    }

    private JsonObject ToJsonObject() =>
        new()
        {
            ["valid"] = Valid,
            ["code"] = Code,
            ["detail"] = Detail,
            ["facts"] = Facts.DeepClone(),
        };
}
