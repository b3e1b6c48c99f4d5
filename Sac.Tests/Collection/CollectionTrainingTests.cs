using System.Text.Json.Nodes;
using Sac.Core;
using Sac.Core.Algorithms;
using Sac.Core.Checkpoints;
using Sac.Core.Environments;
using Sac.Core.Exploration;
using Sac.Core.Training;
using Sac.Tests.Training;

namespace Sac.Tests.Collection;

/// <summary>
/// The trainer with several environment copies, colored noise and n-step returns: SB3's counting, bitwise resume
/// mid-episode (noise and every copy included), nothing allocated per step, and a scene's own vector environment.
/// </summary>
public class CollectionTrainingTests() : TemporaryDirectoryTest("sac-collect-")
{

    private static Trainer NewTrainer(int copies, ActionNoiseKind noise, int nStep, long steps = 1200, int gradientSteps = 1, int trainFrequency = 1) => new(
        VectorEnvironment.Create("Pendulum-v1", copies, threads: 2), EnvironmentRegistry.Create("Pendulum-v1"),
        new SacOptions { HiddenSizes = [16, 16], BatchSize = 32, LearningStarts = 100, BufferSize = 10_000, NStep = nStep, GradientSteps = gradientSteps, TrainFrequency = trainFrequency },
        new TrainerOptions { TotalSteps = steps, Seed = 5, EvalEvery = 400, EvalEpisodes = 1, NumEnvs = copies, ActionNoise = noise });

    private static byte[] Weights(Trainer trainer) => TrainerRecording.Weights(trainer);

    private static List<double> Observe(Trainer trainer, List<double>? returns = null) => TrainerRecording.Observe(trainer, returns);

    [TestCase(4, ActionNoiseKind.Pink, 3)]
    [TestCase(3, ActionNoiseKind.OrnsteinUhlenbeck, 1)]
    [TestCase(1, ActionNoiseKind.Pink, 1)]
    [TestCase(2, ActionNoiseKind.White, 5)]
    public void Resume_MidEpisode_ContinuesBitwise(int copies, ActionNoiseKind noise, int nStep)
    {
        var reference = NewTrainer(copies, noise, nStep);
        var expected = Observe(reference);
        reference.Run();

        // 150 loop steps: mid-episode for every copy (Pendulum's episodes are 200 steps), mid-sequence for the noise.
        var first = NewTrainer(copies, noise, nStep);
        var returns = Observe(first);
        for (int i = 0; i < 150; i++)
            first.Step();
        string checkpoint = CheckpointStore.Save(first, Dir);
        var resumed = NewTrainer(copies, noise, nStep);
        resumed.LoadCheckpoint(checkpoint);
        Observe(resumed, returns);
        resumed.Run();

        Assert.That(resumed.Steps, Is.EqualTo(reference.Steps));
        Assert.That(returns, Is.EqualTo(expected), "every copy's episode returns and the evaluations");
        Assert.That(Weights(resumed), Is.EqualTo(Weights(reference)), "every parameter, byte for byte");
    }

    [Test]
    public void Noise_ChangesTheRun_AndEachSettingIsDeterministic()
    {
        byte[] Run(ActionNoiseKind noise, int nStep)
        {
            var trainer = NewTrainer(2, noise, nStep, steps: 400);
            trainer.Run();
            return Weights(trainer);
        }
        var white = Run(ActionNoiseKind.White, 1);
        Assert.That(Run(ActionNoiseKind.Pink, 1), Is.Not.EqualTo(white));
        Assert.That(Run(ActionNoiseKind.Pink, 1), Is.EqualTo(Run(ActionNoiseKind.Pink, 1)));
        Assert.That(Run(ActionNoiseKind.White, 3), Is.Not.EqualTo(white));
    }

    [TestCase(4, 1, 1, 100)]
    [TestCase(4, 2, 3, 96)]
    [TestCase(3, 1, -1, 0)]
    [TestCase(16, 1, -1, 1000)]
    public void Counting_FollowsSB3(int copies, int trainFrequency, int gradientSteps, int learningStarts)
    {
        // SB3 with n_envs: num_timesteps grows by n_envs a step; train_freq counts vector steps; gradient_steps −1 makes
        // as many updates as environment steps in the round.
        var trainer = new Trainer(VectorEnvironment.Create("Pendulum-v1", copies), EnvironmentRegistry.Create("Pendulum-v1"),
            new SacOptions { HiddenSizes = [8], BatchSize = 8, LearningStarts = learningStarts, BufferSize = 5_000, TrainFrequency = trainFrequency, GradientSteps = gradientSteps },
            new TrainerOptions { TotalSteps = 2_000, Seed = 1, EvalEvery = 0, EvalEpisodes = 1, NumEnvs = copies });
        var episodes = new List<EpisodeReport>();
        trainer.EpisodeCompleted += episodes.Add;
        long expectedUpdates = 0;
        for (long round = 1; !trainer.IsFinished; round++)
        {
            trainer.Step();
            Assert.That(trainer.Steps, Is.EqualTo(round * copies));
            if (trainer.Steps >= learningStarts && round % trainFrequency == 0)
                expectedUpdates += gradientSteps >= 0 ? gradientSteps : trainFrequency * copies;
            Assert.That(trainer.Updates, Is.EqualTo(expectedUpdates), $"round {round}");
        }
        Assert.That(trainer.Replay.Count, Is.EqualTo(trainer.Steps));
        // Pendulum truncates every copy at 200 of its own steps: all copies finish together.
        Assert.That(episodes.Count, Is.EqualTo(copies * (trainer.Steps / copies / 200)));
        Assert.That(episodes.All(e => e.Length == 200 && !e.Terminated));
    }

