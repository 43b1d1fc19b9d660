using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace Attestation.LocalHost;

/// <summary>
/// Reads the function table from the <c>[Function]</c>, <c>[HttpTrigger]</c> and <c>[TimerTrigger]</c> attributes of an
/// assembly, the same attributes the Functions SDK turns into <c>functions.metadata</c>, so there is one route table, not two.
/// </summary>
public sealed partial class FunctionCatalog
{
    private FunctionCatalog(IReadOnlyList<HttpFunction> http, IReadOnlyList<TimerFunction> timers)
    {
        Http = http;
        Timers = timers;
    }

    public IReadOnlyList<HttpFunction> Http { get; }

    public IReadOnlyList<TimerFunction> Timers { get; }

    /// <summary>Finds every function of <paramref name="assembly"/>.</summary>
    /// <exception cref="InvalidOperationException">A function has a parameter this host cannot supply.</exception>
    public static FunctionCatalog Discover(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var http = new List<HttpFunction>();
        var timers = new List<TimerFunction>();
        foreach (var type in assembly.GetExportedTypes())
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static))
            {
                if (method.GetCustomAttribute<FunctionAttribute>() is not { } function)
                {
                    continue;
                }

                var parameters = method.GetParameters();
                if (parameters.Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(a => a is not null) is { } httpTrigger)
                {
                    var route = httpTrigger.Route ?? function.Name;
                    Require(function.Name, parameters.Where(p => !IsRouteParameter(p, route)).ToArray(), typeof(HttpRequest), typeof(CancellationToken));
                    var verbs = (httpTrigger.Methods ?? ["get", "post"]).Select(m => m.ToUpperInvariant()).ToList();
                    http.Add(new HttpFunction(function.Name, type, method, route, verbs, httpTrigger.AuthLevel));
                }
                else if (parameters.Select(p => p.GetCustomAttribute<TimerTriggerAttribute>()).FirstOrDefault(a => a is not null) is { } timerTrigger)
                {
                    Require(function.Name, parameters, typeof(TimerInfo), typeof(CancellationToken));
                    timers.Add(new TimerFunction(function.Name, type, method, timerTrigger.Schedule));
                }
            }
        }

        return new FunctionCatalog(http, timers);
    }

    /// <summary>
    /// The period of an NCRONTAB schedule of the form <c>0 */N * * * *</c> (every N minutes) or <c>*/N * * * * *</c> (every N
    /// seconds); null for other forms, which the local host does not interpret.
    /// </summary>
    public static TimeSpan? SimplePeriod(string schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var minutes = EveryNMinutes().Match(schedule.Trim());
        if (minutes.Success)
        {
            return TimeSpan.FromMinutes(int.Parse(minutes.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        }

        var seconds = EveryNSeconds().Match(schedule.Trim());
        return seconds.Success ? TimeSpan.FromSeconds(int.Parse(seconds.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)) : null;
    }

    /// <summary>A <c>string</c> parameter named as a <c>{parameter}</c> of the route template.</summary>
    private static bool IsRouteParameter(ParameterInfo parameter, string route) =>
        parameter.ParameterType == typeof(string) && route.Contains($"{{{parameter.Name}}}", StringComparison.Ordinal);

    private static void Require(string name, ParameterInfo[] parameters, params Type[] supported)
    {
        foreach (var parameter in parameters.Where(p => !supported.Contains(p.ParameterType)))
        {
            throw new InvalidOperationException(
                $"Function '{name}' has a parameter '{parameter.Name}' of type {parameter.ParameterType.Name}, which the local host cannot supply " +
                $"(it supplies {string.Join(", ", supported.Select(t => t.Name))}).");
        }
    }

    [GeneratedRegex(@"^0 \*/([1-9][0-9]?) \* \* \* \*$")]
    private static partial Regex EveryNMinutes();

    [GeneratedRegex(@"^\*/([1-9][0-9]?) \* \* \* \* \*$")]
    private static partial Regex EveryNSeconds();
}
