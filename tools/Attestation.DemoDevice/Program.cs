using System.Net.Http.Json;
using System.Text.Json;
using Attestation.Client;

// Acts as a device with the client library's debug provider against a running backend (scripts/run-local.sh):
// challenge -> attest (token bound to a user session) -> verify -> refresh -> verify consume, twice.
// Usage: dotnet run --project tools/Attestation.DemoDevice -- [--url http://127.0.0.1:7071] [--app com.contoso.demo] [--debug-token local-debug-token]
//        [--verify-key KEY]  (verify is for API backends: with a verify key configured it takes one, sent as a function key;
//        the local sample configures none, and then verify is open on a developer machine)
var options = ReadOptions(args);
using var http = new HttpClient { BaseAddress = new Uri(options["--url"]) };
const string Session = "Bearer demo-user-session";
var binding = ChallengeBytes.Binding(Session);
var failures = 0;

// The device's side goes through the library, one protocol call per step so that each can be shown; an app would ask
// AttestationTokenSource for a token and let it choose between attest and refresh.
var service = new AttestationServiceClient(http, http.BaseAddress, options["--app"]);
var device = new DebugAttestationProvider(options["--debug-token"]);

try
{
    Step("1. challenge");
    Console.WriteLine("POST /api/v1/challenge");
    var challenge = await service.GetChallengeAsync();
    Console.WriteLine($"   challenge: {challenge}");

    Step("2. attest (debug provider, token bound to the user's session)");
    Console.WriteLine("POST /api/v1/attest");
    var attested = await service.AttestAsync(challenge, await device.AttestAsync(challenge, CancellationToken.None), binding);
    ShowToken(attested);

    Step("3. verify, as an API would, with the session it received");
    var verified = await PostAsync("/api/v1/verify", new { token = attested.Value, binding = Session });
    Show(verified);
    Expect(verified.GetProperty("valid").GetBoolean(), "the attested token verifies");

    Step("4. refresh with a new challenge");
    Console.WriteLine("POST /api/v1/challenge");
    var second = await service.GetChallengeAsync();
    Console.WriteLine("POST /api/v1/token/refresh");
    var proof = await device.ProveAsync(attested.DeviceId, second, CancellationToken.None)
        ?? throw new InvalidOperationException("The debug provider always refreshes.");
    var refreshed = await service.RefreshAsync(attested.DeviceId, second, proof);
    ShowToken(refreshed);

    Step("5. verify the refreshed token as single use, twice");
    var token = refreshed.Value;
    var first = await PostAsync("/api/v1/verify", new { token, consume = true });
    Show(first);
    var again = await PostAsync("/api/v1/verify", new { token, consume = true });
    Show(again);
    Expect(first.GetProperty("valid").GetBoolean(), "the first consuming verify is valid");
    Expect(again.TryGetProperty("reason", out var reason) && reason.GetString() == "already_consumed", "the second is already_consumed");
}
catch (HttpRequestException unreachable)
{
    Console.Error.WriteLine($"The backend at {options["--url"]} did not answer ({unreachable.Message}). Start it with scripts/run-local.sh.");
    return 2;
}
catch (AttestationException refused)
{
    Console.Error.WriteLine($"{refused.Message} Next: {refused.Action?.ToString() ?? "none readable"}.");
    return 1;
}
catch (DemoStepException refused)
{
    Console.Error.WriteLine(refused.Message);
    return 1;
}

Console.WriteLine(failures == 0 ? "\nThe full flow completed." : $"\n{failures} expectation(s) failed.");
return failures == 0 ? 0 : 1;

async Task<JsonElement> PostAsync(string path, object body)
{
    Console.WriteLine($"POST {path}");
    using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
    if (path.EndsWith("/verify", StringComparison.Ordinal))
    {
        // The device itself never calls verify; this step plays the API backend, which holds a verify key.
        if (options["--verify-key"].Length > 0)
        {
            request.Headers.Add("x-functions-key", options["--verify-key"]);
        }
    }

    using var response = await http.SendAsync(request);
    var text = await response.Content.ReadAsStringAsync();
    if (!response.IsSuccessStatusCode)
    {
        throw new DemoStepException($"{(int)response.StatusCode} {text}");
    }

    using var document = JsonDocument.Parse(text);
    return document.RootElement.Clone();
}

void Expect(bool condition, string what)
{
    Console.WriteLine(condition ? $"   ok: {what}" : $"   FAILED: {what}");
    failures += condition ? 0 : 1;
}

static void Step(string title) => Console.WriteLine($"\n{title}");

static void ShowToken(AttestationToken token)
{
    Console.WriteLine($"   token: {(token.Value.Length > 40 ? token.Value[..40] + "..." : token.Value)}");
    Console.WriteLine($"   expiresAt: {token.ExpiresAt.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}");
    Console.WriteLine($"   deviceId: {token.DeviceId}");
}

static void Show(JsonElement body)
{
    foreach (var property in body.EnumerateObject())
    {
        var value = property.Value.ToString();
        Console.WriteLine($"   {property.Name}: {(property.Name == "token" && value.Length > 40 ? value[..40] + "..." : value)}");
    }
}

static Dictionary<string, string> ReadOptions(string[] args)
{
    var options = new Dictionary<string, string>
    {
        ["--url"] = "http://127.0.0.1:" + (Environment.GetEnvironmentVariable("PORT") ?? "7071"),
        ["--app"] = "com.contoso.demo",
        ["--debug-token"] = "local-debug-token",
        ["--verify-key"] = string.Empty,
    };
    for (var i = 0; i + 1 < args.Length; i += 2)
    {
        if (!options.ContainsKey(args[i]))
        {
            throw new ArgumentException($"Unknown option {args[i]}; known: {string.Join(", ", options.Keys)}.");
        }

        options[args[i]] = args[i + 1];
    }

    return options;
}

internal sealed class DemoStepException(string message) : Exception(message);
