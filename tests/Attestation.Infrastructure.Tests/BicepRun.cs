using System.Diagnostics;
using System.Reflection;

namespace Attestation.Infrastructure.Tests;

/// <summary>What one run of the Bicep CLI printed.</summary>
public sealed record BicepRun(int ExitCode, string StandardOutput, string StandardError);
