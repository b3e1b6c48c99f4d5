using System.Globalization;
using System.Text.RegularExpressions;
using Sac.Cli.Runs;
using Sac.Core.Environments;
using Sac.Core.Training;
using Sac.Tests.Cli;

namespace Sac.Tests.Deployment;

/// <summary>
/// The exported model plays evaluation episodes in ONNX Runtime on the environment, as `sac eval` plays them in Sac
/// (the first reset seeded, deterministic actions): its returns are `sac eval`'s, for the checkpoint it came from.
/// </summary>
public class OnnxEvaluationTests : CliTestBase
{
    private const int Episodes = 3;
    private const int Seed = 123;

    /// <summary>The returns of <paramref name="episodes"/> episodes of <paramref name="environment"/> played with the
    /// model in ONNX Runtime, reset as <see cref="Evaluation.Run"/> resets (the first with <paramref name="seed"/>).</summary>
    private static double[] PlayInOnnxRuntime(string model, string environment, int episodes, int seed)
    {
        using var policy = new OnnxRuntimePolicy(model);
        var env = EnvironmentRegistry.Create(environment);
        var observation = new float[env.ObservationSpace.Dimension];
        var returns = new double[episodes];
        for (int e = 0; e < episodes; e++)
        {
            env.Reset(observation, e == 0 ? seed : null);
            while (true)
            {
                // The model's action is already in the environment's bounds: no rescaling here.
                float[] action = policy.Run(observation, observation.Length)["action"];
                var result = env.Step(action, observation);
                returns[e] += result.Reward;
                if (result.Terminated || result.Truncated)
                    break;
            }
        }
        return returns;
    }

    [TestCase("Pendulum-v1")]
    [TestCase("HalfCheetah-v5")]
    public void OnnxExport_EpisodesPlayedInOnnxRuntime_ReturnWhatSacEvalReports(string environment)
    {
        string run = TrainedRuns.Of(environment);
        string model = OnnxExportTests.Export(run, Path.Combine(Root, "policy.onnx"));

        var eval = Sac("eval", "--run", run, "--episodes", Episodes.ToString(CultureInfo.InvariantCulture), "--seed", Seed.ToString(CultureInfo.InvariantCulture));
        Assert.That(eval.Code, Is.Zero, eval.Err);
        var printed = Regex.Match(eval.Out, @": (-?[\d.]+) ± ([\d.]+) over");
        Assert.That(printed.Success, Is.True, eval.Out);

        double[] onnx = PlayInOnnxRuntime(model, environment, Episodes, Seed);
        // What `sac eval` computed, episode by episode: the same call on the same checkpoint.
        var (_, trainer) = SavedCheckpoint.Find(new RunDirectory(run, "--run"), null).Load();
        double[] sac = Evaluation.Run(trainer.Agent, EnvironmentRegistry.Create(environment), Episodes, deterministic: true, noise: null, seed: Seed).Returns.ToArray();

        double mean = onnx.Average(), std = Math.Sqrt(onnx.Select(r => (r - mean) * (r - mean)).Average());
        TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{environment}: ONNX Runtime returns [{string.Join(", ", onnx.Select(r => r.ToString("F4", CultureInfo.InvariantCulture)))}], " +
            $"Sac's [{string.Join(", ", sac.Select(r => r.ToString("F4", CultureInfo.InvariantCulture)))}], max |difference| {onnx.Zip(sac).Max(p => Math.Abs(p.First - p.Second)):E1}; sac eval printed {printed.Groups[1].Value} ± {printed.Groups[2].Value}"));
        Assert.That(string.Create(CultureInfo.InvariantCulture, $"{mean:F2} ± {std:F2}"), Is.EqualTo($"{printed.Groups[1].Value} ± {printed.Groups[2].Value}"),
            "the mean ± std sac eval prints");
        Assert.That(onnx, Is.EqualTo(sac).Within(1e-3), "each episode's return");
    }
}
