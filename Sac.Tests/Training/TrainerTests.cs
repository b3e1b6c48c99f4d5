using Sac.Core.Algorithms;
using Sac.Core.Environments;
using Sac.Core.Replay;
using Sac.Core.Training;

namespace Sac.Tests.Training;

/// <summary>The loop's traps (termination vs truncation, the true next observation, obs = next obs), determinism and NaN safety.</summary>
public class TrainerTests
{
    private static SacOptions Small(SacVersion version = SacVersion.V2, int learningStarts = 1_000_000) =>
        new() { Version = version, HiddenSizes = [16, 16], BatchSize = 8, LearningStarts = learningStarts };

    [Test]
    public void Trainer_TruncationAndTermination_StoreDoneOnlyOnTermination()
    {
        // Episodes 0, 2, 4 … run to the time limit (5 steps, truncated); episodes 1, 3 … terminate at step 3.
        var trainer = new Trainer(new TimeLimit(new ScriptedEnvironment(terminateAt: 3), 5), new TimeLimit(new ScriptedEnvironment(3), 5),
            Small(), new TrainerOptions { TotalSteps = 16, EvalEvery = 0, EvalEpisodes = 1 });
        var episodes = new List<EpisodeReport>();
        trainer.EpisodeCompleted += episodes.Add;
        trainer.Run();

        Assert.That(episodes.Select(e => (e.Length, e.Terminated)), Is.EqualTo(new[] { (5, false), (3, true), (5, false), (3, true) }));
        var (obs, _, rewards, next, done) = trainer.Replay.Storage;
        for (int i = 0; i < trainer.Replay.Count; i++)
        {
            int episode = (int)obs[2 * i], step = (int)obs[2 * i + 1];
            // CRUCIAL: s′ is the true next state, never the next episode's reset state, also at a truncation.
            Assert.That(next[2 * i], Is.EqualTo(episode), $"transition {i}: s′ belongs to the same episode");
            Assert.That(next[2 * i + 1], Is.EqualTo(step + 1), $"transition {i}: s′ is one step after s (obs = next obs)");
            Assert.That(rewards[i], Is.EqualTo(step + 1));
            bool terminal = episode % 2 == 1 && step + 1 == 3;
            // d = 1 only on termination: the time limit at step 5 of even episodes stores d = 0 (it still bootstraps).
            Assert.That(done[i], Is.EqualTo(terminal ? 1f : 0f), $"transition {i} (episode {episode}, step {step})");
        }
        Assert.That(trainer.Replay.Count, Is.EqualTo(16));
    }

    [Test]
    public void ReplayBuffer_WrapsAround_OverwritingOldest()
    {
        var buffer = new ReplayBuffer(5, 1, 1);
        for (int i = 0; i < 7; i++)
            buffer.Add([i], [0f], i, [i + 1], false);
        Assert.That((buffer.Count, buffer.Position), Is.EqualTo((5, 2)));
        // Slots 0 and 1 now hold transitions 5 and 6; the ring holds 2..6.
        Assert.That(buffer.Storage.Observations.Take(5), Is.EqualTo(new float[] { 5, 6, 2, 3, 4 }));
        var batch = new SacBatch<float>(200, 1, 1);
        buffer.Sample(batch, new Sac.Core.Rng(1));
        var sampled = batch.Observations.Span.ToArray();
        Assert.That(sampled, Is.All.InRange(2f, 6f));
        Assert.That(sampled.Distinct().Count(), Is.EqualTo(5), "uniform sampling reaches every held transition");
        Assert.That(batch.NextObservations.Span.ToArray().Zip(sampled).All(p => p.First == p.Second + 1), Is.True, "rows stay aligned");
    }

    [Test]
    public void ReplayBuffer_NonFiniteTransition_IsRefusedAndBufferUnchanged()
    {
        var buffer = new ReplayBuffer(4, 1, 1);
        buffer.Add([1f], [0f], 1f, [2f], false);
        Assert.Throws<ArgumentException>(() => buffer.Add([float.NaN], [0f], 1f, [2f], false));
        Assert.Throws<ArgumentException>(() => buffer.Add([1f], [0f], float.PositiveInfinity, [2f], false));
        Assert.That((buffer.Count, buffer.Position), Is.EqualTo((1, 1)));
    }

