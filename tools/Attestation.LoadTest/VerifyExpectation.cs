using System.Text.Json;

namespace Attestation.LoadTest;

/// <summary>What a 200 from verify must say for a token the load test holds (docs/api.md, POST /api/v1/verify).</summary>
public static class VerifyExpectation
{
    /// <summary>Null when <paramref name="answer"/> is <c>valid: true</c> for this device and app, else what is wrong.</summary>
    public static string? Valid(JsonElement answer, string deviceId, string appId)
    {
        if (answer.ValueKind != JsonValueKind.Object || !answer.TryGetProperty("valid", out var valid) || valid.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            return "the answer has no boolean 'valid'.";
        }

        if (!valid.GetBoolean())
        {
            return $"a fresh token verified as valid:false ({ReasonOf(answer)}).";
        }

        if (Text(answer, "deviceId") != deviceId)
        {
            return "a valid answer names another device.";
        }

        return Text(answer, "appId") == appId ? null : "a valid answer names another app.";
    }

    /// <summary>Null when <paramref name="answer"/> is <c>valid: false</c> with <paramref name="reason"/>, else what is wrong.</summary>
    public static string? Invalid(JsonElement answer, string reason)
    {
        if (answer.ValueKind != JsonValueKind.Object || !answer.TryGetProperty("valid", out var valid) || valid.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            return "the answer has no boolean 'valid'.";
        }

        if (valid.GetBoolean())
        {
            return $"a token expected to be refused ({reason}) verified as valid:true.";
        }

        var actual = ReasonOf(answer);
        return actual == reason ? null : $"expected reason {reason}, got {actual}.";
    }

    private static string ReasonOf(JsonElement answer) => Text(answer, "reason") switch
    {
        null => "no reason",
        // Reasons are the contract's short words; anything else is shown by length only, never echoed at length.
        { Length: <= 32 } reason when reason.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') => reason,
        { } other => $"an unexpected reason of {other.Length} characters",
    };

    private static string? Text(JsonElement answer, string name) =>
        answer.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
