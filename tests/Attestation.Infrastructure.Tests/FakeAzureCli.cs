using System.Diagnostics;
using Attestation.TestSupport;

namespace Attestation.Infrastructure.Tests;

/// <summary>
/// Runs one of infra/scripts/*.sh with stubs of <c>az</c> and <c>azd</c> first on PATH: each stub records its arguments
/// (one call a line, arguments separated by tabs) and prints a canned answer, so a test checks the requests a script
/// would send without Azure. An answer is keyed by the command's leading words and, for <c>az rest</c>, its method and
/// the last segment of its URL's path (e.g. "az keyvault list-deleted", "az rest patch attestation-signing-key-previous");
/// "KEY.N" answers the Nth such call, "KEY" every other one. A "KEY.rc" or "KEY.N.rc" file sets the exit code.
/// The stubs are POSIX shell scripts on PATH, so a PowerShell script that calls <c>az</c> meets the same fake.
/// </summary>
public sealed class FakeAzureCli : IDisposable
{
    private const string Stub = """
        #!/bin/sh
        tool=$(basename "$0")
        { printf '%s' "$tool"; for a in "$@"; do printf '\t%s' "$a"; done; printf '\n'; } >>"$FAKE_AZ_DIR/calls"
        key="$tool"
        for a in "$@"; do
          case "$a" in -*) break ;; esac
          key="$key $a"
        done
        if [ "$tool" = az ] && [ "${1:-}" = rest ]; then
          method=$(printf '%s\n' "$@" | sed -n '/^--method$/{n;p;}')
          url=$(printf '%s\n' "$@" | sed -n '/^--url$/{n;p;}')
          segment=$(printf '%s' "${url%%\?*}" | sed 's#.*/##')
          key="az rest ${method:-get} $segment"
        fi
        count_file="$FAKE_AZ_DIR/count.$key"
        n=$(( $(cat "$count_file" 2>/dev/null || echo 0) + 1 ))
        echo "$n" >"$count_file"
        if [ -f "$FAKE_AZ_DIR/answers/$key.$n" ]; then cat "$FAKE_AZ_DIR/answers/$key.$n"
        elif [ -f "$FAKE_AZ_DIR/answers/$key" ]; then cat "$FAKE_AZ_DIR/answers/$key"
        fi
        if [ -f "$FAKE_AZ_DIR/answers/$key.$n.rc" ]; then exit "$(cat "$FAKE_AZ_DIR/answers/$key.$n.rc")"; fi
        exit "$(cat "$FAKE_AZ_DIR/answers/$key.rc" 2>/dev/null || echo 0)"
        """;

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("fake-az-");

    public FakeAzureCli()
    {
        var bin = Directory.CreateDirectory(Path.Combine(_folder.FullName, "bin"));
        Directory.CreateDirectory(Path.Combine(_folder.FullName, "answers"));
        foreach (var tool in new[] { "az", "azd" })
        {
            var path = Path.Combine(bin.FullName, tool);
            File.WriteAllText(path, Stub.Replace("\r", "", StringComparison.Ordinal) + "\n");
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    /// <summary>What the stub prints when called as <paramref name="key"/> (and exits with <paramref name="exitCode"/>).</summary>
    public void Answer(string key, string output, int exitCode = 0)
    {
        File.WriteAllText(Path.Combine(_folder.FullName, "answers", key), output);
        var exitCodeFile = Path.Combine(_folder.FullName, "answers", key + ".rc");
        if (exitCode != 0)
        {
            File.WriteAllText(exitCodeFile, exitCode.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        else
        {
            File.Delete(exitCodeFile);
        }
    }

    /// <summary>
    /// Runs infra/scripts/<paramref name="script"/> with <paramref name="environment"/> and the stubs on PATH: a .sh file
    /// with <c>sh</c>, a .ps1 file with the PowerShell of the repository's tool manifest (.config/dotnet-tools.json).
    /// </summary>
    public async Task<ScriptRun> RunAsync(string script, IReadOnlyDictionary<string, string> environment)
    {
        var path = Path.Combine(RepositoryPaths.Root, "infra", "scripts", script);
        var powerShell = script.EndsWith(".ps1", StringComparison.Ordinal);
        var start = new ProcessStartInfo(powerShell ? "dotnet" : "sh")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryPaths.Root,
        };
        if (powerShell)
        {
            foreach (var argument in new[] { "tool", "run", "pwsh", "--", "-NoProfile", "-NonInteractive", "-File" })
            {
                start.ArgumentList.Add(argument);
            }
        }

        start.ArgumentList.Add(path);
        start.Environment["PATH"] = $"{Path.Combine(_folder.FullName, "bin")}:{Environment.GetEnvironmentVariable("PATH")}";
        start.Environment["FAKE_AZ_DIR"] = _folder.FullName;
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{script} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(cancellation.Token);

        var callsFile = Path.Combine(_folder.FullName, "calls");
        // Each run starts from no recorded call, so one fake can run a script and then its twin.
        var calls = File.Exists(callsFile)
            ? (await File.ReadAllLinesAsync(callsFile)).Select(line => (IReadOnlyList<string>)line.Split('\t')).ToList()
            : [];
        File.Delete(callsFile);
        foreach (var count in Directory.GetFiles(_folder.FullName, "count.*"))
        {
            File.Delete(count);
        }

        return new ScriptRun(process.ExitCode, await output, await error, calls);
    }

    public void Dispose() => _folder.Delete(recursive: true);
}

/// <summary>What a script did: its exit code, its output and every az or azd call, each as its arguments.</summary>
public sealed record ScriptRun(int ExitCode, string StandardOutput, string StandardError, IReadOnlyList<IReadOnlyList<string>> Calls);
