using Attestation.LocalHost;

// Listens on http://127.0.0.1:7071 like func start; PORT, --urls or ASPNETCORE_URLS override it.
var app = LocalFunctionsHost.Build(args);
if (app.Urls.Count == 0 && string.IsNullOrEmpty(app.Configuration["urls"]))
{
    app.Urls.Add($"http://127.0.0.1:{Environment.GetEnvironmentVariable("PORT") ?? "7071"}");
}

await app.RunAsync();
