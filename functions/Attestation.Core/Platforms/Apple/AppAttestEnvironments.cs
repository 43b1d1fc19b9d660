namespace Attestation.Core.Platforms.Apple;

/// <summary>
/// Names of <see cref="AppAttestEnvironment"/> as the tool and the verdict summary write them, and the aaguid that names
/// each (Apple's "Verify the attestation", step 8).
/// </summary>
public static class AppAttestEnvironments
{
    private static readonly byte[] DevelopmentAaguid = "appattestdevelop"u8.ToArray();
    private static readonly byte[] ProductionAaguid = [.. "appattest"u8, 0, 0, 0, 0, 0, 0, 0];

    /// <summary><c>development</c> or <c>production</c>.</summary>
    public static string ToName(this AppAttestEnvironment environment) =>
        environment == AppAttestEnvironment.Production ? "production" : "development";

    /// <summary>The environment an aaguid names: <c>appattest</c> + seven zero bytes, or <c>appattestdevelop</c>; null for any other.</summary>
    internal static AppAttestEnvironment? FromAaguid(byte[]? aaguid) => aaguid switch
    {
        not null when aaguid.AsSpan().SequenceEqual(ProductionAaguid) => AppAttestEnvironment.Production,
        not null when aaguid.AsSpan().SequenceEqual(DevelopmentAaguid) => AppAttestEnvironment.Development,
        _ => null,
    };
}
