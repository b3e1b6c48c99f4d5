using Sac.Core.Checkpoints;
using Sac.Core.Environments;
using Sac.Core.Training;

namespace Sac.Cli.Runs;

/// <summary>A checkpoint of a finished or running run, found for playing its policy (`sac eval`, `sac render`).</summary>
/// <param name="Config">The run's config.json.</param>
/// <param name="Path">The checkpoint's directory.</param>
public sealed record SavedCheckpoint(RunConfig Config, string Path)
{
    /// <summary>The checkpoint <paramref name="name"/> of <paramref name="run"/> (the newest when null); one line if there is none.</summary>
    public static SavedCheckpoint Find(RunDirectory run, string? name)
    {
        if (!Directory.Exists(run.Path) || !run.IsSacRun)
            throw new UsageException($"--run {run.Path} is not a Sac run directory (no Sac config.json).");
        var config = RunConfig.Load(run.Config);
        return new SavedCheckpoint(config, CheckpointStore.Resolve(run.Checkpoints, name));
    }

    /// <summary>The checkpoint's name (e.g. step-0000010000).</summary>
    public string Name => System.IO.Path.GetFileName(Path);

    /// <summary>A trainer of the run's environment and options with the checkpoint loaded (and verified).</summary>
    public Trainer Load()
    {
        var trainer = new Trainer(EnvironmentRegistry.Create(Config.Env), EnvironmentRegistry.Create(Config.Env), Config.Sac,
            Config.Trainer with { TotalSteps = Math.Max(Config.Steps, 1) });
        trainer.LoadCheckpoint(Path);
        return trainer;
    }
}
