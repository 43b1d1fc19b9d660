using System.Text.Json;
using Attestation.Functions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Attestation.LocalHost;

/// <summary>
/// Serves the function classes of Attestation.Functions on Kestrel without the Functions host: the same classes, the same
/// routes and methods (read from their attributes), the same route prefix (read from host.json), and the same dependency
/// setup (<see cref="AttestationBackend.AddAttestationBackend"/>). The operator routes (verify, admin) are <c>Anonymous</c> to
/// the host and check their callers in the function itself (Attestation.Functions.Security.CallerAuthorization), so they
/// enforce here exactly what they enforce in Azure. No route is declared at a key level, so, like <c>func start</c>, the
/// local host checks no function keys.
/// </summary>
public static partial class LocalFunctionsHost
{
    /// <summary>Builds the host. <paramref name="configure"/> runs after the settings are loaded (tests override settings there).</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

        // local.settings.json's Values sit below environment variables and arguments, as with func start.
        var root = LocalSettings.FindRepositoryRoot(Directory.GetCurrentDirectory()) ?? LocalSettings.FindRepositoryRoot(AppContext.BaseDirectory);
        var settingsPath = builder.Configuration["LocalHost:Settings"] ?? (root is null ? null : LocalSettings.Locate(root));
        if (settingsPath is not null)
        {
            builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource { InitialData = LocalSettings.ReadValues(settingsPath) });
        }

        // Like func start, the local host is a development run unless told otherwise; below every other source, so
        // AZURE_FUNCTIONS_ENVIRONMENT=Production (environment, argument or settings file) still gets production rules.
        builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?> { [DeploymentMode.FunctionsEnvironmentSetting] = DeploymentMode.Development },
        });

        // Request-by-request framework logs drown the backend's own; func start is as quiet.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        configure?.Invoke(builder);
        builder.Services.AddAttestationBackend(builder.Configuration);

        var catalog = FunctionCatalog.Discover(typeof(AttestationBackend).Assembly);
        builder.Services.AddSingleton(catalog);
        builder.Services.AddHostedService<LocalTimerService>();

        var app = builder.Build();
        var routePrefix = ReadRoutePrefix(Path.Combine(AppContext.BaseDirectory, "host.json"));
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(LocalFunctionsHost));
        var mode = app.Services.GetRequiredService<DeploymentMode>();
        LogSettings(logger, settingsPath ?? "none", mode);
        foreach (var function in catalog.Http)
        {
            var template = string.IsNullOrEmpty(routePrefix) ? function.Route : $"{routePrefix}/{function.Route}";
            app.MapMethods(template, function.HttpMethods, context => InvokeAsync(context, function)).WithDisplayName(function.Name);
            LogRoute(logger, function.Name, function.HttpMethods, template, function.AuthorizationLevel);
        }

        return app;
    }

    /// <summary><c>extensions.http.routePrefix</c> of host.json; the Functions default <c>api</c> when absent.</summary>
    public static string ReadRoutePrefix(string hostJsonPath)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(hostJsonPath), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        return document.RootElement.TryGetProperty("extensions", out var extensions)
            && extensions.TryGetProperty("http", out var http)
            && http.TryGetProperty("routePrefix", out var prefix)
            && prefix.ValueKind == JsonValueKind.String
                ? prefix.GetString()!.Trim('/')
                : "api";
    }

    private static async Task InvokeAsync(HttpContext context, HttpFunction function)
    {
        var returned = function.Invoke(context.RequestServices, name => context.GetRouteValue(name)?.ToString(), context.Request, context.RequestAborted);
        var result = returned switch
        {
            Task<IActionResult> task => await task,
            IActionResult direct => direct,
            _ => throw new InvalidOperationException($"Function '{function.Name}' returned {returned?.GetType().Name ?? "null"}; the local host runs IActionResult results."),
        };

        await result.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor()));
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Settings from {SettingsPath}; environment {Environment}")]
    private static partial void LogSettings(ILogger logger, string settingsPath, DeploymentMode environment);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Function {Name}: {Methods} /{Route} (auth level {AuthLevel})")]
    private static partial void LogRoute(ILogger logger, string name, IReadOnlyList<string> methods, string route, Microsoft.Azure.Functions.Worker.AuthorizationLevel authLevel);
}
