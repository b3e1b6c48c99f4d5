using Sac.Core.Algorithms;
using Sac.Autodiff;
using Sac.Cli.Runs;
using Sac.Core.Checkpoints;
using Sac.Core.Environments;
using Sac.Core.Inference;
using Sac.Core.Training;
using Sac.Tests.Cli;

namespace Sac.Tests.Deployment;

/// <summary>
/// The lean inference API: a policy loaded from a run or a model file alone acts bit for bit as the trainer `sac eval`
/// loads (the engine's tape and PolicyActor are the oracle), one observation or a batch, allocating nothing per call;
/// bad input is one clear exception.
/// </summary>
public class TrainedPolicyTests : CliTestBase
{
    private static IEnumerable<string> Environments => TrainedRuns.Environments;

    /// <summary>The trainer `sac eval` loads from <paramref name="run"/>'s newest checkpoint.</summary>
    private static Trainer LoadTrainer(string run) => SavedCheckpoint.Find(new RunDirectory(run, "--run"), null).Load().Trainer;

    [TestCaseSource(nameof(Environments))]
    public void TrainedPolicy_ActOnOneObservation_IsTheTrainersDeterministicActionBitForBit(string environment)
    {
        string run = TrainedRuns.Of(environment);
        var policy = TrainedPolicy.LoadRun(run);
        var trainer = LoadTrainer(run);
        var space = EnvironmentRegistry.Create(environment).ActionSpace;
        float[] observations = OnnxExportTests.RandomObservations(EnvironmentRegistry.Create(environment).ObservationSpace, 200, seed: 5);
        int s = policy.ObservationSize, a = policy.ActionSize;
        var squashed = new float[a];
        var expected = new float[a];
        var actual = new float[a];
        for (int r = 0; r < 200; r++)
        {
            var observation = observations.AsSpan(r * s, s);
            // What `sac eval` plays: PolicyActor's tanh(μ(s)) on a one-row tape, rescaled by ActionScaling.
            trainer.Act(observation, squashed, deterministic: true, rng: null);
            ActionScaling.ToEnvironment<float>(squashed, space, expected);
            policy.Act(observation, actual);
            Assert.That(actual, Is.EqualTo(expected), $"observation {r}: the same bits");
        }
    }

    [TestCaseSource(nameof(Environments))]
    public void TrainedPolicy_ActAndHeadsOnABatch_AreThePolicysOnTheTapeBitForBit(string environment)
    {
        const int batch = 64;
        string run = TrainedRuns.Of(environment);
        var policy = TrainedPolicy.LoadRun(run);
        var engine = ((ISquashedGaussianAgent<float>)LoadTrainer(run).Agent).Policy;
        var env = EnvironmentRegistry.Create(environment);
        int s = policy.ObservationSize, a = policy.ActionSize;
        var x = new Tensor<float>(batch, s);
        OnnxExportTests.RandomObservations(env.ObservationSpace, batch, seed: 6).CopyTo(x.Span);

        var tape = new Tape<float>();
        float[] expectedActions = new float[batch * a], expectedMean, expectedLogStd;
        using (tape.NoGrad())
        {
            var squashed = engine.DeterministicAction(tape, x).Span.ToArray();
            for (int r = 0; r < batch; r++)
                ActionScaling.ToEnvironment<float>(squashed.AsSpan(r * a, a), env.ActionSpace, expectedActions.AsSpan(r * a, a));
            var heads = engine.Heads(tape, x);
            expectedMean = heads.Mean.Span.ToArray();
            expectedLogStd = heads.LogStd.Span.ToArray();
        }

        var actions = new float[batch * a];
        var mean = new float[batch * a];
        var logStd = new float[batch * a];
        policy.Act(x.Span, actions);
        policy.Heads(x.Span, mean, logStd);
        Assert.That(actions, Is.EqualTo(expectedActions));
        Assert.That(mean, Is.EqualTo(expectedMean));
        Assert.That(logStd, Is.EqualTo(expectedLogStd));
        Assert.That(logStd.All(v => v >= policy.LogStdMin && v <= policy.LogStdMax), Is.True, "log σ is clamped");
    }

