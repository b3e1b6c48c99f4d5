using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
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
    private static readonly Option<bool> Diagnose = new("--diagnose")
    {
        Description = "Also show why the policy scores what it does: how each episode ended, its reward terms, the critics' Q against the discounted returns, the policy's entropy, saturated actions.",
    };
    private static readonly Option<string?> Json = new("--json")
    {
        Description = "Write the diagnosis (every episode, its reward terms and final observation, the value and policy checks) to this JSON file; implies --diagnose.",
        HelpName = "file",
    };
    private static readonly Option<int> Seed = new("--seed") { Description = "Seed for the evaluation episodes (and the policy's noise with --stochastic).", DefaultValueFactory = _ => 1_000_000 };

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var command = new Command("eval", "Evaluate a trained agent from a run directory's checkpoint.") { CheckpointOptions.Run, Episodes, Deterministic, Stochastic, CheckpointOptions.Checkpoint, Seed, Diagnose, Json };
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
        string? json = parse.GetValue(Json);
        if (json is not null)
        {
            json = Path.GetFullPath(json);
            if (!Directory.Exists(Path.GetDirectoryName(json)))
                throw new UsageException($"--json {parse.GetValue(Json)}: the directory {Path.GetDirectoryName(json)} does not exist.");
            if (Directory.Exists(json))
                throw new UsageException($"--json {parse.GetValue(Json)} is a directory; give a file name.");
        }
        // The checkpoint loaded can be newer than the one found, when a training run pruned that one meanwhile.
        var (checkpoint, trainer) = CheckpointOptions.Find(parse, run).Load();
        var config = checkpoint.Config;

        bool deterministic = !parse.GetValue(Stochastic);
        var environment = EnvironmentRegistry.Create(config.Env);
        var noise = deterministic ? null : new Rng((ulong)seed);
        var diagnosis = parse.GetValue(Diagnose) || json is not null
            ? Evaluation.Diagnose(trainer.Agent, environment, episodes, deterministic, noise, trainer.Agent.Options.Gamma, trainer.Steps, seed)
            : null;
        var report = diagnosis?.Report ?? Evaluation.Run(trainer.Agent, environment, episodes, deterministic, noise, trainer.Steps, seed);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{config.Env} SAC {config.Algo} {checkpoint.Name} ({trainer.Steps} steps): {report.MeanReturn:F2} ± {report.StdReturn:F2} over {episodes} episodes ({(deterministic ? "deterministic" : "stochastic")}, mean length {report.MeanLength:F0})"));
        if (diagnosis is not null)
            WriteDiagnosis(output, diagnosis);
        if (json is not null)
        {
            RunDirectory.WriteAtomically(json, DiagnosisJson(config.Env, config.Algo, checkpoint.Name, deterministic, seed, diagnosis!).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            output.WriteLine($"  diagnosis written to {json}");
        }
        return 0;
    }

    /// <summary>The diagnosis as a few labelled lines, then one line per episode.</summary>
    internal static void WriteDiagnosis(TextWriter output, EvaluationDiagnosis d)
    {
        var inv = CultureInfo.InvariantCulture;
        int terminated = d.TerminatedEpisodes, truncated = d.Episodes.Count - terminated;
        string endings = terminated == 0 ? "every episode reached the time limit"
            : string.Create(inv, $"{terminated} terminated (mean length {d.Episodes.Where(e => e.Terminated).Average(e => e.Length):F0}), {truncated} reached the time limit");
        output.WriteLine($"  endings: {endings}");
        if (d.TermNames.Count > 0)
            output.WriteLine("  reward terms (reward_* summed per episode, others per step), mean over episodes: "
                + string.Join(", ", d.TermNames.Select((name, i) => string.Create(inv, $"{name} {d.Episodes.Average(e => e.Terms[i]):F2}"))));
        if (d.Value is { } v)
        {
            string kind = v.Soft ? "soft return (−α·log π included), like-for-like with SAC's critics"
                : "plain discounted return of the actions taken (SAC's critics estimate the stochastic policy's soft return)";
            output.WriteLine(v.States == 0
                ? string.Create(inv, $"  value: no state has a known return (an episode that terminated, or ≥ {v.Horizon} steps before the time limit at γ = {v.Gamma})")
                : string.Create(inv, $"  value: min Q(s,a) {v.MeanQ:F2} vs G {v.MeanReturn:F2}{Bias(v.MeanQ, v.MeanReturn)} over {v.States} states; at s₀ {v.StartQ:F2} vs {v.StartReturn:F2} over {v.StartStates} episodes; γ = {v.Gamma}, {kind}"));
        }
        if (d.Alpha is { } alpha)
            output.WriteLine(string.Create(inv, $"  policy: α {alpha:G4}, entropy −E[log π(ã|s)] {d.Entropy:F2} over the visited states{(d.TargetEntropy is { } h ? string.Create(inv, $" (target {h:G4})") : "")}, {100 * d.SaturatedFraction:F1} % of action entries at |a| ≥ 0.99"));
        else
            output.WriteLine(string.Create(inv, $"  policy: {100 * d.SaturatedFraction:F1} % of action entries at |a| ≥ 0.99"));
        for (int i = 0; i < d.Episodes.Count; i++)
        {
            var e = d.Episodes[i];
            output.WriteLine(string.Create(inv, $"  episode {i + 1}: {e.Return:F2} in {e.Length} steps, {(e.Terminated ? "terminated" : "time limit")}")
                + string.Concat(d.TermNames.Select((name, j) => string.Create(inv, $", {name} {e.Terms[j]:F2}"))));
        }
    }

    /// <summary>The diagnosis as JSON; a quantity that does not exist (no critics, no α) is null, never NaN.</summary>
    internal static JsonObject DiagnosisJson(string env, string algo, string checkpoint, bool deterministic, int seed, EvaluationDiagnosis d)
    {
        static JsonNode? Number(double? x) => x is double v && double.IsFinite(v) ? JsonValue.Create(v) : null;
        var r = d.Report;
        var json = new JsonObject
        {
            ["format"] = "sac-eval-diagnosis-1",
            ["env"] = env, ["algo"] = algo, ["checkpoint"] = checkpoint, ["steps"] = r.Step,
            ["deterministic"] = deterministic, ["seed"] = seed,
            ["meanReturn"] = r.MeanReturn, ["stdReturn"] = r.StdReturn, ["meanLength"] = r.MeanLength,
            ["terminatedEpisodes"] = d.TerminatedEpisodes,
            ["alpha"] = Number(d.Alpha), ["targetEntropy"] = Number(d.TargetEntropy), ["entropy"] = Number(d.Entropy),
            ["saturatedFraction"] = d.SaturatedFraction,
            ["termNames"] = new JsonArray([.. d.TermNames.Select(n => (JsonNode)n)]),
        };
        if (d.Value is { } v)
            json["value"] = new JsonObject
            {
                ["soft"] = v.Soft, ["gamma"] = v.Gamma, ["horizon"] = v.Horizon, ["states"] = v.States,
                ["meanQ"] = Number(v.MeanQ), ["meanReturn"] = Number(v.MeanReturn),
                ["startStates"] = v.StartStates, ["startQ"] = Number(v.StartQ), ["startReturn"] = Number(v.StartReturn),
            };
        json["episodes"] = new JsonArray([.. d.Episodes.Select(e => (JsonNode)new JsonObject
        {
            ["return"] = e.Return, ["length"] = e.Length, ["terminated"] = e.Terminated,
            ["terms"] = new JsonArray([.. e.Terms.Select(x => (JsonNode)x)]),
            ["finalObservation"] = new JsonArray([.. e.FinalObservation.Select(x => (JsonNode)x)]),
        })]);
        return json;
    }

    private static string Bias(double q, double g) =>
        g == 0 ? "" : string.Create(CultureInfo.InvariantCulture, $" ({(q - g) / Math.Abs(g) * 100:+0.0;−0.0} %)");
}
