namespace Attestation.TestSupport;

/// <summary>
/// The Azurite table service the tests share. scripts/test.sh starts one and names it in <c>ATTESTATION_TEST_STORAGE</c>
/// (a connection string); without it (a bare <c>dotnet test</c>), the first test that needs storage starts one itself.
/// Each test class uses its own table prefix, so classes never see each other's rows.
/// </summary>
public static class SharedAzurite
{
    public const string EnvironmentVariable = "ATTESTATION_TEST_STORAGE";

    private static readonly Lazy<Task<string>> ConnectionStringTask = new(ResolveAsync);
    private static AzuriteProcess? _owned;

    public static Task<string> GetConnectionStringAsync() => ConnectionStringTask.Value;

    /// <summary>A table prefix unique to one test class or test (letters and digits, as table names require).</summary>
    public static string NewTablePrefix() => "t" + Guid.NewGuid().ToString("N")[..10];

    private static async Task<string> ResolveAsync()
    {
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        _owned = await AzuriteProcess.StartAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => _owned.StopAsync().GetAwaiter().GetResult();
        return _owned.ConnectionString;
    }
}
