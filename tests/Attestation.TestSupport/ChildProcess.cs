using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Attestation.TestSupport;

/// <summary>
/// A program a test runs as a separate process (the local host, the demo device, a shell script), with its output collected.
/// The child does not inherit the settings that pick a host's mode or configuration (<see cref="IsHostSetting"/>), so a
/// developer's or CI machine's own environment cannot change what a test proves; the test passes every such setting itself.
/// Every wait is bounded, and a child still running at <see cref="DisposeAsync"/> is killed with its tree.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _standardOutput = new();
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _streamsOpen = 2;

    private ChildProcess(Process process) => _process = process;

    /// <summary>Everything the child wrote so far, standard output and standard error interleaved as they arrived.</summary>
    public string Output
    {
        get
        {
            lock (_gate)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>What the child wrote to standard output alone.</summary>
    public string StandardOutput
    {
        get
        {
            lock (_gate)
            {
                return _standardOutput.ToString();
            }
        }
    }

    /// <summary>The exit code, once the child has exited and its output is read to the end.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>
    /// The <c>dotnet</c> that runs this test (the SDK sets <c>DOTNET_HOST_PATH</c> for the processes it starts), so a child
    /// runs on the same runtime; <c>dotnet</c> from the path otherwise.
    /// </summary>
    public static string DotnetHost => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary>
    /// True for an environment variable that a host reads as a setting or a mode: the Functions and App Service variables,
    /// the generic host's environment and URLs, and every key of the backend's own configuration sections.
    /// </summary>
    public static bool IsHostSetting(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string[] prefixes = ["WEBSITE_", "AZURE_FUNCTIONS_", "FUNCTIONS_", "ASPNETCORE_", "APPLICATIONINSIGHTS_", "Attestation__", "AzureAd__", "LocalHost__", "AZURE_CLIENT_", "AZURE_TENANT_"];
        string[] names = ["DOTNET_ENVIRONMENT", "DOTNET_URLS", "PORT", "CONFIGURATION", "AzureWebJobsStorage"];
        return prefixes.Any(prefix => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            || names.Any(exact => string.Equals(name, exact, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// Starts <paramref name="fileName"/> with <paramref name="arguments"/> in <paramref name="workingDirectory"/> (the
    /// repository root when null). The child's environment is this process's without the host settings, plus
    /// <paramref name="environment"/> (a null value removes a variable).
    /// </summary>
    public static ChildProcess Start(
        string fileName,
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string?>? environment = null,
        string? workingDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory ?? RepositoryPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in start.Environment.Keys.Where(IsHostSetting).ToList())
        {
            start.Environment.Remove(name);
        }

        // Plain text logs, without colour codes, whatever the terminal.
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["Logging__Console__FormatterName"] = "simple";
        start.Environment["Logging__Console__FormatterOptions__ColorBehavior"] = "Disabled";
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, line) => child.Append(line.Data, standardOutput: true);
        process.ErrorDataReceived += (_, line) => child.Append(line.Data, standardOutput: false);
        if (!process.Start())
        {
            throw new InvalidOperationException($"{fileName} did not start.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Runs the child to its end and returns it (its exit code and output).</summary>
    /// <exception cref="TimeoutException">It did not exit within <paramref name="timeout"/>; it is killed.</exception>
    public static async Task<ChildProcess> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        TimeSpan timeout,
        IReadOnlyDictionary<string, string?>? environment = null,
        string? workingDirectory = null)
    {
        var child = Start(fileName, arguments, environment, workingDirectory);
        try
        {
            await child.WaitForExitAsync(timeout);
            return child;
        }
        catch
        {
            await child.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits for the child to exit and for its output to be read to the end; returns its exit code.</summary>
    /// <exception cref="TimeoutException">It did not exit within <paramref name="timeout"/>; it is killed.</exception>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
            await _exited.Task.WaitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            Kill();
            throw new TimeoutException($"{_process.StartInfo.FileName} did not exit within {timeout.TotalSeconds} seconds. Output:\n{Output}");
        }

        return _process.ExitCode;
    }

    /// <summary>The first match of <paramref name="pattern"/> in the output, waiting for it to be written.</summary>
    /// <exception cref="InvalidOperationException">The child exited without writing it.</exception>
    /// <exception cref="TimeoutException">Nothing matched within <paramref name="timeout"/>.</exception>
    public async Task<Match> WaitForOutputAsync(Regex pattern, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var match = pattern.Match(Output);
            if (match.Success)
            {
                return match;
            }

            if (_exited.Task.IsCompleted && _process.HasExited)
            {
                throw new InvalidOperationException($"{_process.StartInfo.FileName} exited (code {_process.ExitCode}) without writing /{pattern}/. Output:\n{Output}");
            }

            if (waited.Elapsed > timeout)
            {
                throw new TimeoutException($"{_process.StartInfo.FileName} wrote nothing matching /{pattern}/ within {timeout.TotalSeconds} seconds. Output:\n{Output}");
            }

            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        try
        {
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            _process.Dispose();
        }
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited meanwhile.
        }
    }

    private void Append(string? line, bool standardOutput)
    {
        lock (_gate)
        {
            if (line is null)
            {
                // The end of one stream; the output is complete once both have ended.
                if (--_streamsOpen == 0)
                {
                    _exited.TrySetResult();
                }

                return;
            }

            _output.AppendLine(line);
            if (standardOutput)
            {
                _standardOutput.AppendLine(line);
            }
        }
    }
}
