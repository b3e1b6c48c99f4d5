using Sac.Core.Checkpoints;
using Sac.Render.Video;

namespace Sac.Cli.Runs;

/// <summary>
/// The layout of a run directory, its lock, and the checks that keep a new run from overwriting anything.
/// <para>
/// One process at a time: <see cref="Lock"/> takes an exclusive OS-level lock on <c>.lock</c> (flock on Linux, through
/// <see cref="FileShare.None"/>), which the kernel releases when the process dies however it dies, so a crashed run never
/// leaves a stale lock. While the lock is held, any temporary a Sac process writes in the directory belongs to a process
/// that died mid-write, and <see cref="RemoveStaleTemporaries"/> may delete it.
/// </para>
/// </summary>
public sealed class RunDirectory
{
    /// <summary>The lock file's name.</summary>
    public const string LockFileName = ".lock";

    /// <summary>Wraps <paramref name="path"/> (not created). A usage error for a path that cannot name a directory.</summary>
    public RunDirectory(string path, string option)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new UsageException($"{option} needs a directory path, got '{path}'.");
        try
        {
            Path = System.IO.Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new UsageException($"{option} '{path}' is not a valid path: {e.Message}");
        }
        Option = option;
    }

    /// <summary>The directory.</summary>
    public string Path { get; }

    /// <summary>The option that named it (for messages).</summary>
    public string Option { get; }

    /// <summary>config.json: every effective option.</summary>
    public string Config => System.IO.Path.Combine(Path, "config.json");

    /// <summary>progress.csv.</summary>
    public string Progress => System.IO.Path.Combine(Path, "progress.csv");

    /// <summary>checkpoints/ (see <see cref="CheckpointStore"/>).</summary>
    public string Checkpoints => System.IO.Path.Combine(Path, "checkpoints");

    /// <summary>summary.json: the final numbers, for scripts.</summary>
    public string Summary => System.IO.Path.Combine(Path, "summary.json");

    /// <summary>exit.json: how the last attempt of a sweep executor ended (exit code, last error line); see Sweeps.CellStatus.</summary>
    public string Exit => System.IO.Path.Combine(Path, "exit.json");

    /// <summary>videos/: the recorded evaluations (step-N.webm, with its poster step-N.png and its rewards step-N.csv) and renders.</summary>
    public string Videos => System.IO.Path.Combine(Path, "videos");

    /// <summary>eval_terms.csv: the per-step rewards and reward terms of the last evaluation's first episode.</summary>
    public string EvalTerms => System.IO.Path.Combine(Path, "eval_terms.csv");

    /// <summary>index.html: the run page (see <see cref="RunPage"/>).</summary>
    public string Page => System.IO.Path.Combine(Path, RunPage.FileName);

    /// <summary>True when the directory holds a Sac run (a config.json with the run format tag).</summary>
    public bool IsSacRun
    {
        get
        {
            try
            {
                // NOTE: a FIFO has length 0, and opening one to read waits for a writer for ever: only a file with
                // something in it is opened.
                var file = new FileInfo(Config);
                return file.Exists && file.Length > 0 && File.ReadAllText(Config).Contains($"\"{RunConfig.CurrentFormat}\"", StringComparison.Ordinal);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UsageException($"Cannot read {Config}: {e.Message}");
            }
        }
    }

    /// <summary>True when the run has taken a checkpoint or finished: then resuming needs its checkpoint, never a restart.</summary>
    public bool HasCheckpointOrFinished =>
        File.Exists(Summary) || File.Exists(System.IO.Path.Combine(Checkpoints, CheckpointStore.LatestPointer)) || CheckpointStore.List(Checkpoints).Count > 0;

    /// <summary>The default name: runs/&lt;env&gt;-&lt;algo&gt;-&lt;seed&gt;-&lt;timestamp&gt;.</summary>
    public static RunDirectory Default(RunConfig config) =>
        new(System.IO.Path.Combine("runs", $"{config.Env}-{config.Algo}-{config.Seed}-{DateTime.Now:yyyyMMdd-HHmmss}"), "--out");

    /// <summary>
    /// Creates and locks the directory for a new run. Refuses (a <see cref="UsageException"/>, writing nothing into an
    /// existing directory) a path under a file, a directory that already holds a run, or one with files of its own;
    /// a directory holding only a crashed Sac process's temporaries counts as empty. The lock is released on dispose.
    /// </summary>
    public IDisposable CreateForNewRun()
    {
        if (File.Exists(Path))
            throw new UsageException($"{Option} {Path} is a file, not a directory.");
        RefuseIfTaken();
        try
        {
            Directory.CreateDirectory(Path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{Option} {Path} cannot be created: {e.Message}");
        }
        var held = Lock();
        try
        {
            RefuseIfTaken(); // again under the lock: another process may have started a run here in between
            RemoveStaleTemporaries();
            return held;
        }
        catch
        {
            held.Dispose();
            throw;
        }
    }

    private void RefuseIfTaken()
    {
        if (!Directory.Exists(Path))
            return;
        if (IsSacRun)
            throw new UsageException($"{Option} {Path} already holds a Sac run; continue it with 'sac train --resume {Path}' or choose another --out.");
        string? foreign = Directory.EnumerateFileSystemEntries(Path).FirstOrDefault(e => !IsOwnTemporaryOrLock(e));
        if (foreign is not null)
            throw new UsageException($"{Option} {Path} exists and is not a Sac run (it holds {System.IO.Path.GetFileName(foreign)} but no Sac config.json); choose an empty or new directory.");
    }

    /// <summary>
    /// Takes the directory's exclusive lock; a <see cref="UsageException"/> if another process holds it. Dispose the
    /// result to release it (the OS releases it anyway when the process exits).
    /// </summary>
    public IDisposable Lock()
    {
        string path = System.IO.Path.Combine(Path, LockFileName);
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (File.Exists(path))
        {
            throw new UsageException($"{Path} is in use by another sac process (it holds {LockFileName}); wait for it to finish or stop it first. ({e.Message})");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{Option} {Path} cannot be written: {e.Message}");
        }
    }

    /// <summary>
    /// Deletes what a Sac process that died mid-write left here (temporary config, progress and summary files, and the
    /// checkpoint store's temporaries), and nothing else. Call only while holding <see cref="Lock"/>.
    /// </summary>
    public void RemoveStaleTemporaries()
    {
        foreach (string name in TemporaryNames)
        {
            string path = System.IO.Path.Combine(Path, name);
            if (File.Exists(path))
                File.Delete(path);
        }
        CheckpointStore.RemoveTemporaries(Checkpoints);
        if (Directory.Exists(Videos))
        {
            foreach (string file in Directory.EnumerateFiles(Videos).Where(f => IsVideoTemporary(System.IO.Path.GetFileName(f))).ToArray())
                File.Delete(file);
        }
    }

    /// <summary>The temporaries the CLI writes next to a run's files (each then renamed over its file).</summary>
    private static readonly string[] TemporaryNames =
    [
        "config.json.tmp", "progress.csv.tmp", "summary.json.tmp", "exit.json.tmp", "learning_curve.tmp.png", "learning_curve.tmp.svg",
        "eval_terms.csv.tmp", "eval_terms.tmp.svg", RunPage.FileName + ".tmp",
    ];

    /// <summary>
    /// True for what a recording or a render killed mid-write leaves in videos/: ffmpeg's <c>name.TAG.tmp.webm</c> (or
    /// .mp4, .gif), a poster's <c>name.TAG.tmp.png</c>, a rewards table's <c>name.TAG.csv.tmp</c> (TAG unique per writer,
    /// see Sac.Render's TemporaryFiles).
    /// </summary>
    public static bool IsVideoTemporary(string fileName) =>
        FfmpegEncoder.IsTemporary(fileName) || fileName.EndsWith(".tmp.png", StringComparison.Ordinal) || fileName.EndsWith(".csv.tmp", StringComparison.Ordinal);

    private bool IsOwnTemporaryOrLock(string entry)
    {
        string name = System.IO.Path.GetFileName(entry);
        if (name == LockFileName || TemporaryNames.Contains(name))
            return true;
        // A checkpoints/ directory that holds nothing but the store's temporaries is a crashed first checkpoint, and a
        // videos/ directory holding only temporaries a recording killed before its first video.
        if (name == "videos" && Directory.Exists(entry))
            return Directory.EnumerateFileSystemEntries(entry).All(e => File.Exists(e) && IsVideoTemporary(System.IO.Path.GetFileName(e)));
        return name == "checkpoints" && Directory.Exists(entry) && Directory.EnumerateFileSystemEntries(entry).All(CheckpointStore.IsTemporary);
    }

    /// <summary>Writes config.json atomically (temporary file, then rename).</summary>
    public void WriteConfig(RunConfig config) => WriteAtomically(Config, config.ToJson());

    /// <summary>Writes <paramref name="path"/> through a temporary file renamed over it, so it is never seen half-written.</summary>
    public static void WriteAtomically(string path, string content) => ReplaceAtomically(path, temporary => File.WriteAllText(temporary, content));

    /// <summary>Has <paramref name="write"/> write <paramref name="path"/>'s new content into a temporary file
    /// (<c>path.tmp</c>, or <c>name.tmp.ext</c> for writers that insist on the extension), then renames it over
    /// <paramref name="path"/>. On failure the temporary is removed and the old file is untouched.</summary>
    public static void ReplaceAtomically(string path, Action<string> write)
    {
        string extension = System.IO.Path.GetExtension(path);
        string temporary = extension is ".png" or ".svg"
            ? System.IO.Path.ChangeExtension(path, ".tmp" + extension)
            : path + ".tmp";
        try
        {
            write(temporary);
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            if (File.Exists(temporary))
                File.Delete(temporary);
            throw;
        }
    }
}
