namespace Attestation.LoadTest;

/// <summary>The calls of the device flow. A consuming verify writes storage where a plain one may not, so it is its own row.</summary>
public enum ApiRoute
{
    Challenge,
    Attest,
    Verify,
    Refresh,
    VerifyConsume,
}

public static class ApiRoutes
{
    public static IReadOnlyList<ApiRoute> All { get; } = Enum.GetValues<ApiRoute>();

    public static string Path(this ApiRoute route) => route switch
    {
        ApiRoute.Challenge => "/api/v1/challenge",
        ApiRoute.Attest => "/api/v1/attest",
        ApiRoute.Verify or ApiRoute.VerifyConsume => "/api/v1/verify",
        ApiRoute.Refresh => "/api/v1/token/refresh",
        _ => throw new ArgumentOutOfRangeException(nameof(route)),
    };

    /// <summary>The name the reports use.</summary>
    public static string Label(this ApiRoute route) => route switch
    {
        ApiRoute.Challenge => "challenge",
        ApiRoute.Attest => "attest",
        ApiRoute.Verify => "verify",
        ApiRoute.Refresh => "refresh",
        ApiRoute.VerifyConsume => "verify consume",
        _ => throw new ArgumentOutOfRangeException(nameof(route)),
    };
}
