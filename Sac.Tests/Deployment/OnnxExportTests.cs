using Sac.Core.Algorithms;
using System.Globalization;
using System.Security.Cryptography;
using Sac.Autodiff;
using Sac.Cli.Runs;
using Sac.Core.Environments;
using Sac.Tests.Cli;

namespace Sac.Tests.Deployment;

/// <summary>
/// `sac export` checked by ONNX Runtime, not by reading our own bytes back: each exported model acts, in ONNX Runtime,
/// as the checkpoint `sac eval` loads acts in Sac, on 1,000 random observations, for a Pendulum, a HalfCheetah and a
/// Humanoid-sized policy; and its metadata, read by ONNX Runtime, names where it came from.
/// </summary>
public class OnnxExportTests : CliTestBase
{
    /// <summary>The largest |ONNX Runtime − Sac| allowed on any action, μ or log σ value.</summary>
    public const float Tolerance = 1e-5f;

    private const int Observations = 1000;

    private static IEnumerable<string> Environments => TrainedRuns.Environments;

    /// <summary>Runs `sac export` on <paramref name="run"/> into <paramref name="file"/>; fails the test unless it succeeds.</summary>
    internal static string Export(string run, string file, params string[] extra)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = global::Sac.Cli.Program.Run(["export", "--run", run, "--out", file, .. extra], output, error);
        Assert.That(code, Is.Zero, $"sac export: {output}{error}");
        return file;
    }

    /// <summary>
    /// <paramref name="count"/> observations: uniform in the space where it is bounded (Pendulum), and 𝒩(0, σ²) where it
    /// is not (the MuJoCo tasks), with σ log-uniform in [0.1, 100] per observation, so that the actions range from tanh's
    /// linear middle to its saturated ends.
    /// </summary>
    internal static float[] RandomObservations(Box space, int count, int seed)
    {
        var rng = new Random(seed);
        var values = new float[count * space.Dimension];
        for (int r = 0; r < count; r++)
        {
            double sigma = Math.Pow(10, -1 + 3 * rng.NextDouble());
            for (int j = 0; j < space.Dimension; j++)
            {
                float low = space.Low[j], high = space.High[j];
                values[r * space.Dimension + j] = float.IsFinite(low) && float.IsFinite(high)
                    ? (float)(low + (high - low) * rng.NextDouble())
                    : (float)(sigma * Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
            }
        }
        return values;
    }

    /// <summary>max_i |a_i − b_i| / max(1, |b_i|): the absolute difference, and for values beyond ±1 the relative one.</summary>
    private static float MaxDifference(float[] a, float[] b, bool relativeBeyondOne = false)
    {
        Assert.That(a, Has.Length.EqualTo(b.Length));
        float max = 0;
        for (int i = 0; i < a.Length; i++)
            max = Math.Max(max, Math.Abs(a[i] - b[i]) / (relativeBeyondOne ? Math.Max(1, Math.Abs(b[i])) : 1));
        return max;
    }

    [Test]
    public void OnnxExport_TanhBoundedLogStd_OnnxRuntimesGaussianHeadMatchesSacs()
    {
        string run = Path.Combine(Root, "tanh");
        Assert.That(Sac(TrainArgs(run, 400, "--log-std-bounding", "tanh", "--log-std-min", "-5")).Code, Is.Zero);
        string file = Export(run, Path.Combine(Root, "tanh.onnx"), "--raw", "--gaussian-head");
        var policy = global::Sac.Core.Inference.TrainedPolicy.LoadRun(run);
        float[] observations = RandomObservations(EnvironmentRegistry.Create("Pendulum-v1").ObservationSpace, Observations, seed: 12);
        // Pendulum's observations are bounded: scale a third of them up, so that the raw log σ moves along tanh.
        for (int i = 0; i < observations.Length / 3; i++)
            observations[i] *= 40;
        var mean = new float[Observations * policy.ActionSize];
        var logStd = new float[Observations * policy.ActionSize];
        policy.Heads(observations, mean, logStd);

        using var model = new OnnxRuntimePolicy(file);
        var outputs = model.Run(observations, policy.ObservationSize);
        Assert.That(model.Metadata["log_std_bounding"], Is.EqualTo("tanh"));
        Assert.That(MaxDifference(outputs["mean"], mean, relativeBeyondOne: true), Is.LessThanOrEqualTo(Tolerance));
        Assert.That(MaxDifference(outputs["log_std"], logStd), Is.LessThanOrEqualTo(Tolerance), "log σ = −5 + 3.5(tanh x + 1)");
        // The same network read as clamped gives other values: the export followed the run's tanh form.
        var clamped = new float[logStd.Length];
        global::Sac.Core.Inference.TrainedPolicy.Load(TrainedRuns.Model(run), new() { LogStdMin = -5, LogStdMax = 2 }).Heads(observations, mean, clamped);
        Assert.That(MaxDifference(outputs["log_std"], clamped), Is.GreaterThan(100 * Tolerance));
    }

    [TestCaseSource(nameof(Environments))]
    public void OnnxExport_OnnxRuntimeOn1000Observations_MatchesSacsDeterministicAction(string environment)
    {
        string run = TrainedRuns.Of(environment);
        string bounds = Export(run, Path.Combine(Root, "bounds.onnx"));
        string raw = Export(run, Path.Combine(Root, "raw.onnx"), "--raw", "--gaussian-head");

        // Sac's side: the trainer `sac eval` loads from the checkpoint, acting one observation at a time as it does.
        var (_, trainer) = SavedCheckpoint.Find(new RunDirectory(run, "--run"), null).Load();
        var env = EnvironmentRegistry.Create(environment);
        int s = env.ObservationSpace.Dimension, a = env.ActionSpace.Dimension;
        float[] observations = RandomObservations(env.ObservationSpace, Observations, seed: 11);
        var squashed = new float[Observations * a];
        var inBounds = new float[Observations * a];
        for (int r = 0; r < Observations; r++)
        {
            trainer.Act(observations.AsSpan(r * s, s), squashed.AsSpan(r * a, a), deterministic: true, rng: null);
            ActionScaling.ToEnvironment<float>(squashed.AsSpan(r * a, a), env.ActionSpace, inBounds.AsSpan(r * a, a));
        }
        // μ and the clamped log σ from the policy's own heads, on the tape.
        var tape = new Tape<float>();
        var x = new Tensor<float>(Observations, s);
        observations.CopyTo(x.Span);
        float[] mean, logStd;
        using (tape.NoGrad())
        {
            var heads = ((ISquashedGaussianAgent<float>)trainer.Agent).Policy.Heads(tape, x);
            mean = heads.Mean.Span.ToArray();
            logStd = heads.LogStd.Span.ToArray();
        }

        using var boundsModel = new OnnxRuntimePolicy(bounds);
        using var rawModel = new OnnxRuntimePolicy(raw);
        var fromBounds = boundsModel.Run(observations, s);
        var fromRaw = rawModel.Run(observations, s);
        Assert.That(fromBounds.Keys, Is.EqualTo(new[] { "action" }));
        Assert.That(fromRaw.Keys, Is.EquivalentTo(new[] { "action", "mean", "log_std" }));

        float dBounds = MaxDifference(fromBounds["action"], inBounds);
        float dRaw = MaxDifference(fromRaw["action"], squashed);
        // NOTE: μ is a sum of 256 products whose float32 rounding grows with |μ| (up to ~40 here), so beyond ±1 it is
        // held to the same 1e-5 relatively; the actions, tanh(μ) and its rescaling, are held to it absolutely.
        float dMean = MaxDifference(fromRaw["mean"], mean, relativeBeyondOne: true);
        float dLogStd = MaxDifference(fromRaw["log_std"], logStd, relativeBeyondOne: true);
        double saturated = squashed.Count(v => Math.Abs(v) > 0.99f) / (double)squashed.Length;
        TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{environment} ({s} → {string.Join(",", trainer.SacOptions.HiddenSizes)} → {a}), {Observations} observations: max |ORT − Sac| action in bounds {dBounds:E2}, " +
            $"raw tanh {dRaw:E2}; μ {MaxDifference(fromRaw["mean"], mean):E2} (relative beyond ±1: {dMean:E2}), log σ {MaxDifference(fromRaw["log_std"], logStd):E2} ({dLogStd:E2}); |tanh μ| > 0.99 in {saturated:P1}, max |μ| {mean.Max(Math.Abs):F2}"));
        Assert.That(dBounds, Is.LessThanOrEqualTo(Tolerance), "action in the environment's bounds");
        Assert.That(dRaw, Is.LessThanOrEqualTo(Tolerance), "--raw: tanh(μ)");
        Assert.That(dMean, Is.LessThanOrEqualTo(Tolerance), "--gaussian-head: μ");
        Assert.That(dLogStd, Is.LessThanOrEqualTo(Tolerance), "--gaussian-head: log σ");
        if (environment != "Pendulum-v1")
            Assert.That(saturated, Is.GreaterThan(0), "some observations reach tanh's saturated ends, so both regimes are compared");
        // The actions in bounds are not the raw ones (Pendulum's are 2× them, Humanoid's 0.4×): the rescaling is in the graph.
        if (env.ActionSpace.High[0] != 1f)
            Assert.That(MaxDifference(fromBounds["action"], fromRaw["action"]), Is.GreaterThan(100 * Tolerance));
    }

    [TestCaseSource(nameof(Environments))]
    public void OnnxExport_MetadataReadByOnnxRuntime_NamesTheRunAndTheCheckpointsSha256(string environment)
    {
        string run = TrainedRuns.Of(environment);
        string file = Export(run, Path.Combine(Root, "policy.onnx"));
        using var model = new OnnxRuntimePolicy(file);
        var env = EnvironmentRegistry.Create(environment);
        var metadata = model.Metadata;
        string Bounds(ReadOnlySpan<float> values) => string.Join(",", values.ToArray().Select(v => float.IsFinite(v) ? v.ToString("R", CultureInfo.InvariantCulture) : v > 0 ? "inf" : "-inf"));

        Assert.That(metadata["environment"], Is.EqualTo(environment));
        Assert.That(metadata["algorithm"], Is.EqualTo("SAC v2"));
        // The checksum anyone can recompute with sha256sum, of the file the policy came from.
        Assert.That(metadata["checkpoint_sha256"], Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(TrainedRuns.Model(run))))));
        Assert.That(metadata["checkpoint"], Is.EqualTo(Path.GetFileName(TrainedRuns.Checkpoint(run))));
        Assert.That(metadata["sac_version"], Does.StartWith("0.1.0"));
        Assert.That(metadata["action_low"], Is.EqualTo(Bounds(env.ActionSpace.Low)));
        Assert.That(metadata["action_high"], Is.EqualTo(Bounds(env.ActionSpace.High)));
        Assert.That(metadata["observation_low"], Is.EqualTo(Bounds(env.ObservationSpace.Low)));
        Assert.That(metadata["observation_high"], Is.EqualTo(Bounds(env.ObservationSpace.High)));
        Assert.That(metadata["action_space"], Is.EqualTo(env.ActionSpace.ToString()));
        Assert.That(metadata["observation_space"], Is.EqualTo(env.ObservationSpace.ToString()));
        Assert.That(metadata["action_output"], Is.EqualTo("bounds"));
        // The input and output as a runtime sees them: a dynamic batch, then dim(S) and dim(A).
        Assert.That(model.Inputs["obs"], Is.EqualTo(new[] { -1, env.ObservationSpace.Dimension }));
        Assert.That(model.Outputs["action"], Is.EqualTo(new[] { -1, env.ActionSpace.Dimension }));
    }
}