    [Test]
    public void TrainedPolicy_HeadsWithTanhBoundedLogStd_AreThePolicysOnTheTapeBitForBit()
    {
        // CleanRL's policy form: log σ = −5 + 3.5(tanh x + 1), log π with log(1 − a² + 10⁻⁶).
        const int batch = 64;
        string run = Path.Combine(Root, "tanh");
        Assert.That(Sac(TrainArgs(run, 400, "--log-std-bounding", "tanh", "--log-std-min", "-5", "--jacobian-epsilon", "1e-6")).Code, Is.Zero);
        var policy = TrainedPolicy.LoadRun(run);
        var engine = ((ISquashedGaussianAgent<float>)LoadTrainer(run).Agent).Policy;
        Assert.That((policy.LogStdBounding, engine.Bounding), Is.EqualTo((global::Sac.Core.Policies.LogStdBounding.Tanh, global::Sac.Core.Policies.LogStdBounding.Tanh)));

        var x = new Tensor<float>(batch, policy.ObservationSize);
        for (int i = 0; i < x.Length; i++)
            x.Span[i] = 30 * MathF.Sin(1.7f * i); // far from the training states too, so tanh x nears ±1
        var tape = new Tape<float>();
        float[] expectedLogStd;
        using (tape.NoGrad())
            expectedLogStd = engine.Heads(tape, x).LogStd.Span.ToArray();
        var mean = new float[batch * policy.ActionSize];
        var logStd = new float[batch * policy.ActionSize];
        policy.Heads(x.Span, mean, logStd);
        Assert.That(logStd, Is.EqualTo(expectedLogStd));
        Assert.That(logStd.All(v => v >= -5f && v <= 2f), Is.True, "log σ in [−5, 2]");
        // The clamp would give another value wherever the raw output lies inside (−5, 2) but away from ±∞ in tanh.
        var rawPolicy = TrainedPolicy.Load(TrainedRuns.Model(run), new TrainedPolicyOptions { LogStdMin = -5, LogStdMax = 2 });
        var clamped = new float[batch * policy.ActionSize];
        rawPolicy.Heads(x.Span, mean, clamped);
        Assert.That(clamped, Is.Not.EqualTo(logStd), "a model file alone reads as clamped; the run's config says tanh");
    }

