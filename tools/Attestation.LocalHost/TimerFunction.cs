using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace Attestation.LocalHost;

/// <summary>A timer-triggered function as its attributes declare it.</summary>
public sealed record TimerFunction(string Name, Type Type, MethodInfo Method, string Schedule)
    : DiscoveredFunction(Name, Type, Method);
