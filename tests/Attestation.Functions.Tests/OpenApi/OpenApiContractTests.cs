using System.Text.Json;

namespace Attestation.Functions.Tests.OpenApi;

/// <summary>
/// Drives each flow of <see cref="ContractFlows"/> against the local host and checks what came back against
/// docs/openapi.yaml: the status is documented for the operation, the content type is the documented one, the body
/// validates against the documented schema, documented headers are present when required and match their schemas, and
/// a successful request's body validates against the operation's request schema. So the document and the backend cannot
/// drift apart without a failing test.
/// </summary>
public class OpenApiContractTests(ContractFixture fixture) : IClassFixture<ContractFixture>
{
    public static TheoryData<string> Flows => [.. ContractFlows.All.Select(f => f.Name)];

    [Theory]
    [MemberData(nameof(Flows))]
    public async Task EachFlowIsAnsweredAsTheDocumentSays(string name)
    {
        var flow = ContractFlows.Named(name);
        var exchange = await flow.Run(fixture);
        using var response = exchange.Response;
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(flow.Status == (int)response.StatusCode, $"{flow.Name}: expected {flow.Status}, got {(int)response.StatusCode}: {text}");

        var document = ContractDocument.Instance;
        var (documented, pointer) = document.Response(flow.Operation, flow.Status);
        CheckHeaders(document, documented, pointer, response);

        if (!documented.TryGetProperty("content", out var content))
        {
            Assert.True(text.Length == 0, $"{flow.Name}: the document gives {flow.Status} no body, but one came: {text}");
        }
        else
        {
            var mediaType = response.Content.Headers.ContentType?.MediaType;
            Assert.True(
                mediaType is not null && content.TryGetProperty(mediaType, out _),
                $"{flow.Name}: content type {mediaType} is not among the documented {string.Join(", ", content.EnumerateObject().Select(c => c.Name))}");
            using var body = JsonDocument.Parse(text);
            var errors = document.Validate($"{pointer}/content/{ContractDocument.Escape(mediaType!)}/schema", body.RootElement);
            Assert.True(errors.Count == 0, $"{flow.Name}: the body does not match docs/openapi.yaml:\n{string.Join("\n", errors)}\n{text}");
        }

        if (flow.Status is >= 200 and < 300 && exchange.RequestBody is { } sent)
        {
            var (method, path) = (flow.Operation[..flow.Operation.IndexOf(' ', StringComparison.Ordinal)].ToLowerInvariant(), flow.Operation[(flow.Operation.IndexOf(' ', StringComparison.Ordinal) + 1)..]);
            var errors = document.Validate($"/paths/{ContractDocument.Escape(path)}/{method}/requestBody/content/application~1json/schema", sent);
            Assert.True(errors.Count == 0, $"{flow.Name}: the request the backend accepted does not match docs/openapi.yaml:\n{string.Join("\n", errors)}");
        }
    }

    private static void CheckHeaders(ContractDocument document, JsonElement documented, string pointer, HttpResponseMessage response)
    {
        if (!documented.TryGetProperty("headers", out var headers))
        {
            return;
        }

        foreach (var header in headers.EnumerateObject())
        {
            var definition = header.Value;
            var headerPointer = $"{pointer}/headers/{ContractDocument.Escape(header.Name)}";
            while (definition.TryGetProperty("$ref", out var reference))
            {
                headerPointer = reference.GetString()!.TrimStart('#');
                definition = document.Resolve(headerPointer);
            }

            var present = response.Headers.TryGetValues(header.Name, out var values) || response.Content.Headers.TryGetValues(header.Name, out values);
            var required = definition.TryGetProperty("required", out var flag) && flag.GetBoolean();
            Assert.True(present || !required, $"the document requires the {header.Name} header, which is missing");
            if (present)
            {
                var value = JsonSerializer.SerializeToElement(string.Join(", ", values!));
                var errors = document.Validate($"{headerPointer}/schema", value);
                Assert.True(errors.Count == 0, $"{header.Name}: {value} does not match docs/openapi.yaml:\n{string.Join("\n", errors)}");
            }
        }
    }
}