    [Test]
    public void TrainedPolicy_Act_AllocatesNothingAfterWarmUp([Values(1, 256)] int batch)
    {
        var policy = TrainedPolicy.LoadRun(TrainedRuns.Of("Humanoid-v5"));
        var observations = new float[batch * policy.ObservationSize];
        var actions = new float[batch * policy.ActionSize];
        var logStd = new float[batch * policy.ActionSize];
        for (int i = 0; i < observations.Length; i++)
            observations[i] = MathF.Sin(i);
        policy.Act(observations, actions); // warm-up: the buffers for this batch, GEMM's packing buffer on this thread
        policy.Heads(observations, actions, logStd);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++)
        {
            policy.Act(observations, actions);
            policy.Act(observations.AsSpan(0, policy.ObservationSize), actions.AsSpan(0, policy.ActionSize)); // a smaller batch reuses them
            policy.Heads(observations, actions, logStd);
        }
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
        Assert.That(actions.Any(v => v != 0), Is.True, "it acted");
    }

    [Test]
    public void TrainedPolicy_LoadRun_ReadsTheConfigTheCliWrote()
    {
        // Options away from their defaults, so a key read wrongly (or not at all) shows.
        string run = Path.Combine(Root, "run");
        Assert.That(Sac(TrainArgs(run, 150, "--hidden", "8,12,4", "--log-std-min", "-7.5", "--log-std-max", "1.25", "--log-std-bounding", "tanh", "--algo", "v1")).Code, Is.Zero);
        var config = RunConfig.Load(Path.Combine(run, "config.json"));
        var policy = TrainedPolicy.LoadRun(run);

        Assert.That(policy.HiddenSizes, Is.EqualTo(config.Sac.HiddenSizes));
        Assert.That(policy.LogStdMin, Is.EqualTo((float)config.Sac.LogStdMin));
        Assert.That(policy.LogStdMax, Is.EqualTo((float)config.Sac.LogStdMax));
        Assert.That(policy.LogStdBounding, Is.EqualTo(config.Sac.LogStdBounding));
        Assert.That(policy.LogStdBounding, Is.EqualTo(global::Sac.Core.Policies.LogStdBounding.Tanh));
        Assert.That(policy.EnvironmentId, Is.EqualTo(config.Env));
        Assert.That(policy.Algorithm, Is.EqualTo("SAC " + config.Algo));
        Assert.That(policy.Algorithm, Is.EqualTo("SAC v1"));
        Assert.That(policy.ActionSpace!.ToString(), Is.EqualTo(EnvironmentRegistry.Create(config.Env).ActionSpace.ToString()));
        Assert.That(policy.Checkpoint, Is.EqualTo("step-0000000150"));
    }

    [Test]
    public void TrainedPolicy_ModelFileAlone_ActsInMinusOneToOne_AndWithItsBoundsAsTheRun()
    {
        // The deployment case: model.safetensors copied out of its checkpoint, without the training state or config.json.
        string run = TrainedRuns.Of("Pendulum-v1");
        string model = Path.Combine(Root, "policy.safetensors");
        File.Copy(TrainedRuns.Model(run), model);
        var alone = TrainedPolicy.Load(model);
        var bounded = TrainedPolicy.Load(model, new TrainedPolicyOptions { ActionSpace = new Box([-2f], [2f]) });
        var fromRun = TrainedPolicy.LoadRun(run);

        float[] observation = [0.3f, -0.9f, 4f];
        var raw = new float[1];
        var inBounds = new float[1];
        var expected = new float[1];
        alone.Act(observation, raw);
        bounded.Act(observation, inBounds);
        fromRun.Act(observation, expected);
        Assert.That(alone.ActionSpace, Is.Null);
        Assert.That(alone.Checkpoint, Is.Null, "not in a checkpoint directory");
        Assert.That(alone.HiddenSizes, Is.EqualTo(new[] { 64, 64 }), "read from the tensors' shapes");
        Assert.That(inBounds, Is.EqualTo(expected));
        Assert.That(raw[0], Is.EqualTo(expected[0] / 2f), "Pendulum's bounds are ±2: the raw action is half");
    }

    [Test]
    public void TrainedPolicy_FromPolicy_IsACopyThatActsAsTheRun()
    {
        string run = TrainedRuns.Of("Pendulum-v1");
        var trainer = LoadTrainer(run);
        var copy = TrainedPolicy.FromPolicy(((ISquashedGaussianAgent<float>)trainer.Agent).Policy, new TrainedPolicyOptions { ActionSpace = new Box([-2f], [2f]) });
        float[] observation = [-0.2f, 0.98f, -1.5f];
        var before = new float[1];
        var expected = new float[1];
        copy.Act(observation, before);
        TrainedPolicy.LoadRun(run).Act(observation, expected);
        Assert.That(before, Is.EqualTo(expected));

        ((ISquashedGaussianAgent<float>)trainer.Agent).Policy.Network.Parameters.Values.Clear(); // the live network changes; the copy must not
        var after = new float[1];
        copy.Act(observation, after);
        Assert.That(after, Is.EqualTo(before));
        Assert.That(copy.Source, Is.Null);
        Assert.Throws<ArgumentException>(() => TrainedPolicy.FromPolicy(((ISquashedGaussianAgent<float>)trainer.Agent).Policy, new TrainedPolicyOptions { ActionSpace = new Box([-1f, -1f], [1f, 1f]) }));
    }

    /// <summary>A <see cref="CheckpointException"/> whose message is one line naming each of <paramref name="mentions"/>.</summary>
    private static void AssertRefused(Action load, params string[] mentions)
    {
        var e = Assert.Throws<CheckpointException>(() => load())!;
        Assert.That(e.Message, Does.Not.Contain('\n'), "one line");
        foreach (string m in mentions)
            Assert.That(e.Message, Does.Contain(m));
    }

    [Test]
    public void TrainedPolicy_BadModelFiles_AreRefusedWithOneLineNamingTheProblem()
    {
        string run = TrainedRuns.Copy(TrainedRuns.Of("Pendulum-v1"), Path.Combine(Root, "run"));
        string model = TrainedRuns.Model(run);
        byte[] good = File.ReadAllBytes(model);
        void Restore() => File.WriteAllBytes(model, good);

        AssertRefused(() => TrainedPolicy.Load(Path.Combine(Root, "nothing.safetensors")), "nothing.safetensors", "does not exist");
        AssertRefused(() => TrainedPolicy.Load(Root), Root, "directory");
        File.WriteAllBytes(model, []);
        AssertRefused(() => TrainedPolicy.Load(model), model, "empty");
        File.WriteAllBytes(model, good[..(good.Length / 2)]);
        AssertRefused(() => TrainedPolicy.LoadRun(run), model, "truncated");
        Restore();
        ModelFiles.FlipDataBit(model);
        AssertRefused(() => TrainedPolicy.LoadRun(run), model, "corrupt");
        Restore();
        // Tampered, and resealed with a valid checksum: only the training state beside it tells.
        ModelFiles.Reseal(model, (name, values) => values[0] += name == "pi.0.bias" ? 0.5f : 0f);
        AssertRefused(() => TrainedPolicy.LoadRun(run), model, "does not belong to the training state");
        // Without the training state, a resealed NaN is still caught.
        File.Delete(Path.Combine(TrainedRuns.Checkpoint(run), Trainer.StateFileName));
        Assert.That(TrainedPolicy.LoadRun(run).ModelSha256, Is.Not.Null, "a model alone (no training state) loads");
        ModelFiles.Reseal(model, (name, values) => values[^1] = name == "pi.1.weight" ? float.NaN : values[^1]);
        AssertRefused(() => TrainedPolicy.LoadRun(run), "pi.1.weight", "NaN");
    }

    [Test]
    public void TrainedPolicy_ShapesThatDoNotMatchTheConfiguration_AreRefused()
    {
        string run = TrainedRuns.Copy(TrainedRuns.Of("Pendulum-v1"), Path.Combine(Root, "run"));
        string config = Path.Combine(run, "config.json");
        string text = File.ReadAllText(config);
        File.WriteAllText(config, text.Replace("\"hidden\": [\n    64,\n    64\n  ]", "\"hidden\": [\n    64,\n    32\n  ]"));
        Assert.That(File.ReadAllText(config), Is.Not.EqualTo(text), "the config was edited");
        AssertRefused(() => TrainedPolicy.LoadRun(run), "does not match its configuration", "[64, 64]", "[64, 32]");
        File.WriteAllText(config, text);

        string model = TrainedRuns.Model(run);
        AssertRefused(() => TrainedPolicy.Load(model, new TrainedPolicyOptions { ActionSpace = new Box([-1f, -1f], [1f, 1f]) }), "gives 1 action values", "has 2");
        AssertRefused(() => TrainedPolicy.Load(model, new TrainedPolicyOptions { ObservationSpace = new Box([-1f], [1f]) }), "takes 3 observation values", "has 1");
        AssertRefused(() => TrainedPolicy.Load(model, new TrainedPolicyOptions { ActionSpace = new Box([float.NegativeInfinity], [1f]) }), "unbounded");
        // A policy layer taken out: the rest no longer chains into [μ ‖ log σ].
        File.Delete(Path.Combine(TrainedRuns.Checkpoint(run), Trainer.StateFileName));
        var writer = new SafeTensorsWriter();
        using (var file = SafeTensorsFile.Load(model))
            foreach (var (name, info) in file.Tensors.Where(t => !t.Key.StartsWith("pi.1.", StringComparison.Ordinal)))
            {
                var values = new float[info.Shape.Aggregate(1L, (p, d) => p * d)];
                file.Read(name, values);
                writer.Add(name, values, info.Shape);
            }
        File.WriteAllBytes(model, writer.ToBytes(out _));
        AssertRefused(() => TrainedPolicy.LoadRun(run), model, "pi.2");
    }

    [Test]
    public void TrainedPolicy_RunsWithoutACheckpoint_AreRefused()
    {
        AssertRefused(() => TrainedPolicy.LoadRun(Root), Root, "not a Sac run directory");
        string run = TrainedRuns.Copy(TrainedRuns.Of("Pendulum-v1"), Path.Combine(Root, "run"));
        AssertRefused(() => TrainedPolicy.LoadRun(run, "step-0000000001"), "step-0000000001", "missing");
        Directory.Delete(Path.Combine(run, "checkpoints"), recursive: true);
        AssertRefused(() => TrainedPolicy.LoadRun(run), "No checkpoints");
    }

    [Test]
    public void TrainedPolicy_ActWithRowsThatDoNotFit_IsAnArgumentError()
    {
        var policy = TrainedPolicy.LoadRun(TrainedRuns.Of("Pendulum-v1"));
        Assert.Throws<ArgumentException>(() => policy.Act(new float[4], new float[1]), "not a whole row");
        Assert.Throws<ArgumentException>(() => policy.Act(new float[6], new float[1]), "2 rows in, room for 1 out");
        Assert.Throws<ArgumentException>(() => policy.Act([], []), "no rows");
        Assert.Throws<ArgumentException>(() => policy.Heads(new float[3], new float[1], new float[2]));
    }
}
