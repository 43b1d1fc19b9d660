using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Attestation.TestSupport;

/// <summary>
/// An Azurite table service run by a test, from the repository's node_modules (installed by <c>npm ci</c>), in memory.
/// Used where a test must stop and restart storage; other tests share the one scripts/test.sh starts.
/// <list type="bullet">
/// <item>Clients reach it through a port this object holds for its whole life (<see cref="Port"/>) and forwards to the
/// process, so a restart cannot lose the port to another listener: choosing a free port, releasing it and binding it
/// again later is a race with every test that binds port 0 meanwhile.</item>
/// <item>The process itself gets a free port at each start; if that port is taken before Azurite binds it, Azurite exits
/// and another port is tried.</item>
/// <item>Started means the port answers as Azurite (its <c>Server</c> header), not merely that something listens.</item>
/// <item>While stopped, every connection is reset at once, and connections open at the stop are reset, as when the
/// process dies. Every wait is bounded.</item>
/// <item>An interruption (<see cref="Interrupt"/>, <see cref="Resume"/>) cuts the connections the same way but keeps the
/// process and its data, so a test can look, after the outage, at what a call that met it left behind.</item>
/// </list>
/// </summary>
public sealed class AzuriteProcess : IAsyncDisposable
{
    /// <summary>Azurite's fixed development account key (public, documented by Microsoft; it protects nothing).</summary>
    public const string DevelopmentAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private const int StartAttempts = 5;
    private static readonly TimeSpan ListenTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);
    private static readonly HttpClient Probe = new() { Timeout = TimeSpan.FromSeconds(5) };

    private readonly TcpListener _front = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _closing = new();
    private readonly ConcurrentDictionary<TcpClient, bool> _open = new();
    private readonly Task _accepting;
    private Process? _process;
    private int _processPort;
    private volatile bool _interrupted;

    private readonly Func<int> _choosePort;

    private AzuriteProcess(Func<int> choosePort)
    {
        _choosePort = choosePort;
        _front.Start();
        Port = ((IPEndPoint)_front.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    /// <summary>The port clients use, held until <see cref="DisposeAsync"/>, across every stop and start.</summary>
    public int Port { get; }

    public string ConnectionString => ConnectionStringFor(Port);

    public static string ConnectionStringFor(int port) =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={DevelopmentAccountKey};TableEndpoint=http://127.0.0.1:{port}/devstoreaccount1;";

    public static Task<AzuriteProcess> StartAsync() => StartAsync(FreePort);

    /// <summary>Starts it with <paramref name="choosePort"/> choosing the process's port at each attempt (tests of this class).</summary>
    public static async Task<AzuriteProcess> StartAsync(Func<int> choosePort)
    {
        var azurite = new AzuriteProcess(choosePort);
        try
        {
            await azurite.StartAgainAsync();
            return azurite;
        }
        catch
        {
            await azurite.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the process (again), with empty storage, behind the same <see cref="Port"/>.</summary>
    public async Task StartAgainAsync()
    {
        var executable = Path.Combine(RepositoryPaths.Root, "node_modules", ".bin", "azurite-table");
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException($"{executable} is missing: run 'npm ci' at the repository root (scripts/test.sh does).");
        }

        for (var attempt = 1; ; attempt++)
        {
            var port = _choosePort();
            var process = Launch(executable, port);
            if (await AnswersAsAzuriteAsync(process, port))
            {
                _process = process;
                Volatile.Write(ref _processPort, port);
                return;
            }

            // It exited before answering: most likely another listener took the port between choosing and binding it.
            var exitCode = process.ExitCode;
            process.Dispose();
            if (attempt == StartAttempts)
            {
                throw new InvalidOperationException($"Azurite exited (code {exitCode}) before answering, {StartAttempts} times on as many ports.");
            }
        }
    }

    /// <summary>Cuts every connection, now and until <see cref="Resume"/>; the process and its data stay.</summary>
    public void Interrupt()
    {
        _interrupted = true;
        foreach (var connection in _open.Keys)
        {
            Reset(connection);
        }
    }

    /// <summary>Ends an <see cref="Interrupt"/>: connections reach the process again, which holds what it held before.</summary>
    public void Resume() => _interrupted = false;

    /// <summary>Stops the process; from now on, until the next start, every connection to <see cref="Port"/> is reset.</summary>
    public async Task StopAsync()
    {
        Volatile.Write(ref _processPort, 0);
        foreach (var connection in _open.Keys)
        {
            Reset(connection);
        }

        if (_process is { } process)
        {
            _process = null;
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            using var timeout = new CancellationTokenSource(StopTimeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                throw new TimeoutException($"Azurite did not exit within {StopTimeout.TotalSeconds} seconds of being killed.");
            }
            finally
            {
                process.Dispose();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            await _closing.CancelAsync();
            _front.Stop();
            await _accepting;
            _closing.Dispose();
        }
    }

    private static Process Launch(string executable, int port)
    {
        var start = new ProcessStartInfo(executable)
        {
            ArgumentList = { "--tableHost", "127.0.0.1", "--tablePort", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--inMemoryPersistence", "--silent", "--skipApiVersionCheck", "--disableTelemetry" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("Azurite did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>True once <paramref name="port"/> answers with Azurite's Server header; false if the process exits first.</summary>
    private static async Task<bool> AnswersAsAzuriteAsync(Process process, int port)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < ListenTimeout)
        {
            if (process.HasExited)
            {
                return false;
            }

            try
            {
                using var response = await Probe.GetAsync(new Uri($"http://127.0.0.1:{port}/devstoreaccount1/Tables"));
                if (response.Headers.Server.Any(product => product.Product?.Name == "Azurite-Table"))
                {
                    return true;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        process.Kill(entireProcessTree: true);
        throw new TimeoutException($"Azurite did not answer on port {port} within {ListenTimeout.TotalSeconds} seconds.");
    }

    private async Task AcceptAsync()
    {
        while (true)
        {
            TcpClient client;
            try
            {
                client = await _front.AcceptTcpClientAsync(_closing.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = ForwardAsync(client);
        }
    }

    /// <summary>Pipes one client connection to the process, or resets it while the process is stopped.</summary>
    private async Task ForwardAsync(TcpClient client)
    {
        var port = Volatile.Read(ref _processPort);
        using var process = new TcpClient();
        try
        {
            if (port == 0 || _interrupted)
            {
                // Reset only once the client has sent its request (or after a bound): a reset that lands before the
                // client's HttpClient has read its socket's remote end point surfaces as a bare SocketException, which
                // the storage SDK neither wraps nor retries, instead of the transport failure a dead process gives.
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(_closing.Token);
                wait.CancelAfter(TimeSpan.FromSeconds(5));
                _ = await client.GetStream().ReadAsync(new byte[1], wait.Token);
                return;
            }

            await process.ConnectAsync(IPAddress.Loopback, port, _closing.Token);
            _open[client] = true;
            _open[process] = true;
            var up = client.GetStream().CopyToAsync(process.GetStream(), _closing.Token);
            var down = process.GetStream().CopyToAsync(client.GetStream(), _closing.Token);
            await Task.WhenAny(up, down);
            Reset(client);
            Reset(process);
            await Task.WhenAll(up, down);
        }
        catch (Exception exception) when (exception is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The connection ended, was reset by StopAsync, or the process was gone: the client sees it dropped.
        }
        finally
        {
            _open.TryRemove(client, out _);
            _open.TryRemove(process, out _);
            Reset(client);
        }
    }

    /// <summary>Closes with a reset (no lingering), as a dead process's connections end.</summary>
    private static void Reset(TcpClient connection)
    {
        try
        {
            connection.Client?.LingerState = new LingerOption(true, 0);
        }
        catch (Exception exception) when (exception is ObjectDisposedException or SocketException)
        {
            // Already closed.
        }

        connection.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
