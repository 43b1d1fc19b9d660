using System.Net;
using System.Text.Json.Nodes;

namespace Attestation.Cli.Admin;

/// <summary>An admin command that could not run: no token, no answer, an answer that is not the admin API's (exit status 2).</summary>
public sealed class AdminCommandException : Exception
{
    public AdminCommandException(string message)
        : base(message)
    {
    }

    public AdminCommandException()
    {
    }

    public AdminCommandException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The backend answered an admin request with an error status (exit status 1); <see cref="Problem"/> when it is JSON.</summary>
internal sealed class AdminApiException(HttpStatusCode status, JsonObject? problem) : Exception($"HTTP {(int)status}")
{
    public HttpStatusCode Status { get; } = status;

    public JsonObject? Problem { get; } = problem;
}
