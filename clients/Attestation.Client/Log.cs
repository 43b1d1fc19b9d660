using Microsoft.Extensions.Logging;

namespace Attestation.Client;

// Every message names the device id, the platform or a code at most: never a token, a debug token, a key or evidence.
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Debug, "Attesting on {Platform}.")]
    public static partial void Attesting(ILogger logger, string platform);

    [LoggerMessage(2, LogLevel.Debug, "Refreshing device {DeviceId}.")]
    public static partial void Refreshing(ILogger logger, string deviceId);

    [LoggerMessage(3, LogLevel.Information, "Got a token for device {DeviceId}, valid until {ExpiresAt:O}.")]
    public static partial void GotToken(ILogger logger, string deviceId, DateTimeOffset expiresAt);

    [LoggerMessage(4, LogLevel.Warning, "The backend answered {Status} {Code}; next: {Action}.")]
    public static partial void Refused(ILogger logger, int status, string? code, AttestationAction? action);

    [LoggerMessage(5, LogLevel.Information, "Waiting {Delay} before retrying (attempt {Attempt}).")]
    public static partial void Waiting(ILogger logger, TimeSpan delay, int attempt);

    [LoggerMessage(6, LogLevel.Information, "Device {DeviceId} cannot refresh; attesting instead.")]
    public static partial void CannotRefresh(ILogger logger, string deviceId);

    [LoggerMessage(7, LogLevel.Warning, "Discarding the key and attesting with a new one.")]
    public static partial void NewKey(ILogger logger);

    [LoggerMessage(8, LogLevel.Information, "The API refused the attestation token; getting a new one and retrying {Method} once.")]
    public static partial void ApiRefusedToken(ILogger logger, string method);

    [LoggerMessage(9, LogLevel.Information, "The API refused the attestation token; {Method} is not retried.")]
    public static partial void ApiRefusedTokenNoRetry(ILogger logger, string method);
}
