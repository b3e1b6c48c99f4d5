using Sac.Cli.Runs;

namespace Sac.Cli.Sweeps;

/// <summary>
/// A sweep directory: <c>sweep.json</c> (the sweep file, byte for byte), <c>manifest.json</c> (cell → options → run
/// directory), <c>runs/&lt;cell&gt;/</c> (one `sac train` run directory per cell, its config.json written at expansion),
/// <c>logs/cell-&lt;index&gt;.log</c> (every attempt's output, appended) and, for Slurm, <c>sweep.sbatch</c>.
/// <para>
/// A directory belongs to one sweep file content: opening it again checks the file's SHA-256, the manifest and every
/// run's config.json against the expansion, and refuses (one line) anything that no longer matches.
/// </para>
/// </summary>
public sealed class SweepDirectory
{
    /// <summary>The folder of the run directories.</summary>
    public const string RunsFolder = "runs";

    /// <summary>Options a run may change without leaving its cell (they never change its results).</summary>
    private static readonly string[] s_free = ["threads"];

    private SweepDirectory(string path, SweepPlan plan) => (Path, Plan) = (path, plan);

    /// <summary>The directory.</summary>
    public string Path { get; }

    /// <summary>The expansion of its sweep file.</summary>
    public SweepPlan Plan { get; }

    /// <summary>sweep.json: the copy of the sweep file.</summary>
    public string SweepCopy => Combine(Path, "sweep.json");

    /// <summary>manifest.json.</summary>
    public string Manifest => Combine(Path, "manifest.json");

    /// <summary>sweep.sbatch: the Slurm job-array script.</summary>
    public string Script => Combine(Path, "sweep.sbatch");

    /// <summary>The run directory of <paramref name="cell"/>.</summary>
    public RunDirectory Run(SweepCell cell) => new(Combine(Path, RunsFolder, cell.Name), "--out");

    /// <summary>The log of <paramref name="cell"/>'s attempts (Slurm's --output, or the local executor's redirect).</summary>
    public string Log(SweepCell cell) => Combine(Path, "logs", $"cell-{cell.Index}.log");

    /// <summary>The logs folder.</summary>
    public string Logs => Combine(Path, "logs");

    /// <summary>
    /// The sweep directory for <paramref name="file"/> at <paramref name="path"/>: checks everything, then writes what is
    /// missing (the directory, sweep.json, manifest.json, logs/, and each cell's run directory with its config.json),
    /// leaving runs that exist as they are. Nothing is written when any check fails.
    /// </summary>
    public static SweepDirectory Prepare(SweepFile file, string path)
    {
        var plan = SweepPlan.Expand(file);
        string full = FullPath(path);
        var sweep = new SweepDirectory(full, plan);
        if (System.IO.File.Exists(full))
            throw new UsageException($"--out {full} is a file, not a sweep directory.");
        bool existing = System.IO.File.Exists(sweep.Manifest) || System.IO.File.Exists(sweep.SweepCopy);
        if (existing)
            sweep.CheckAgainstDisk();
        else if (Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any(e => System.IO.Path.GetFileName(e) != RunDirectory.LockFileName))
            throw new UsageException($"--out {full} exists and is not a sweep directory (no manifest.json); choose a new or empty directory.");
        foreach (var cell in plan.Cells)
            sweep.CheckCellDirectory(cell);

        Directory.CreateDirectory(full);
        using (sweep.Lock())
        {
            if (!existing)
            {
                RunDirectory.ReplaceAtomically(sweep.SweepCopy, temporary => System.IO.File.WriteAllBytes(temporary, file.Bytes));
                RunDirectory.WriteAtomically(sweep.Manifest, plan.ManifestJson());
            }
            Directory.CreateDirectory(sweep.Logs);
            foreach (var cell in plan.Cells)
            {
                var run = sweep.Run(cell);
                if (run.IsSacRun)
                    continue;
                using (run.CreateForNewRun())
                    run.WriteConfig(cell.Config);
            }
        }
        return sweep;
    }

