using System.Text;
using System.Text.Json.Nodes;

namespace Attestation.Functions.Tests;

/// <summary>
/// Mutations of a JSON request body: a value replaced by one of another type or shape, a field removed, bytes flipped
/// (invalid JSON, invalid UTF-8), the body cut short, or the text of one string value (base64, a token, an id) changed.
/// </summary>
internal static class JsonBodyMutator
{
    private static readonly JsonNode?[] Replacements =
    [
        null, JsonValue.Create(0), JsonValue.Create(-1.5), JsonValue.Create(true), JsonValue.Create(""), JsonValue.Create("\u0000"),
        JsonValue.Create(new string('A', 5000)), JsonValue.Create("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), new JsonArray(), new JsonObject(),
        JsonValue.Create("debug"), JsonValue.Create("com.contoso.decoy"), JsonValue.Create("../../etc"), JsonValue.Create("a'b\"c"),
    ];

    public static byte[] Mutate(JsonObject body, Random random)
    {
        switch (random.Next(5))
        {
            case 4:
                // Change the text of one string value (base64, a token, an id): a character replaced, or the text cut.
                var strings = Strings(body).ToList();
                var (owner, at) = strings[random.Next(strings.Count)];
                var value = owner is JsonObject o ? o[(string)at]!.GetValue<string>() : ((JsonArray)owner)[(int)at]!.GetValue<string>();
                var position = random.Next(Math.Max(1, value.Length));
                var changed = random.Next(2) == 0 || value.Length == 0
                    ? value[..position]
                    : string.Concat(value.AsSpan(0, position), "A/+=-_.\u00e9 \0"[random.Next(10)].ToString(), value.AsSpan(position + 1));
                if (owner is JsonObject target2)
                {
                    target2[(string)at] = changed;
                }
                else
                {
                    ((JsonArray)owner)[(int)at] = changed;
                }

                return Encoding.UTF8.GetBytes(body.ToJsonString());
            case 0:
                // Replace one field's value (possibly a nested one) with a value of another type or shape.
                var target = Pick(body, random);
                var key = target.Select(p => p.Key).ElementAt(random.Next(target.Count));
                target[key] = Replacements[random.Next(Replacements.Length)]?.DeepClone();
                return Encoding.UTF8.GetBytes(body.ToJsonString());
            case 1:
                // Remove one field.
                var from = Pick(body, random);
                from.Remove(from.Select(p => p.Key).ElementAt(random.Next(from.Count)));
                return Encoding.UTF8.GetBytes(body.ToJsonString());
            case 2:
                // Flip bytes of the serialized body (invalid JSON, invalid UTF-8).
                var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
                for (var flips = random.Next(1, 4); flips > 0; flips--)
                {
                    bytes[random.Next(bytes.Length)] ^= (byte)random.Next(1, 256);
                }

                return bytes;
            default:
                // Truncate.
                var whole = Encoding.UTF8.GetBytes(body.ToJsonString());
                return whole[..random.Next(whole.Length)];
        }
    }

    // Every string value with its parent and its name or index.
    private static IEnumerable<(JsonNode Owner, object At)> Strings(JsonNode node)
    {
        if (node is JsonObject obj)
        {
            foreach (var (name, child) in obj.ToList())
            {
                if (child is JsonValue v && v.TryGetValue<string>(out _))
                {
                    yield return (obj, name);
                }
                else if (child is not null)
                {
                    foreach (var inner in Strings(child))
                    {
                        yield return inner;
                    }
                }
            }
        }
        else if (node is JsonArray array)
        {
            for (var i = 0; i < array.Count; i++)
            {
                if (array[i] is JsonValue v && v.TryGetValue<string>(out _))
                {
                    yield return (array, i);
                }
                else if (array[i] is { } child)
                {
                    foreach (var inner in Strings(child))
                    {
                        yield return inner;
                    }
                }
            }
        }
    }

    private static JsonObject Pick(JsonObject body, Random random)
    {
        var nested = body.Select(p => p.Value).OfType<JsonObject>().Where(o => o.Count > 0).ToList();
        return nested.Count > 0 && random.Next(2) == 0 ? nested[random.Next(nested.Count)] : body;
    }
}
