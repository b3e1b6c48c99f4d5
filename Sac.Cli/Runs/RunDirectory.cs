namespace Sac.Cli.Runs;

/// <summary>The layout of a run directory and the checks that keep a new run from overwriting anything.</summary>
public sealed class RunDirectory
{
    /// <summary>Wraps <paramref name="path"/> (not created).</summary>
    public RunDirectory(string path) => Path = System.IO.Path.GetFullPath(path);

    /// <summary>The directory.</summary>
    public string Path { get; }

    /// <summary>config.json: every effective option.</summary>
    public string Config => System.IO.Path.Combine(Path, "config.json");

    /// <summary>progress.csv.</summary>
    public string Progress => System.IO.Path.Combine(Path, "progress.csv");

    /// <summary>checkpoints/ (see <see cref="Core.Checkpoints.CheckpointStore"/>).</summary>
    public string Checkpoints => System.IO.Path.Combine(Path, "checkpoints");

    /// <summary>summary.json: the final numbers, for scripts.</summary>
    public string Summary => System.IO.Path.Combine(Path, "summary.json");

    /// <summary>True when the directory holds a Sac run (a config.json with the run format tag).</summary>
    public bool IsSacRun => File.Exists(Config) && File.ReadAllText(Config).Contains($"\"{RunConfig.CurrentFormat}\"", StringComparison.Ordinal);

    /// <summary>The default name: runs/&lt;env&gt;-&lt;algo&gt;-&lt;seed&gt;-&lt;timestamp&gt;.</summary>
    public static RunDirectory Default(RunConfig config) =>
        new(System.IO.Path.Combine("runs", $"{config.Env}-{config.Algo}-{config.Seed}-{DateTime.Now:yyyyMMdd-HHmmss}"));

    /// <summary>Creates the directory for a new run, refusing (with a <see cref="UsageException"/>, touching nothing) a
    /// directory that already holds a run or any other files.</summary>
    public void CreateForNewRun()
    {
        if (File.Exists(Path))
            throw new UsageException($"--out {Path} is a file, not a directory.");
        if (Directory.Exists(Path))
        {
            if (IsSacRun)
                throw new UsageException($"--out {Path} already holds a Sac run; continue it with 'sac train --resume {Path}' or choose another --out.");
            if (Directory.EnumerateFileSystemEntries(Path).Any())
                throw new UsageException($"--out {Path} exists and is not a Sac run (it has files but no Sac config.json); choose an empty or new directory.");
        }
        Directory.CreateDirectory(Path);
    }

    /// <summary>Writes config.json atomically.</summary>
    public void WriteConfig(RunConfig config)
    {
        string temporary = Config + ".tmp";
        File.WriteAllText(temporary, config.ToJson());
        File.Move(temporary, Config, overwrite: true);
    }
}
