using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sac.Cli.Runs;

/// <summary>Reads the JSON files a user writes (a --config file, a sweep file): one object, no key given twice.</summary>
public static class JsonFile
{
    /// <summary>
    /// The JSON object in <paramref name="file"/>; a <see cref="UsageException"/> beginning with <paramref name="label"/>
    /// when it cannot be read, is not an object, or gives a key twice (a mistake whichever value would win).
    /// </summary>
    public static JsonObject ReadObject(string file, string label) =>
        ParseObject(new System.Text.UTF8Encoding(false).GetString(ReadBounded(file, label)), label);

    /// <summary>The most a file the user names is read (a --config file, a sweep file): far above any real one.</summary>
    public const int MaxBytes = 16 << 20;

    /// <summary>
    /// The bytes of <paramref name="file"/>, refused (a <see cref="UsageException"/> beginning with <paramref name="label"/>)
    /// when it cannot be read or holds more than <see cref="MaxBytes"/>. NOTE: it reads at most one byte past the limit,
    /// so a device or pipe that never ends (/dev/zero, /dev/urandom) is refused instead of filling memory.
    /// </summary>
    public static byte[] ReadBounded(string file, string label)
    {
        try
        {
            if (Directory.Exists(file))
                throw new UsageException($"{label} is a directory, not a file.");
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0);
            var buffer = new byte[MaxBytes + 1];
            int length = 0, read;
            while (length < buffer.Length && (read = stream.Read(buffer, length, buffer.Length - length)) > 0)
                length += read;
            if (length > MaxBytes)
                throw new UsageException($"{label} is larger than {MaxBytes >> 20} MiB; it cannot be a config or sweep file.");
            return buffer.AsSpan(0, length).ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{label} cannot be read: {e.Message}");
        }
    }

    /// <summary>The JSON object in <paramref name="text"/>, refused as <see cref="ReadObject"/> refuses a file.</summary>
    public static JsonObject ParseObject(string text, string label)
    {
        try
        {
            RefuseDuplicateKeys(text, label);
            return JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }) as JsonObject
                ?? throw new UsageException($"{label} must hold a JSON object.");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new UsageException($"{label} cannot be read: {e.Message}");
        }
    }

    private static void RefuseDuplicateKeys(string text, string label)
    {
        var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(text), new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var scopes = new Stack<HashSet<string>>();
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    scopes.Push(new HashSet<string>(StringComparer.Ordinal));
                    break;
                case JsonTokenType.EndObject:
                    scopes.Pop();
                    break;
                case JsonTokenType.PropertyName when !scopes.Peek().Add(reader.GetString()!):
                    throw new UsageException($"{label}: key '{reader.GetString()}' appears more than once.");
            }
        }
    }
}
