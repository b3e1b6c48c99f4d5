using System.CommandLine;
using System.Globalization;
using Sac.Cli.Runs;
using Sac.Core;
using Sac.Core.Environments;
using Sac.Core.Training;

namespace Sac.Cli.Commands;

/// <summary>`sac eval`: load a run's checkpoint and report the policy's mean ± std return.</summary>
public static class EvalCommand
{
    private static readonly Option<int> Episodes = new("--episodes") { Description = "Episodes to play.", DefaultValueFactory = _ => 10 };
    private static readonly Option<bool> Deterministic = new("--deterministic") { Description = "Act with tanh(μ(s)) (the default)." };
    private static readonly Option<bool> Stochastic = new("--stochastic") { Description = "Sample actions from π(·|s) instead." };
    private static readonly Option<int> Seed = new("--seed") { Description = "Seed for the evaluation episodes (and the policy's noise with --stochastic).", DefaultValueFactory = _ => 1_000_000 };

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var command = new Command("eval", "Evaluate a trained agent from a run directory's checkpoint.") { CheckpointOptions.Run, Episodes, Deterministic, Stochastic, CheckpointOptions.Checkpoint, Seed };
        command.SetAction(parse => CommandGuard.Guard(parse, () => Execute(parse)));
        return command;
    }

    private static int Execute(ParseResult parse)
    {
        var output = parse.InvocationConfiguration.Output;
        var run = CheckpointOptions.RunDirectoryOf(parse);
        int episodes = CheckpointOptions.Episodes(parse, Episodes, Evaluation.MaxEpisodes);
        if (parse.GetValue(Deterministic) && parse.GetValue(Stochastic))
            throw new UsageException("Choose one of --deterministic and --stochastic.");
        int seed = CheckpointOptions.Seed(parse, Seed);
        // The checkpoint loaded can be newer than the one found, when a training run pruned that one meanwhile.
        var (checkpoint, trainer) = CheckpointOptions.Find(parse, run).Load();
        var config = checkpoint.Config;

        bool deterministic = !parse.GetValue(Stochastic);
        var report = Evaluation.Run(trainer.Agent, EnvironmentRegistry.Create(config.Env), episodes, deterministic,
            deterministic ? null : new Rng((ulong)seed), trainer.Steps, seed);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{config.Env} SAC {config.Algo} {checkpoint.Name} ({trainer.Steps} steps): {report.MeanReturn:F2} ± {report.StdReturn:F2} over {episodes} episodes ({(deterministic ? "deterministic" : "stochastic")}, mean length {report.MeanLength:F0})"));
        return 0;
    }
}