    [Test]
    public void Step_WithCopiesPinkNoiseAndNStep_AllocatesNothingAfterWarmUp()
    {
        var trainer = new Trainer(VectorEnvironment.Create("Pendulum-v1", 4, threads: 1), EnvironmentRegistry.Create("Pendulum-v1"),
            new SacOptions { HiddenSizes = [16, 16], BatchSize = 32, LearningStarts = 100, BufferSize = 10_000, NStep = 3, Threads = 1 },
            new TrainerOptions { TotalSteps = 1_000_000, Seed = 2, EvalEvery = 0, EvalEpisodes = 1, NumEnvs = 4, ActionNoise = ActionNoiseKind.Pink });
        for (int i = 0; i < 300; i++) // past learning starts and several episode ends (new noise sequences, resets)
            trainer.Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 250; i++) // crosses every copy's episode end
            trainer.Step();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(allocated, Is.Zero, "bytes allocated by 250 steps of 4 copies (acting, stepping, storing, n-step sampling, updating)");
    }

    [Test]
    public void Options_AreCheckedAgainstTheEnvironment()
    {
        Assert.That(() => new Trainer(EnvironmentRegistry.Create("Pendulum-v1"), EnvironmentRegistry.Create("Pendulum-v1"), new SacOptions(), new TrainerOptions { NumEnvs = 2 }),
            Throws.ArgumentException.With.Message.Contains("NumEnvs = 2"));
        Assert.That(() => new Trainer(VectorEnvironment.Create("Pendulum-v1", 3), EnvironmentRegistry.Create("Pendulum-v1"), new SacOptions(), new TrainerOptions { NumEnvs = 2 }),
            Throws.ArgumentException.With.Message.Contains("3 copies"));
        Assert.That(() => new TrainerOptions { NumEnvs = 0 }.Validate(), Throws.ArgumentException.With.Message.Contains("NumEnvs"));
        Assert.That(() => new TrainerOptions { NoiseBeta = -1 }.Validate(), Throws.ArgumentException.With.Message.Contains("NoiseBeta"));
        Assert.That(() => new SacOptions { NStep = 0 }.Validate(), Throws.ArgumentException.With.Message.Contains("NStep"));
        Assert.That(() => new SacOptions { GradientSteps = -2 }.Validate(), Throws.ArgumentException.With.Message.Contains("GradientSteps"));
    }

    [Test]
    public void Checkpoint_WithOtherCopiesOrNoise_IsRefused()
    {
        var trainer = NewTrainer(2, ActionNoiseKind.Pink, 1, steps: 200);
        trainer.Run();
        string checkpoint = CheckpointStore.Save(trainer, Dir);
        Assert.That(() => NewTrainer(3, ActionNoiseKind.Pink, 1, steps: 300).LoadCheckpoint(checkpoint), Throws.TypeOf<CheckpointException>().With.Message.Contains("NumEnvs"));
        Assert.That(() => NewTrainer(2, ActionNoiseKind.White, 1, steps: 300).LoadCheckpoint(checkpoint), Throws.TypeOf<CheckpointException>().With.Message.Contains("ActionNoise"));
        Assert.That(() => NewTrainer(2, ActionNoiseKind.Pink, 3, steps: 300).LoadCheckpoint(checkpoint), Throws.TypeOf<CheckpointException>().With.Message.Contains("NStep"));
    }

    /// <summary>
    /// A scene with many agents that implements <see cref="IVectorEnvironment"/> itself (no IEnvironment per agent):
    /// point masses on a line pulled to 0, each agent's episode 40 steps long and started at its own time.
    /// </summary>
    private sealed class Swarm(int agents) : IVectorEnvironment, IStatefulEnvironment
    {
        private readonly float[] _x = new float[agents];
        private readonly int[] _t = new int[agents];
        private Rng _rng = new(0);

        public string Id => "Swarm-v0";
        public int Count => agents;
        public Box ObservationSpace { get; } = new([-10f], [10f]);
        public Box ActionSpace { get; } = new([-1f], [1f]);

        public void Reset(Span<float> observations, int? seed = null)
        {
            if (seed is int s)
                _rng = new Rng((ulong)s);
            for (int i = 0; i < agents; i++)
            {
                _x[i] = (float)_rng.Uniform(-5, 5);
                _t[i] = i * 7 % 40; // staggered: agents finish at different steps
                observations[i] = _x[i];
            }
        }

        public void Step(ReadOnlySpan<float> actions, Span<float> observations, Span<float> finalObservations, Span<StepResult> results)
        {
            for (int i = 0; i < agents; i++)
            {
                _x[i] = Math.Clamp(_x[i] + actions[i], -10f, 10f);
                _t[i]++;
                bool truncated = _t[i] == 40;
                results[i] = new StepResult(-Math.Abs(_x[i]), false, truncated);
                observations[i] = _x[i];
                if (truncated)
                {
                    finalObservations[i] = _x[i];
                    _x[i] = (float)_rng.Uniform(-5, 5);
                    _t[i] = 0;
                    observations[i] = _x[i];
                }
            }
        }

        public JsonObject SaveState() => new()
        {
            ["x"] = new JsonArray(_x.Select(v => (JsonNode)JsonValue.Create(v)).ToArray()),
            ["t"] = new JsonArray(_t.Select(v => (JsonNode)JsonValue.Create(v)).ToArray()),
            ["rng"] = EnvironmentState.SaveRng(_rng),
        };

        public void RestoreState(JsonObject state)
        {
            for (int i = 0; i < agents; i++)
            {
                _x[i] = state["x"]![i]!.GetValue<float>();
                _t[i] = state["t"]![i]!.GetValue<int>();
            }
            _rng = EnvironmentState.RestoreRng(state["rng"])!;
        }
    }

    /// <summary>One agent of the swarm alone, for evaluation.</summary>
    private sealed class SwarmAgent : IEnvironment, IStatefulEnvironment
    {
        private float _x;
        private int _t;
        private Rng? _rng;
        public string Id => "Swarm-v0";
        public Box ObservationSpace { get; } = new([-10f], [10f]);
        public Box ActionSpace { get; } = new([-1f], [1f]);

        public void Reset(Span<float> observation, int? seed = null)
        {
            _rng = EnvironmentSeeding.ForReset(_rng, seed);
            observation[0] = _x = (float)_rng.Uniform(-5, 5);
            _t = 0;
        }

        public StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
        {
            observation[0] = _x = Math.Clamp(_x + action[0], -10f, 10f);
            return new StepResult(-Math.Abs(_x), false, ++_t == 40);
        }

        public JsonObject SaveState() => new() { ["x"] = _x, ["t"] = _t, ["rng"] = EnvironmentState.SaveRng(_rng) };

        public void RestoreState(JsonObject state)
        {
            _x = state["x"]!.GetValue<float>();
            _t = state["t"]!.GetValue<int>();
            _rng = EnvironmentState.RestoreRng(state["rng"]);
        }
    }

    [Test]
    public void ASceneWithManyAgents_TrainsThroughItsOwnVectorEnvironment_AndResumesBitwise()
    {
        Trainer New() => new(new Swarm(8), new SwarmAgent(),
            new SacOptions { HiddenSizes = [16, 16], BatchSize = 32, LearningStarts = 200, BufferSize = 20_000, Threads = 1, GradientSteps = -1 },
            new TrainerOptions { TotalSteps = 4_000, Seed = 9, EvalEvery = 2_000, EvalEpisodes = 3, NumEnvs = 8 });
        var reference = New();
        var expected = Observe(reference);
        reference.Run();
        Assert.That(reference.Steps, Is.EqualTo(4_000));
        Assert.That(expected.Count, Is.GreaterThan(90), "episodes of every agent, ending at different steps");

        var first = New();
        var returns = Observe(first);
        for (int i = 0; i < 263; i++)
            first.Step();
        string checkpoint = CheckpointStore.Save(first, Dir);
        var resumed = New();
        resumed.LoadCheckpoint(checkpoint);
        Observe(resumed, returns);
        resumed.Run();
        Assert.That(returns, Is.EqualTo(expected));
        Assert.That(Weights(resumed), Is.EqualTo(Weights(reference)));
        // Learning: from about −2.5 a step at random toward the origin (a return near −25 over 40 steps of a point held at 0).
        Assert.That(reference.LastEvaluation!.MeanReturn, Is.GreaterThan(-40));
    }
}
