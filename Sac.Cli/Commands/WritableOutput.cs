using Sac.Cli.Runs;

namespace Sac.Cli.Commands;

/// <summary>Checks, before any work, that a file a command will write can be created.</summary>
internal static class WritableOutput
{
    /// <summary>
    /// The nearest existing directory above <paramref name="file"/>, once it has taken a new file; otherwise a
    /// <see cref="UsageException"/> that starts with <paramref name="name"/> ("--out model.onnx"). Asked of the file system
    /// by creating and deleting a file there, since mode bits do not tell (root, ACLs, read-only mounts, immutable
    /// directories); a file where a directory should be is named. The directories missing below it are the caller's to
    /// create when it writes.
    /// </summary>
    public static string NearestDirectory(string file, string name)
    {
        string directory = Path.GetDirectoryName(Path.GetFullPath(file))!;
        while (!Directory.Exists(directory))
        {
            if (File.Exists(directory))
                throw new UsageException($"{name} cannot be written: {directory} is a file, not a directory.");
            directory = Path.GetDirectoryName(directory) ?? throw new UsageException($"{name} cannot be written: no directory above it exists.");
        }
        string probe = Path.Combine(directory, $".sac-write-probe-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            new FileStream(probe, FileMode.CreateNew, FileAccess.Write).Dispose();
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{name} cannot be written: {directory} does not take new files ({e.Message}).");
        }
        return directory;
    }
}