    [Test]
    public void Trainer_SameSeed_GivesBitwiseIdenticalReturnsAndWeights([Values(SacVersion.V1, SacVersion.V2)] SacVersion version)
    {
        static (double[] Returns, float[] Weights) Run(SacVersion version, int threads)
        {
            var trainer = new Trainer(EnvironmentRegistry.Create("Pendulum-v1"), EnvironmentRegistry.Create("Pendulum-v1"),
                Small(version, learningStarts: 100) with { Threads = threads }, new TrainerOptions { TotalSteps = 600, Seed = 42, EvalEvery = 0, EvalEpisodes = 1 });
            var returns = new List<double>();
            trainer.EpisodeCompleted += e => returns.Add(e.Return);
            trainer.Run();
            returns.Add(trainer.LastEvaluation!.MeanReturn);
            var weights = Sac.Tests.Core.PyTorchFixture.AllParameters(trainer.Agent).SelectMany(t => t.Span.ToArray()).ToArray();
            return (returns.ToArray(), weights);
        }
        var a = Run(version, 1);
        var b = Run(version, 1);
        var c = Run(version, 2);
        Assert.That(b.Returns, Is.EqualTo(a.Returns));
        Assert.That(b.Weights, Is.EqualTo(a.Weights), "same seed, same threads: bitwise identical weights");
        Assert.That(c.Weights, Is.EqualTo(a.Weights), "the GEMM sums in the same order for any thread count");
        Assert.That(c.Returns, Is.EqualTo(a.Returns));
    }

    [Test]
    public void Trainer_DifferentSeeds_Differ()
    {
        double Return(int seed)
        {
            var trainer = new Trainer(EnvironmentRegistry.Create("Pendulum-v1"), EnvironmentRegistry.Create("Pendulum-v1"),
                Small(), new TrainerOptions { TotalSteps = 200, Seed = seed, EvalEvery = 0, EvalEpisodes = 1 });
            double first = double.NaN;
            trainer.EpisodeCompleted += e => first = e.Return;
            trainer.Run();
            return first;
        }
        Assert.That(Return(1), Is.Not.EqualTo(Return(2)));
    }

    [Test]
    public void Trainer_NaNFromEnvironment_IsDetectedBeforeReplayOrWeights()
    {
        // Learning starts at step 20; the environment emits NaN at step 40.
        var trainer = new Trainer(new TimeLimit(new ScriptedEnvironment(terminateAt: 1000, nanAtGlobalStep: 40), 100), new TimeLimit(new ScriptedEnvironment(1000), 100),
            Small(learningStarts: 20), new TrainerOptions { TotalSteps = 100, EvalEvery = 0, EvalEpisodes = 1 });
        for (int i = 0; i < 39; i++)
            trainer.Step();
        var weights = Sac.Tests.Core.PyTorchFixture.AllParameters(trainer.Agent).SelectMany(t => t.Span.ToArray()).ToArray();
        int stored = trainer.Replay.Count;

        var ex = Assert.Throws<EnvironmentException>(() => trainer.Step());

        Assert.That(ex!.Message, Does.Contain("Scripted-v0").And.Contain("observation[1]").And.Contain("step 40"));
        Assert.That(trainer.Replay.Count, Is.EqualTo(stored), "the NaN transition never reached the replay buffer");
        var after = Sac.Tests.Core.PyTorchFixture.AllParameters(trainer.Agent).SelectMany(t => t.Span.ToArray()).ToArray();
        Assert.That(after, Is.EqualTo(weights), "no weight changed");
    }

    [Test]
    public void Trainer_SharedEnvironmentInstance_IsRejected()
    {
        var env = EnvironmentRegistry.Create("Pendulum-v1");
        Assert.Throws<ArgumentException>(() => new Trainer(env, env, Small(), new TrainerOptions()));
    }
}
