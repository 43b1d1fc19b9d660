using System.Globalization;

namespace Attestation.Cli;

/// <summary>The options of one command line, checked against the options its command knows.</summary>
public sealed class CliArguments
{
    private readonly Dictionary<string, List<string>> _values;
    private readonly HashSet<string> _flags;

    private CliArguments(Dictionary<string, List<string>> values, HashSet<string> flags)
    {
        _values = values;
        _flags = flags;
    }

    /// <summary>Parses <c>--name value</c> pairs and <c>--flag</c> switches.</summary>
    /// <exception cref="CliUsageException">An unknown option, a missing value, or a non-repeatable option given twice.</exception>
    public static CliArguments Parse(IReadOnlyList<string> args, IReadOnlySet<string> valueOptions, IReadOnlySet<string> repeatableOptions, IReadOnlySet<string> flags)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(valueOptions);
        ArgumentNullException.ThrowIfNull(repeatableOptions);
        ArgumentNullException.ThrowIfNull(flags);

        var values = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var set = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (flags.Contains(name))
            {
                set.Add(name);
                continue;
            }

            if (!valueOptions.Contains(name) && !repeatableOptions.Contains(name))
            {
                throw new CliUsageException($"unknown option '{name}'.");
            }

            if (i + 1 >= args.Count)
            {
                throw new CliUsageException($"{name} needs a value.");
            }

            var list = values.TryGetValue(name, out var existing) ? existing : values[name] = [];
            if (list.Count > 0 && !repeatableOptions.Contains(name))
            {
                throw new CliUsageException($"{name} is given twice.");
            }

            list.Add(args[++i]);
        }

        return new CliArguments(values, set);
    }

    /// <summary>True when the switch <paramref name="flag"/> was given.</summary>
    public bool Has(string flag) => _flags.Contains(flag);

    /// <summary>The value of <paramref name="option"/>, or null.</summary>
    public string? Optional(string option) => _values.TryGetValue(option, out var list) ? list[0] : null;

    /// <summary>Every value of a repeatable option, in order.</summary>
    public IReadOnlyList<string> All(string option) => _values.TryGetValue(option, out var list) ? list : [];

    /// <summary>The value of <paramref name="option"/>.</summary>
    /// <exception cref="CliUsageException">It was not given.</exception>
    public string Required(string option) => Optional(option) ?? throw new CliUsageException($"{option} is required.");

    /// <summary>Exactly one of two alternative options (<c>(--a X | --b Y)</c> in docs/cli.md), with the name that was given.</summary>
    /// <exception cref="CliUsageException">Neither or both were given.</exception>
    public (string Option, string Value) OneOf(string first, string second)
    {
        var a = Optional(first);
        var b = Optional(second);
        return (a, b) switch
        {
            (not null, null) => (first, a),
            (null, not null) => (second, b),
            (null, null) => throw new CliUsageException($"one of {first} or {second} is required."),
            _ => throw new CliUsageException($"give {first} or {second}, not both."),
        };
    }

    /// <summary>The <c>--at</c> instant (RFC 3339), or the clock's now.</summary>
    /// <exception cref="CliUsageException">The value is not an RFC 3339 date and time.</exception>
    public DateTimeOffset At(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        var text = Optional("--at");
        if (text is null)
        {
            return timeProvider.GetUtcNow();
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
            ? at
            : throw new CliUsageException($"--at '{text}' is not an RFC 3339 date and time.");
    }

    /// <summary>A whole number option.</summary>
    /// <exception cref="CliUsageException">It is missing or not a whole number.</exception>
    public long RequiredInteger(string option)
    {
        var text = Required(option);
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new CliUsageException($"{option} '{text}' is not a whole number.");
    }

    /// <summary>The option every <c>verify</c> kind takes: run the same command N times in one process (docs/cli.md).</summary>
    public const string RepeatOption = "--repeat";

    /// <summary>The most repetitions accepted: enough for any measurement, and a typo cannot keep the tool busy for days.</summary>
    public const int MaxRepeat = 10_000_000;

    /// <summary>The <c>--repeat</c> count, or null when it was not given.</summary>
    /// <exception cref="CliUsageException">It is not a whole number from 1 to <see cref="MaxRepeat"/>.</exception>
    public int? Repeat()
    {
        var text = Optional(RepeatOption);
        if (text is null)
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count is >= 1 and <= MaxRepeat
            ? count
            : throw new CliUsageException($"{RepeatOption} '{text}' is not a whole number from 1 to {MaxRepeat}.");
    }

    /// <summary>Hex text as bytes.</summary>
    /// <exception cref="CliUsageException">The text is not hex.</exception>
    public static byte[] Hex(string option, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        try
        {
            return Convert.FromHexString(text);
        }
        catch (FormatException)
        {
            throw new CliUsageException($"{option} is not hexadecimal.");
        }
    }

    /// <summary>Base64 (either alphabet, padded or not) as bytes.</summary>
    /// <exception cref="CliUsageException">The text is not base64.</exception>
    public static byte[] Base64(string option, string text) =>
        Attestation.Core.Text.Base64Flexible.TryDecode(text, out var bytes) ? bytes : throw new CliUsageException($"{option} is not base64.");

    /// <summary>The text of a file.</summary>
    /// <exception cref="CliUsageException">The file cannot be read.</exception>
    public static string ReadFile(string option, string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new CliUsageException($"{option}: cannot read '{path}' ({e.GetType().Name}).");
        }
    }
}
