namespace Attestation.Core.Text;

/// <summary>The shape of app ids and Android package names as this backend accepts them.</summary>
public static class AppIdentifier
{
    /// <summary>The longest accepted identifier.</summary>
    public const int MaxLength = 128;

    /// <summary>True when <paramref name="value"/> is 1 to 128 ASCII letters, digits, '.', '-' or '_'.</summary>
    public static bool IsWellFormed(string? value) =>
        !string.IsNullOrEmpty(value)
        && value.Length <= MaxLength
        && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_');
}
