using System.Text.Json.Nodes;
using Sac.Core.Checkpoints;
using Sac.Core.Training;
using Sac.Tests.Cli;

namespace Sac.Tests.Sweeps;

/// <summary>What the sweep tests share: tiny Pendulum sweep files, and the files that make up a run's results.</summary>
public abstract class SweepTestBase : CliTestBase
{
    /// <summary>The options of a tiny run: a few hundred steps of small networks, well under a second of training.</summary>
    protected const string TinyOptions = """
        "steps": 400, "hidden": [16, 16], "batchSize": 32, "learningStarts": 100, "evalEpisodes": 2, "evalEvery": 200, "checkpointEvery": 0
        """;

    /// <summary>2 seeds × 2 actor learning rates of tiny Pendulum v2 runs: 4 cells.</summary>
    protected const string TinySweep = $$"""
        { "name": "tiny", "env": "Pendulum-v1", "algo": "v2", "seeds": [0, 1],
          "grid": { "actorLr": [0.001, 0.0003] },
          "options": { {{TinyOptions}} } }
        """;

    /// <summary>Writes <paramref name="json"/> to Root/<paramref name="name"/>; returns its path.</summary>
    protected string WriteSweep(string json, string name = "sweep.json")
    {
        string path = Path.Combine(Root, name);
        File.WriteAllText(path, json);
        return path;
    }

    /// <summary>The run directories of a sweep directory, by cell index (from its manifest).</summary>
    protected static string[] RunsOf(string sweepDirectory)
    {
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(sweepDirectory, "manifest.json")))!;
        return manifest["cells"]!.AsArray().Select(c => Path.Combine(sweepDirectory, c!["run"]!.GetValue<string>())).ToArray();
    }

    /// <summary>
    /// What a run computed, none of what the clock decided: the final weights (model.safetensors, byte for byte), every
    /// progress row without the wall-clock columns, and summary.json's numbers other than times and speeds.
    /// </summary>
    protected static string Results(string run)
    {
        string model = Convert.ToHexString(File.ReadAllBytes(Path.Combine(CheckpointStore.Resolve(Path.Combine(run, "checkpoints")), Trainer.ModelFileName)));
        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "summary.json")))!.AsObject();
        string numbers = string.Join(",", new[] { "env", "algo", "seed", "steps", "updates", "finalEvalMean", "finalEvalStd", "bestEvalMean", "bestEvalStep" }
            .Select(k => $"{k}={summary[k]!.ToJsonString()}"));
        return $"{numbers}\n{string.Join("\n", ProgressWithoutTimes(run))}\n{model}";
    }
}
