using Sac.Autodiff;
using Sac.Core;
using Sac.Core.Algorithms;
using Sac.Core.Networks;
using Sac.Core.Optimization;

namespace Sac.Tests.Core;

/// <summary>Targets get no gradient and move by exactly τ; non-finite gradients change nothing; no allocation after warm-up.</summary>
public class SacUpdateTests
{
    private static (Algorithm<T> Agent, SacBatch<T> Batch, Rng Rng) Make<T>(SacVersion version, int batchSize = 16, int threads = 1)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var rng = new Rng(7);
        var agent = AlgorithmRegistry.Create<T>(3, 2, new SacOptions { Version = version, HiddenSizes = [32, 32], Threads = threads }, rng);
        var batch = new SacBatch<T>(batchSize, 3, 2);
        Refill(batch, rng);
        return (agent, batch, rng);
    }

    private static void Refill<T>(SacBatch<T> batch, Rng rng) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        foreach (var t in new[] { batch.Observations, batch.NextObservations, batch.Rewards })
            foreach (ref var v in t.Span) v = T.CreateChecked(rng.Normal());
        foreach (ref var v in batch.Actions.Span) v = T.CreateChecked(rng.Uniform(-1, 1));
        batch.DrawNoise(rng);
    }

    [TestCase(SacVersion.V1)]
    [TestCase(SacVersion.V2)]
    public void Update_TargetNetworks_ReceiveNoGradientAndMoveByTau(SacVersion version)
    {
        var (agent, batch, _) = Make<double>(version);
        var (target, source) = agent switch
        {
            SacV1<double> v1 => (v1.VTarget.Parameters, v1.V.Parameters),
            SacV2<double> v2 => (v2.CriticTargets.Parameters, v2.Critics.Parameters),
            _ => throw new ArgumentOutOfRangeException(nameof(version)),
        };
        // Make the target differ from its source first, so the Polyak step is visible.
        for (int i = 0; i < target.Count; i++) target.Values[i] += 0.01 * Math.Sin(i);
        double[] before = target.Values.ToArray();

        agent.Update(batch);

        Assert.That(target.Grads.ToArray(), Is.All.EqualTo(0.0), "no gradient may reach a target network");
        double[] sourceAfter = source.Values.ToArray();
        for (int i = 0; i < target.Count; i++)
        {
            // ψ̄ ← τψ + (1 − τ)ψ̄ with ψ the source after its own step: the target moves τ of the way.
            double expected = before[i] + 0.005 * (sourceAfter[i] - before[i]);
            Assert.That(target.Values[i], Is.EqualTo(expected).Within(1e-15 * (1 + Math.Abs(expected))), $"target[{i}]");
        }
    }

    [TestCase(SacVersion.V1)]
    [TestCase(SacVersion.V2)]
    [TestCase(SacVersion.Td3)]
    public void Update_NaNInBatch_RefusesAndLeavesEveryWeightUntouched(SacVersion version)
    {
        var (agent, batch, _) = Make<float>(version);
        agent.Update(batch);
        float[] Snapshot() => PyTorchFixture.AllParameters(agent).SelectMany(t => t.Span.ToArray()).ToArray();
        var before = Snapshot();
        batch.Rewards.Span[3] = float.NaN;

        var ex = Assert.Throws<NonFiniteGradientException>(() => agent.Update(batch));

        Assert.That(ex!.Message, Does.Contain("not finite").And.Contain("no weight changed"));
        Assert.That(Snapshot(), Is.EqualTo(before), "a NaN must never reach a weight");
    }

    [Test]
    public void Update_V2_LearnsAlphaTowardTargetEntropy()
    {
        // A policy far more random than H̄ = −2 (log π ≪ 2 on average) must see α decrease.
        var (made, batch, rng) = Make<double>(SacVersion.V2);
        var agent = (SacV2<double>)made;
        double alpha0 = agent.Alpha;
        for (int i = 0; i < 20; i++)
        {
            Refill(batch, rng);
            var metrics = agent.Update(batch);
            Assert.That(metrics["train/log_prob_mean"], Is.LessThan(agent.TargetEntropy * -1), "precondition: entropy above target");
        }
        Assert.That(agent.Alpha, Is.LessThan(alpha0));
    }

    [TestCase(SacVersion.V1, 1)]
    [TestCase(SacVersion.V2, 1)]
    [TestCase(SacVersion.Td3, 1)]
    [TestCase(SacVersion.V1, 2)]
    [TestCase(SacVersion.V2, 2)]
    [TestCase(SacVersion.Td3, 2)]
    public void Update_AfterWarmUp_AllocatesZeroBytes(SacVersion version, int threads) =>
        AssertUpdatesAllocateNothing(new SacOptions { Version = version, HiddenSizes = [32, 32], Threads = threads });

    /// <summary>After two warm-up updates, five more (with fresh noise each) allocate nothing on this thread.</summary>
    private static void AssertUpdatesAllocateNothing(SacOptions options)
    {
        var rng = new Rng(7);
        var agent = AlgorithmRegistry.Create<float>(3, 2, options, rng);
        var batch = new SacBatch<float>(64, 3, 2, extraNoise: agent.ExtraNoiseSets);
        Refill(batch, rng);
        agent.Update(batch);
        agent.Update(batch);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++)
        {
            batch.DrawNoise(rng, options.Threads);
            agent.Update(batch);
        }
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
        Assert.That(agent.Updates, Is.EqualTo(7));
    }

    [Test, Combinatorial]
    public void Update_AnyThreadCount_IsBitwiseIdentical([Values(SacVersion.V1, SacVersion.V2, SacVersion.Td3)] SacVersion version,
        [Values(1, 15, 16)] int batchSize, [Values(null, 0.5)] double? maxGradNorm)
    {
        // The shards depend on the batch size only, so 1, 2 and 3 threads must give the same bits, clipping included
        // (the clip uses the norm the shards' gradient sum computes).
        var options = new SacOptions { Version = version, HiddenSizes = [32, 32], MaxGradNorm = maxGradNorm };
        var one = TrainedParameters(options, batchSize, threads: 1, updates: 5);
        Assert.That(TrainedParameters(options, batchSize, threads: 2, updates: 5), Is.EqualTo(one));
        Assert.That(TrainedParameters(options, batchSize, threads: 3, updates: 5), Is.EqualTo(one));
    }

    /// <summary>Every parameter after <paramref name="updates"/> updates on fresh random batches, from seed 7.</summary>
    private static float[] TrainedParameters(SacOptions options, int batchSize, int threads, int updates)
    {
        var rng = new Rng(7);
        var agent = AlgorithmRegistry.Create<float>(3, 2, options with { Threads = threads }, rng);
        var batch = new SacBatch<float>(batchSize, 3, 2, extraNoise: agent.ExtraNoiseSets);
        for (int i = 0; i < updates; i++)
        {
            Refill(batch, rng);
            agent.Update(batch);
        }
        return PyTorchFixture.AllParameters(agent).SelectMany(t => t.Span.ToArray()).ToArray();
    }

    /// <summary>CleanRL's setting as v2 options (the parity test's, at Sac's own sizes).</summary>
    private static SacOptions CleanRl(int threads) => new()
    {
        Version = SacVersion.V2, HiddenSizes = [32, 32], Threads = threads, CriticLearningRate = 1e-3, AlphaLearningRate = 1e-3,
        PolicyFrequency = 2, TemperatureLoss = TemperatureLoss.Alpha, TemperatureSample = TemperatureSample.Fresh,
        LogStdBounding = Sac.Core.Policies.LogStdBounding.Tanh, LogStdMin = -5, JacobianEpsilon = 1e-6,
    };

    [TestCase(1)]
    [TestCase(2)]
    public void Update_CleanRlsSetting_AfterWarmUp_AllocatesZeroBytes(int threads) => AssertUpdatesAllocateNothing(CleanRl(threads));

    [Test]
    public void Update_CleanRlsSetting_AnyThreadCount_IsBitwiseIdentical()
    {
        var one = TrainedParameters(CleanRl(1), batchSize: 15, threads: 1, updates: 6);
        Assert.That(TrainedParameters(CleanRl(1), batchSize: 15, threads: 2, updates: 6), Is.EqualTo(one));
        Assert.That(TrainedParameters(CleanRl(1), batchSize: 15, threads: 3, updates: 6), Is.EqualTo(one));
    }

    [Test]
    public void Update_ShardedGradient_EqualsTheWholeBatchGradient()
    {
        // J_Q's gradient as the update leaves it in θ's buffer (two shards, summed) against J_Q of the whole batch
        // backpropagated on one tape with the public loss: equal up to float64 rounding.
        var (made, batch, _) = Make<double>(SacVersion.V1, batchSize: 9);
        var agent = (SacV1<double>)made;
        var tape = new Tape<double>();
        agent.Critics.Parameters.ZeroGrad();
        tape.Backward(SacV1<double>.CriticLoss(tape, agent.Own, batch, agent.ValueBackup(tape, batch), 1.0 / batch.Size));
        double[] whole = agent.Critics.Parameters.Grads.ToArray();
        var copy = new SacV1<double>(3, 2, agent.Options with { CriticLearningRate = 1e-300, ActorLearningRate = 1e-300, ValueLearningRate = 1e-300 }, new Rng(7));
        copy.Update(batch);
        double[] sharded = copy.Critics.Parameters.Grads.ToArray();
        for (int i = 0; i < whole.Length; i++)
            Assert.That(sharded[i], Is.EqualTo(whole[i]).Within(1e-13 * (1 + Math.Abs(whole[i]))), $"θ gradient {i}");
    }

    [Test]
    public void Mlp_Initialization_IsPyTorchUniformWithinOneOverSqrtFanIn()
    {
        var mlp = new Mlp<double>("net", 64, [256], 4, new Rng(3));
        foreach (var layer in mlp.Layers)
        {
            double bound = 1 / Math.Sqrt(layer.Inputs);
            var w = layer.Weight.Span.ToArray();
            Assert.That(w.Max(), Is.LessThanOrEqualTo(bound).And.GreaterThan(0.95 * bound));
            Assert.That(w.Min(), Is.GreaterThanOrEqualTo(-bound).And.LessThan(-0.95 * bound));
            // Uniform on [−b, b] has variance b²/3.
            double variance = w.Select(x => x * x).Average();
            Assert.That(variance, Is.EqualTo(bound * bound / 3).Within(0.1 * bound * bound / 3));
            Assert.That(layer.Bias.Span.ToArray(), Is.All.InRange(-bound, bound));
        }
    }

    [Test]
    public void Adam_GradientClipping_ScalesToMaxNorm()
    {
        // With clipping, the first Adam step is unchanged in direction (Adam is scale-invariant at t = 1) but m equals
        // (1 − β1)·g·c with c = max/(‖g‖ + 1e-6): check m to see the clipped gradient.
        var p = new FlatParameters<double>([("w", 1, 2)]);
        p.Grads[0] = 3; p.Grads[1] = 4; // ‖g‖ = 5
        var adam = new Adam<double>(p, new AdamOptions(0.1, MaxGradNorm: 1.0));
        adam.Apply();
        double c = 1.0 / (5 + 1e-6);
        Assert.That(adam.FirstMoments[0], Is.EqualTo(0.1 * 3 * c).Within(1e-15));
        Assert.That(adam.FirstMoments[1], Is.EqualTo(0.1 * 4 * c).Within(1e-15));
        Assert.That(adam.LastGradNorm, Is.EqualTo(5.0));
    }
}
