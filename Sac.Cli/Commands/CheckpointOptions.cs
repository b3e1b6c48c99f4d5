using System.CommandLine;
using Sac.Cli.Runs;

namespace Sac.Cli.Commands;

/// <summary>
/// The options of the commands that read a trained run's checkpoint (eval, render, export), declared once so their
/// names, help lines and checks cannot drift apart; and the checks eval and render make alike of the episodes they play
/// and the seed they start from.
/// </summary>
internal static class CheckpointOptions
{
    /// <summary>--run: the run directory whose checkpoint is read.</summary>
    public static readonly Option<string> Run = new("--run") { Description = "The run directory (as written by 'sac train').", Required = true };

    /// <summary>--checkpoint: one of the run's checkpoints by name; the newest when not given.</summary>
    public static readonly Option<string?> Checkpoint = new("--checkpoint") { Description = "A checkpoint name under checkpoints/ (e.g. step-0000010000); default the newest." };

    /// <summary>The directory --run names (a usage error for a path that cannot name one).</summary>
    public static RunDirectory RunDirectoryOf(ParseResult parse) => new(parse.GetValue(Run)!, "--run");

    /// <summary>The checkpoint of <paramref name="run"/> that --checkpoint names, or its newest.</summary>
    public static SavedCheckpoint Find(ParseResult parse, RunDirectory run) => SavedCheckpoint.Find(run, parse.GetValue(Checkpoint));

    /// <summary>The value of the command's --episodes: from 1 to <paramref name="max"/>, or a usage error.</summary>
    public static int Episodes(ParseResult parse, Option<int> episodes, int max)
    {
        int value = parse.GetValue(episodes);
        if (value < 1 || value > max)
            throw new UsageException($"--episodes must be between 1 and {max}, got {value}.");
        return value;
    }

    /// <summary>The value of the command's --seed: ≥ 0, since it seeds the episodes' resets as an unsigned number, or a usage error.</summary>
    public static int Seed(ParseResult parse, Option<int> seed)
    {
        int value = parse.GetValue(seed);
        if (value < 0)
            throw new UsageException($"--seed must be ≥ 0, got {value}.");
        return value;
    }
}