    /// <summary>Opens an existing sweep directory (for status and the executors), with every check of <see cref="Prepare"/>.</summary>
    public static SweepDirectory Open(string path)
    {
        string full = FullPath(path);
        var copy = Combine(full, "sweep.json");
        if (!Directory.Exists(full) || !System.IO.File.Exists(Combine(full, "manifest.json")) || !System.IO.File.Exists(copy))
            throw new UsageException($"{full} is not a sweep directory (no manifest.json and sweep.json); create one with 'sac sweep SWEEP.json'.");
        var sweep = new SweepDirectory(full, SweepPlan.Expand(SweepFile.Read(copy)));
        sweep.CheckAgainstDisk();
        foreach (var cell in sweep.Plan.Cells)
            sweep.CheckCellDirectory(cell);
        return sweep;
    }

    /// <summary>True when <paramref name="path"/> is a directory holding a sweep's manifest (so `sac sweep DIR` reruns it).</summary>
    public static bool IsSweepDirectory(string path) => Directory.Exists(path) && System.IO.File.Exists(Combine(path, "manifest.json"));

    /// <summary>Takes the sweep's own lock (one executor at a time); a <see cref="UsageException"/> if another holds it.</summary>
    public IDisposable Lock()
    {
        string path = Combine(Path, RunDirectory.LockFileName);
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (System.IO.File.Exists(path))
        {
            throw new UsageException($"{Path} is in use by another 'sac sweep' (it holds {RunDirectory.LockFileName}); wait for it to finish or stop it first. ({e.Message})");
        }
    }

    private void CheckAgainstDisk()
    {
        byte[] copy = ReadBytes(SweepCopy);
        if (!copy.AsSpan().SequenceEqual(Plan.File.Bytes))
        {
            string theirs = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(copy));
            throw new UsageException($"{Path} was expanded from another version of the sweep file (sha256 {theirs[..12]}… in {SweepCopy}, {Plan.File.Sha256[..12]}… in {Plan.File.Label}); restore the file or choose a new --out.");
        }
        string manifest = System.Text.Encoding.UTF8.GetString(ReadBytes(Manifest));
        if (manifest != Plan.ManifestJson())
            throw new UsageException($"{Manifest} does not match the expansion of {SweepCopy} (edited by hand, or written by another version of sac); restore it or start a new sweep directory.");
    }

    /// <summary>A cell's run directory must be absent, empty, or a run whose config.json is the cell's (threads aside).</summary>
    private void CheckCellDirectory(SweepCell cell)
    {
        var run = Run(cell);
        if (System.IO.File.Exists(run.Path))
            throw new UsageException($"{run.Path} (cell {cell.Index}) is a file, not a run directory.");
        if (!Directory.Exists(run.Path))
            return;
        if (!run.IsSacRun)
        {
            if (Directory.EnumerateFileSystemEntries(run.Path).Any(e => System.IO.Path.GetFileName(e) is not (RunDirectory.LockFileName or "config.json.tmp")))
                throw new UsageException($"{run.Path} (cell {cell.Index}) holds files but no Sac config.json; move them away or choose a new sweep directory.");
            return;
        }
        var saved = RunConfig.Load(run.Config);
        var difference = saved.Differences(cell.Config).FirstOrDefault(d => !s_free.Contains(d.Option.Key));
        if (difference.Option is not null)
            throw new UsageException($"{run.Path} no longer matches cell {cell.Index} of {SweepCopy}: its config.json has {difference.Option.Key} = {difference.Mine}, the cell {difference.Theirs}; restore it or start a new sweep directory.");
    }

    private static byte[] ReadBytes(string path)
    {
        try
        {
            return System.IO.File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"Cannot read {path}: {e.Message}");
        }
    }

    private static string FullPath(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new UsageException($"A sweep directory path is needed, got '{path}'.");
        try
        {
            return System.IO.Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new UsageException($"'{path}' is not a valid path: {e.Message}");
        }
    }

    private static string Combine(params string[] parts) => System.IO.Path.Combine(parts);
}
