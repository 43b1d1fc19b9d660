using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace Attestation.LocalHost;

/// <summary>A function method found by its attributes.</summary>
public abstract record DiscoveredFunction(string Name, Type Type, MethodInfo Method)
{
    /// <summary>
    /// Calls the function on a new instance from <paramref name="services"/>, as the Functions worker does per invocation,
    /// giving each parameter the one of <paramref name="available"/> that fits its type (discovery checked that one does).
    /// </summary>
    public object? Invoke(IServiceProvider services, params object[] available) => Invoke(services, _ => null, available);

    /// <summary>
    /// As <see cref="Invoke(IServiceProvider, object[])"/>, with each <c>string</c> parameter bound by its name to a route
    /// parameter (<c>{appId}</c>), as the Functions worker binds them.
    /// </summary>
    public object? Invoke(IServiceProvider services, Func<string, string?> routeValue, params object[] available)
    {
        ArgumentNullException.ThrowIfNull(routeValue);
        var instance = Method.IsStatic ? null : ActivatorUtilities.CreateInstance(services, Type);
        var arguments = Method.GetParameters()
            .Select(p => p.ParameterType == typeof(string) ? routeValue(p.Name!) : available.First(p.ParameterType.IsInstanceOfType))
            .ToArray();
        return Method.Invoke(instance, arguments);
    }
}
