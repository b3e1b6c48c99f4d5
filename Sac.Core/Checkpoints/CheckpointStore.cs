namespace Sac.Core.Checkpoints;

/// <summary>What <see cref="CheckpointStore"/> can save: something that writes its whole state into a directory (the
/// trainer). The store owns atomicity; the source owns the files.</summary>
public interface ICheckpointable
{
    /// <summary>Environment steps taken: the checkpoint is named <c>step-NNNNNNNNNN</c> after it.</summary>
    long Steps { get; }

    /// <summary>Writes the checkpoint's files into <paramref name="directory"/> (creating it), flushed to disk.</summary>
    void SaveCheckpoint(string directory);
}

/// <summary>
/// Atomic checkpoints in a directory: each is written whole into a temporary directory, flushed, then renamed to
/// <c>step-NNNNNNNNNN</c> (a rename is atomic), and only then is the <c>latest</c> pointer file replaced (write a temporary
/// file, then rename over). A crash at any moment leaves the previous checkpoint and pointer intact. The newest
/// <see cref="Keep"/> checkpoints are kept.
/// </summary>
public static class CheckpointStore
{
    /// <summary>Name of the pointer file that holds the newest checkpoint's directory name.</summary>
    public const string LatestPointer = "latest";

    /// <summary>How many checkpoints are kept.</summary>
    public const int Keep = 2;

    /// <summary>Writes <paramref name="source"/>'s checkpoint under <paramref name="root"/> atomically; returns its directory.
    /// If writing fails, the half-written temporary is removed and the previous checkpoint and pointer stay as they were.</summary>
    public static string Save(ICheckpointable source, string root)
    {
        ArgumentNullException.ThrowIfNull(source);
        Directory.CreateDirectory(root);
        string name = $"step-{source.Steps:D10}";
        string final = Path.Combine(root, name);
        if (!Directory.Exists(final))
        {
            string temporary = Path.Combine(root, $".tmp-{name}-{Environment.ProcessId}-{Guid.NewGuid():N}");
            try
            {
                source.SaveCheckpoint(temporary);
                Directory.Move(temporary, final);
            }
            finally
            {
                if (Directory.Exists(temporary))
                    Directory.Delete(temporary, recursive: true);
            }
        }
        string pointer = Path.Combine(root, LatestPointer);
        string pointerTemporary = pointer + $".tmp-{Environment.ProcessId}";
        try
        {
            using (var stream = new FileStream(pointerTemporary, FileMode.Create, FileAccess.Write))
            {
                stream.Write(System.Text.Encoding.UTF8.GetBytes(name + "\n"));
                stream.Flush(flushToDisk: true);
            }
            File.Move(pointerTemporary, pointer, overwrite: true);
        }
        finally
        {
            if (File.Exists(pointerTemporary))
                File.Delete(pointerTemporary);
        }
        Prune(root, name);
        return final;
    }

    /// <summary>
    /// The directory of the checkpoint named <paramref name="name"/> (e.g. <c>step-0000005000</c>), or of the newest one
    /// when null. Throws <see cref="CheckpointException"/> with a clear message when there is none.
    /// </summary>
    public static string Resolve(string root, string? name = null)
    {
        if (!Directory.Exists(root))
            throw new CheckpointException($"No checkpoints: {root} does not exist.");
        if (name is null)
        {
            string pointer = Path.Combine(root, LatestPointer);
            if (!File.Exists(pointer))
                throw new CheckpointException($"No checkpoint in {root}: the '{LatestPointer}' pointer is missing.");
            name = File.ReadAllText(pointer).Trim();
        }
        if (name.Length == 0 || name.Contains('/') || name.Contains('\\') || name.StartsWith('.'))
            throw new CheckpointException($"Invalid checkpoint name '{name}' in {root}.");
        string directory = Path.Combine(root, name);
        if (!Directory.Exists(directory))
            throw new CheckpointException($"Checkpoint {name} is missing from {root}. Available: {string.Join(", ", List(root).DefaultIfEmpty("none"))}.");
        return directory;
    }

    /// <summary>The committed checkpoints under <paramref name="root"/>, oldest first.</summary>
    public static IReadOnlyList<string> List(string root) =>
        Directory.Exists(root)
            ? Directory.GetDirectories(root, "step-*").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToArray()
            : [];

    /// <summary>True for a temporary of this store (a checkpoint being written, or the pointer being replaced).</summary>
    public static bool IsTemporary(string path)
    {
        string name = Path.GetFileName(path);
        return name.StartsWith(".tmp-step-", StringComparison.Ordinal) || name.StartsWith(LatestPointer + ".tmp-", StringComparison.Ordinal);
    }

    /// <summary>
    /// Deletes the temporaries under <paramref name="root"/> that a process which died mid-save left behind, and nothing
    /// else. The caller must know no other process is saving here (the CLI holds the run directory's lock).
    /// </summary>
    public static void RemoveTemporaries(string root)
    {
        if (!Directory.Exists(root))
            return;
        foreach (string entry in Directory.EnumerateFileSystemEntries(root).Where(IsTemporary).ToArray())
        {
            if (Directory.Exists(entry))
                Directory.Delete(entry, recursive: true);
            else
                File.Delete(entry);
        }
    }

    private static void Prune(string root, string newest)
    {
        var all = List(root);
        foreach (var old in all.Take(Math.Max(0, all.Count - Keep)))
            if (old != newest)
                Directory.Delete(Path.Combine(root, old), recursive: true);
    }
}
