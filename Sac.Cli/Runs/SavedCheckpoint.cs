using Sac.Core.Checkpoints;
using Sac.Core.Environments;
using Sac.Core.Training;

namespace Sac.Cli.Runs;

/// <summary>A checkpoint of a finished or running run, found for playing its policy (`sac eval`, `sac render`).</summary>
/// <param name="Config">The run's config.json.</param>
/// <param name="Path">The checkpoint's directory.</param>
/// <param name="Named">True when the user named it (--checkpoint); false when it was found as the run's newest.</param>
public sealed record SavedCheckpoint(RunConfig Config, string Path, bool Named)
{
    /// <summary>How many checkpoints <see cref="Load"/> reads at most while a training run prunes them from under it.</summary>
    public const int Attempts = 5;

    /// <summary>Tests: runs with each checkpoint found, before it is read, where a training run's pruning can strike.</summary>
    internal static Action<string>? ResolvedForTesting;

    /// <summary>The checkpoint <paramref name="name"/> of <paramref name="run"/> (the newest when null); one line if there is none.</summary>
    public static SavedCheckpoint Find(RunDirectory run, string? name)
    {
        if (!Directory.Exists(run.Path) || !run.IsSacRun)
            throw new UsageException($"--run {run.Path} is not a Sac run directory (no Sac config.json).");
        var config = RunConfig.Load(run.Config);
        return new SavedCheckpoint(config, Resolve(run.Checkpoints, name), Named: name is not null);
    }

    /// <summary>The checkpoint's name (e.g. step-0000010000).</summary>
    public string Name => System.IO.Path.GetFileName(Path);

    /// <summary>The checkpoints/ directory it is in.</summary>
    private string Root => System.IO.Path.GetDirectoryName(Path)!;

    /// <summary>
    /// A trainer of the run's environment and options with the checkpoint loaded (and verified), and the checkpoint
    /// loaded. A checkpoint found as the newest can be pruned by the run's training (the store keeps
    /// <see cref="CheckpointStore.Keep"/>) between being found and being read: then the newest at that moment is read
    /// instead, <see cref="Attempts"/> reads in all. A named checkpoint is never replaced by another, and one that is
    /// there whole but fails verification (corrupt, or of other options) is refused, never skipped.
    /// </summary>
    /// <exception cref="CheckpointException">The checkpoint is missing, corrupt or does not fit the run, or was pruned on every read.</exception>
    public (SavedCheckpoint Checkpoint, Trainer Trainer) Load()
    {
        // The trainer is built once, before the first read: between finding the newest checkpoint and opening its files a
        // run's pruning can strike, so that window holds nothing slower than the open (a refused load leaves the trainer
        // unchanged, so it takes the next one).
        var trainer = new Trainer(VectorEnvironment.Create(Config.Env, Config.Trainer.NumEnvs, Config.Sac.Threads), EnvironmentRegistry.Create(Config.Env), Config.Sac,
            Config.Trainer with { TotalSteps = Math.Max(Config.Steps, 1) });
        return Read(checkpoint =>
        {
            trainer.LoadCheckpoint(checkpoint.Path);
            return trainer;
        });
    }

    /// <summary>
    /// What <paramref name="read"/> reads from the checkpoint (`sac export`: its policy alone), and the checkpoint read,
    /// with the same care as <see cref="Load"/>: a newest checkpoint pruned before it was read gives way to the newest
    /// then, <see cref="Attempts"/> reads in all; a named one is never replaced.
    /// </summary>
    /// <exception cref="CheckpointException">As <see cref="Load"/>, or whatever <paramref name="read"/> refuses.</exception>
    public (SavedCheckpoint Checkpoint, T Value) Read<T>(Func<SavedCheckpoint, T> read)
    {
        SavedCheckpoint checkpoint = this;
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return (checkpoint, read(checkpoint));
            }
            catch (CheckpointException e) when (!Named && checkpoint.IsBeingPruned())
            {
                if (attempt == Attempts)
                    throw new CheckpointException(
                        $"The newest checkpoint of {Root} was pruned by the run's training before it could be read, {Attempts} times in a row; " +
                        $"try again, or name one with --checkpoint. (Last: {e.Message})", e);
                checkpoint = checkpoint with { Path = Resolve(Root, null) };
            }
        }
    }

    /// <summary>
    /// True when this checkpoint is no longer whole (its directory or one of its files is gone) and a newer one is there:
    /// a prune in progress, since pruning removes only checkpoints older than the newest, file by file, and a checkpoint
    /// appears whole (renamed in from a temporary). A checkpoint that is whole failed for what it holds; one with a file
    /// missing and none newer is broken, not pruned.
    /// </summary>
    private bool IsBeingPruned()
    {
        bool whole = File.Exists(System.IO.Path.Combine(Path, Trainer.ModelFileName)) && File.Exists(System.IO.Path.Combine(Path, Trainer.StateFileName));
        return !whole && CheckpointStore.List(Root).Any(other => string.CompareOrdinal(other, Name) > 0);
    }

    private static string Resolve(string root, string? name)
    {
        string path = CheckpointStore.Resolve(root, name);
        ResolvedForTesting?.Invoke(path);
        return path;
    }
}
