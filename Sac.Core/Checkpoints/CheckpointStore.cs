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
/// file, then rename over). A crash at any moment leaves every committed checkpoint intact; the newest is found from the
/// directories themselves (<see cref="Resolve"/>), so a pointer left behind by a crash between the two renames misleads
/// nobody. The newest <see cref="Keep"/> checkpoints are kept.
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
    /// <para>
    /// CRUCIAL: the newest is the newest committed <c>step-*</c> directory, not what the <see cref="LatestPointer"/> says.
    /// A checkpoint is committed by its rename, and the pointer is replaced after it: a process that dies (or a disk that
    /// fills) between the two leaves a pointer to the previous checkpoint, or none at all, beside an intact newer one.
    /// The pointer is kept for people and scripts that read it.
    /// </para>
    /// </summary>
    public static string Resolve(string root, string? name = null)
    {
        RequireReachable(root);
        if (!Directory.Exists(root))
            throw new CheckpointException($"No checkpoints: {root} does not exist.");
        if (name is null)
        {
            // NOTE: beside a run that checkpoints often, the newest listed can be pruned before it is looked at (a run
            // saving every few milliseconds saves two more in that time): list again, a few times.
            for (int attempt = 0; ; attempt++)
            {
                var committed = List(root);
                if (committed.Count == 0)
                {
                    string pointer = Path.Combine(root, LatestPointer);
                    throw new CheckpointException(File.Exists(pointer)
                        ? $"No checkpoint in {root}: the '{LatestPointer}' pointer names {ReadPointer(pointer)}, which is missing, and no other checkpoint is there."
                        : $"No checkpoint in {root}.");
                }
                name = committed[^1];
                if (Directory.Exists(Path.Combine(root, name)) || attempt == 9)
                    break;
            }
        }
        if (name.Length == 0 || name.Contains('/') || name.Contains('\\') || name.StartsWith('.'))
            throw new CheckpointException($"Invalid checkpoint name '{name}' in {root}.");
        string directory = Path.Combine(root, name);
        if (!Directory.Exists(directory))
            throw new CheckpointException($"Checkpoint {name} is missing from {root}. Available: {string.Join(", ", List(root).DefaultIfEmpty("none"))}.");
        return directory;
    }

    /// <summary>
    /// Throws <see cref="CheckpointException"/> when <paramref name="root"/> is a symbolic link whose target cannot be
    /// reached (a scratch disk that is not mounted, say), or a file: such a store is not "empty", and treating it so
    /// would restart a run that has checkpoints.
    /// </summary>
    public static void RequireReachable(string root)
    {
        var info = new DirectoryInfo(root);
        if (info.LinkTarget is string target && !Directory.Exists(root))
            throw new CheckpointException($"{root} is a symbolic link to {target}, which cannot be reached (a disk not mounted?); its checkpoints cannot be read, so nothing was changed.");
        if (File.Exists(root))
            throw new CheckpointException($"{root} is a file, not a directory of checkpoints.");
    }

    private static string ReadPointer(string pointer)
    {
        try
        {
            return File.ReadAllText(pointer).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"(unreadable: {e.Message})";
        }
    }

    /// <summary>The committed checkpoints under <paramref name="root"/>, oldest first.</summary>
    public static IReadOnlyList<string> List(string root) =>
        Directory.Exists(root)
            ? Directory.GetDirectories(root, "step-*").Select(Path.GetFileName).OfType<string>()
                .Select(name => (Name: name, Step: StepOf(name))).Where(c => c.Step >= 0).OrderBy(c => c.Step).Select(c => c.Name).ToArray()
            : [];

    /// <summary>The step of a checkpoint directory named <c>step-N</c> (N all digits), or −1 for any other name.</summary>
    public static long StepOf(string name) =>
        name.StartsWith("step-", StringComparison.Ordinal) && name.Length > 5 && name.AsSpan(5).IndexOfAnyExceptInRange('0', '9') < 0
        && long.TryParse(name.AsSpan(5), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long step)
            ? step
            : -1;

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

    /// <summary>
    /// Deletes all but the newest <see cref="Keep"/> checkpoints. Each is first renamed to a temporary (atomic), so a
    /// reader (`sac eval` beside a training run) sees a checkpoint whole or not at all, never half deleted; a temporary
    /// left by a crash here is removed by <see cref="RemoveTemporaries"/>.
    /// </summary>
    private static void Prune(string root, string newest)
    {
        var all = List(root);
        foreach (var old in all.Take(Math.Max(0, all.Count - Keep)))
        {
            if (old == newest)
                continue;
            string doomed = Path.Combine(root, $".tmp-{old}-pruned-{Environment.ProcessId}-{Guid.NewGuid():N}");
            Directory.Move(Path.Combine(root, old), doomed);
            Directory.Delete(doomed, recursive: true);
        }
    }
}
