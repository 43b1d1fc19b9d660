using System.Formats.Cbor;
using System.Net;
using System.Text.Json;
using Attestation.Core.Errors;
using Attestation.Core.Text;
using Attestation.TestSupport;

namespace Attestation.Functions.Tests.Telemetry;

/// <summary>
/// Issue 16, finding 5: text from a request (a CBOR map key, a JSON property name, a challenge, a platform or app name, an
/// admin API body) never reaches a log line or a problem detail raw. Each parser's error path is fed CR/LF, ANSI escape
/// sequences, U+2028 and overlong text through the real HTTP endpoints; no captured line and no detail may hold a character
/// that could break a line, and every detail is bounded.
/// </summary>
public class RequestTextInLogsTests
{
    /// <summary>A forged log line, a terminal escape that clears the screen and recolours, and a Unicode line separator.</summary>
    private const string Forgery = "x\r\nWarning Attestation: Attested app com.contoso.demo\n\u001b[2J\u001b[31m\u2028\u2029\u0085\u202E";

    private static readonly string Overlong = Forgery + new string('z', 20_000);

    [Fact]
    public async Task EveryParserErrorPathKeepsRequestTextOutOfLogLinesAndDetailsRaw()
    {
        using var logs = new CapturingLoggerProvider();
        await using var backend = await RunningBackend.StartAsync(logs: logs);
        var details = new List<string>();
        async Task SendAsync(Task<HttpResponseMessage> sending)
        {
            using var response = await sending;
            Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
            Assert.True((int)response.StatusCode < 500, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            details.Add(await DetailAsync(response));
        }

        foreach (var text in new[] { Forgery, Overlong })
        {
            // App Attest: a CBOR map whose key comes twice (the finding's example), at the top level of the attestation object.
            await SendAsync(backend.PostAsync("/api/v1/attest", new
            {
                appId = RunningBackend.DemoApp,
                platform = "apple-app-attest",
                challenge = await backend.ChallengeAsync(),
                evidence = new { keyId = Base64Flexible.ToBase64Url(new byte[32]), attestationObject = Convert.ToBase64String(CborMapWithDuplicateKey(text)) },
            }));

            // Android (DER certificates in base64) and Play Integrity (a JWE or JWS), each given the text as its evidence.
            await SendAsync(backend.PostAsync("/api/v1/attest", new { appId = RunningBackend.DemoApp, platform = "android-key-attestation", challenge = await backend.ChallengeAsync(), evidence = new { certificateChain = new[] { text, text } } }));
            await SendAsync(backend.PostAsync("/api/v1/attest", new { appId = RunningBackend.DemoApp, platform = "play-integrity", challenge = await backend.ChallengeAsync(), evidence = new { integrityToken = text + "." + text + "." + text } }));

            // The JSON body itself: a property name that the parser's path names, in a body that does not parse.
            await SendAsync(backend.PostRawAsync("/api/v1/attest", $$"""{"appId": "{{RunningBackend.DemoApp}}", {{JsonSerializer.Serialize(text)}}: [}"""));
            await SendAsync(backend.PostRawAsync("/api/v1/attest", "{\"appId\": {\"" + JsonEncoded(text) + "\": 1}}"));

            // The challenge format, the app id, the platform name, the debug token and the device id of a refresh.
            await SendAsync(backend.PostAsync("/api/v1/attest", new { appId = RunningBackend.DemoApp, platform = "debug", challenge = text, evidence = new { debugToken = RunningBackend.DebugToken } }));
            await SendAsync(backend.PostAsync("/api/v1/challenge", new { appId = text }));
            await SendAsync(backend.PostAsync("/api/v1/attest", new { appId = RunningBackend.DemoApp, platform = text, challenge = await backend.ChallengeAsync(), evidence = new { debugToken = RunningBackend.DebugToken } }));
            await SendAsync(backend.AttestDebugAsync(debugToken: text));
            await SendAsync(backend.RefreshDebugAsync(text, debugToken: text));

            // Verify answers a token it cannot read with 200 and a reason of the contract's own.
            using var verified = await backend.PostAsync("/api/v1/verify", new { token = text, binding = text });
            Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
        }

        Assert.Contains(logs.Lines, line => line.Contains("Refused app", StringComparison.Ordinal));
        Assert.Contains(details, detail => detail.Contains("twice", StringComparison.Ordinal));
        AssertNoRawText(logs, details);
    }

    [Fact]
    public async Task AdminApiBodiesAndRoutesKeepRequestTextOutOfLogLinesAndDetailsRaw()
    {
        var fixture = new EntraIdBackendFixture();
        await fixture.InitializeAsync();
        try
        {
            var details = new List<string>();
            foreach (var text in new[] { Forgery, Overlong })
            {
                var appId = $"com.test.{Guid.NewGuid():N}";
                foreach (var body in new object[]
                {
                    new { appId, platforms = new[] { text }, failureMode = text },
                    new { appId = text, platforms = new[] { "debug" }, debugTokenSha256 = new[] { text } },
                    new { appId, platforms = new[] { "play-integrity" }, playIntegrity = new { packageName = appId, mode = text, allowedAppRecognitionVerdicts = new[] { text } } },
                    new Dictionary<string, object> { ["appId"] = appId, [text] = new[] { 1 } },
                })
                {
                    using var response = await fixture.DebugGrantorAsync(HttpMethod.Post, "/api/v1/admin/apps", body);
                    Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
                    details.Add(await DetailAsync(response));
                }

                using var unknown = await fixture.AdminAsync(HttpMethod.Get, $"/api/v1/admin/apps/{Uri.EscapeDataString(text[..Math.Min(text.Length, 1000)])}");
                Assert.True((int)unknown.StatusCode is >= 400 and < 500);
                details.Add(await DetailAsync(unknown));
            }

            Assert.Contains(details, detail => detail.Contains("unknown platform", StringComparison.Ordinal));
            AssertNoRawText(fixture.Logs, details);
        }
        finally
        {
            await fixture.DisposeAsync();
        }
    }

    private static void AssertNoRawText(CapturingLoggerProvider logs, List<string> details)
    {
        Assert.NotEmpty(logs.Lines);
        foreach (var line in logs.Lines)
        {
            // The backend's own lines hold no control character at all; a library's may break its own message over lines
            // (IdentityModel does), but none may carry what only the request sent.
            Assert.True(IsOurs(line) ? HasNoLineBreakingCharacter(line) : HasNoneOfTheForgery(line), $"A log line holds raw request text: {Visible(line)}");
        }

        foreach (var detail in details)
        {
            Assert.True(HasNoLineBreakingCharacter(detail), $"A detail holds raw request text: {Visible(detail)}");
            Assert.True(detail.Length <= AttestationException.MaxDetailLength + 1, $"A detail has {detail.Length} characters.");
        }

        // Overlong text is cut before it reaches a line of the backend's (the framework logs the URL, percent-encoded, as sent).
        Assert.DoesNotContain(logs.Lines, line => IsOurs(line) && line.Contains(new string('z', 200), StringComparison.Ordinal));
    }

    private static bool IsOurs(string line) => line.Split(' ', 3) is [_, var category, _] && category.StartsWith("Attestation.", StringComparison.Ordinal);

    /// <summary>Checked here by hand rather than with <see cref="UntrustedText.IsSafe"/>, so that the test does not trust the code under test.</summary>
    private static bool HasNoLineBreakingCharacter(string text) =>
        !text.Any(c => char.IsControl(c) || c is '\u2028' or '\u2029' or '\u202E');

    private static bool HasNoneOfTheForgery(string text) =>
        !text.Any(c => c is '\r' or '\u001b' or '\u2028' or '\u2029' or '\u0085' or '\u202E')
        && !text.Contains("\nWarning Attestation", StringComparison.Ordinal);

    private static string Visible(string text) => string.Concat(text.Take(400).Select(c => c < ' ' || c > '~' ? $"<{(int)c:X}>" : c.ToString()));

    private static async Task<string> DetailAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(body);
        return problem.RootElement.GetProperty("detail").GetString()!;
    }

    private static string JsonEncoded(string text) => JsonSerializer.Serialize(text)[1..^1];

    private static byte[] CborMapWithDuplicateKey(string key)
    {
        // Lax: the writer would refuse the duplicate key the test needs in a stricter mode.
        var writer = new CborWriter(CborConformanceMode.Lax);
        writer.WriteStartMap(3);
        writer.WriteTextString("fmt");
        writer.WriteTextString("apple-appattest");
        writer.WriteTextString(key);
        writer.WriteInt32(1);
        writer.WriteTextString(key);
        writer.WriteInt32(2);
        writer.WriteEndMap();
        return writer.Encode();
    }
}
