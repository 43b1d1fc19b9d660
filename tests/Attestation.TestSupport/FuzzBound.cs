using System.Diagnostics;

namespace Attestation.TestSupport;

/// <summary>
/// Runs the cases of a fuzz test one after another under a watchdog: the test fails when one case runs longer than
/// <see cref="PerCase"/>, naming the case so it can be replayed from its seed.
/// </summary>
/// <remarks>
/// The bound catches hangs and super-linear blow-ups (a parser looping on a length field, nesting that recurses without
/// end), not slowness. Every input fuzzed here is a few KiB and takes well under a millisecond to refuse, so ten seconds
/// is four orders of magnitude above a normal case: a busy shared machine, a garbage collection or a JIT pause does not
/// come near it, while anything exponential in the input length does. Measuring speed is the benchmarks' job.
/// The cases run on a thread of their own and the watchdog polls from the test's, so a case that never returns still
/// fails the test instead of hanging the run.
/// </remarks>
public static class FuzzBound
{
    /// <summary>The longest one case may run.</summary>
    public static readonly TimeSpan PerCase = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);

    /// <summary>Runs <paramref name="runCase"/> for cases 0 to <paramref name="cases"/> - 1; <paramref name="label"/> names the seed in a failure.</summary>
    /// <exception cref="TimeoutException">One case ran longer than <see cref="PerCase"/>.</exception>
    public static async Task RunAsync(int cases, Func<int, Task> runCase, string label)
    {
        ArgumentNullException.ThrowIfNull(runCase);
        var current = -1;
        var caseStarted = Stopwatch.GetTimestamp();
        var work = Task.Factory.StartNew(
            async () =>
            {
                for (var i = 0; i < cases; i++)
                {
                    Volatile.Write(ref caseStarted, Stopwatch.GetTimestamp());
                    Volatile.Write(ref current, i);
                    await runCase(i).ConfigureAwait(false);
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default).Unwrap();

        while (await Task.WhenAny(work, Task.Delay(Poll)).ConfigureAwait(false) != work)
        {
            var running = Stopwatch.GetElapsedTime(Volatile.Read(ref caseStarted));
            if (running > PerCase)
            {
                throw new TimeoutException($"{label}: case {Volatile.Read(ref current)} has run for {running.TotalSeconds:F0} s, more than the {PerCase.TotalSeconds:F0} s bound.");
            }
        }

        await work.ConfigureAwait(false);
    }

    /// <inheritdoc cref="RunAsync(int, Func{int, Task}, string)"/>
    public static Task RunAsync(int cases, Action<int> runCase, string label)
    {
        ArgumentNullException.ThrowIfNull(runCase);
        return RunAsync(
            cases,
            i =>
            {
                runCase(i);
                return Task.CompletedTask;
            },
            label);
    }
}
