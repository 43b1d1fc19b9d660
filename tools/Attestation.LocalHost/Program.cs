using Attestation.LocalHost;
using Microsoft.Extensions.Options;

// Listens on http://127.0.0.1:7071 like func start; PORT, --urls or ASPNETCORE_URLS override it.
var app = LocalFunctionsHost.Build(args);
if (app.Urls.Count == 0 && string.IsNullOrEmpty(app.Configuration["urls"]))
{
    app.Urls.Add($"http://127.0.0.1:{Environment.GetEnvironmentVariable("PORT") ?? "7071"}");
}

try
{
    await app.RunAsync();
}
catch (OptionsValidationException)
{
    // The host has logged the refused setting ("Hosting failed to start"); a bad setting is an exit status, not an abort
    // with a second copy of the stack trace.
    return 1;
}

return 0;
