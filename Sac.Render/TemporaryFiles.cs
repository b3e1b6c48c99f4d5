namespace Sac.Render;

/// <summary>A file was not written because one of that name exists and replacing it was not allowed.</summary>
/// <param name="path">The existing file.</param>
public sealed class OutputExistsException(string path) : IOException($"{path} already exists; it was not replaced.")
{
    /// <summary>The existing file.</summary>
    public string Path { get; } = path;
}

/// <summary>
/// How Sac.Render's files appear: each is written whole into a temporary beside it, then renamed to its name, so no
/// reader ever sees one half-written.
/// </summary>
/// <remarks>
/// A temporary's name is unique to its writer (process id, a count and a random tag), so two processes writing the same name
/// never write into one temporary, and it keeps the shapes a run directory's cleanup recognizes
/// (<c>name.TAG.tmp.webm</c>, <c>name.TAG.tmp.png</c>, <c>name.TAG.csv.tmp</c>; see Sac.Cli's
/// <c>RunDirectory.IsVideoTemporary</c>): ffmpeg and Skia are handed a name that still ends in the format's extension.
/// </remarks>
public static class TemporaryFiles
{
    private static long s_written;

    /// <summary>A fresh temporary name beside <paramref name="path"/> (see the remarks for its shape).</summary>
    public static string For(string path)
    {
        string full = Path.GetFullPath(path);
        string extension = Path.GetExtension(full);
        string stem = Path.Combine(Path.GetDirectoryName(full) ?? "", Path.GetFileNameWithoutExtension(full));
        // The process id and a count make it unique among the processes alive; the random part keeps a leftover of a
        // killed process whose id came round again from being this name too.
        string tag = $"{Environment.ProcessId}-{Interlocked.Increment(ref s_written)}-{Random.Shared.Next(0x10000):x4}";
        return extension.Equals(".csv", StringComparison.OrdinalIgnoreCase) ? $"{stem}.{tag}{extension}.tmp" : $"{stem}.{tag}.tmp{extension}";
    }

    /// <summary>Creates the temporary <paramref name="temporary"/> and writes <paramref name="text"/> (UTF-8) into it; never replaces a file.</summary>
    public static void WriteNew(string temporary, string text)
    {
        using var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write);
        using var writer = new StreamWriter(stream);
        writer.Write(text);
    }

    /// <summary>
    /// Flushes the finished <paramref name="temporary"/> to disk and renames it to <paramref name="path"/>, so that after a
    /// crash the name holds the whole file or the old one, never an empty one. With <paramref name="overwrite"/> false
    /// an existing file is never replaced, not even one that appeared a moment ago: the rename itself refuses (link(2)
    /// on Linux), and <see cref="OutputExistsException"/> is thrown.
    /// </summary>
    public static void Commit(string temporary, string path, bool overwrite)
    {
        using (var written = new FileStream(temporary, FileMode.Open, FileAccess.ReadWrite))
            written.Flush(flushToDisk: true); // NOTE: fsync needs a handle that may write; nothing is written through it
        try
        {
            File.Move(temporary, path, overwrite);
        }
        catch (IOException) when (!overwrite && File.Exists(path))
        {
            throw new OutputExistsException(path);
        }
    }

    /// <summary>Deletes <paramref name="path"/> if it is there; a failure to delete is ignored (it is cleanup, after another error).</summary>
    public static void Discard(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
