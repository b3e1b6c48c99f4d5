using System.Numerics;
using System.Text.Json;
using Sac.Core;
using Sac.Core.Algorithms;

namespace Sac.Tests.Core;

/// <summary>
/// Three TD3 updates in Sac against the same three in PyTorch autograd (bench/pytorch/td3_fixtures.py, float64): every
/// loss and every parameter, online and target, after each update. The second update is the only one whose actor and
/// targets move (policy delay 2), and the fixture's noise makes the smoothing clip and the action clip bind.
/// </summary>
public class Td3ParityTests
{
    private static JsonElement Load() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "td3.json"))).RootElement;

    private static Td3<T> Agent<T>(JsonElement root) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var c = root.GetProperty("config");
        var options = new SacOptions
        {
            Version = SacVersion.Td3,
            HiddenSizes = c.GetProperty("hidden").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
            BatchSize = c.GetProperty("batch").GetInt32(),
            Gamma = c.GetProperty("gamma").GetDouble(),
            Tau = c.GetProperty("tau").GetDouble(),
            ActorLearningRate = c.GetProperty("lr_actor").GetDouble(),
            CriticLearningRate = c.GetProperty("lr_critic").GetDouble(),
            PolicyDelay = c.GetProperty("policy_delay").GetInt32(),
            TargetPolicyNoise = c.GetProperty("target_noise").GetDouble(),
            TargetNoiseClip = c.GetProperty("noise_clip").GetDouble(),
            Threads = 1,
        };
        var agent = (Td3<T>)AlgorithmRegistry.Create<T>(c.GetProperty("obs").GetInt32(), c.GetProperty("act").GetInt32(), options, new Rng(0));
        PyTorchFixture.LoadWeights(agent, root.GetProperty("weights"));
        return agent;
    }

    [TestCase(1)]
    [TestCase(2)]
    public void ThreeUpdates_Float64_MatchPyTorch(int threads)
    {
        var root = Load();
        var config = root.GetProperty("config");
        var expected = root.GetProperty("expected");
        var agent = Agent<double>(root);
        if (threads > 1)
            agent = (Td3<double>)Rebuild(agent, threads);
        var batches = root.GetProperty("batches").EnumerateArray().ToArray();
        Assert.That(batches, Has.Length.EqualTo(3));
        for (int u = 0; u < batches.Length; u++)
        {
            var metrics = agent.Update(PyTorchFixture.ReadBatch<double>(batches[u], config));
            AssertClose($"update{u}.loss.critic", metrics["train/critic_loss"], expected.GetProperty($"update{u}.loss.critic").GetDouble());
            bool actorStep = expected.TryGetProperty($"update{u}.loss.actor", out var actorLoss);
            Assert.That(actorStep, Is.EqualTo(u == 1), "policy delay 2: only the second update steps the actor");
            if (actorStep)
                AssertClose($"update{u}.loss.actor", metrics["train/actor_loss"], actorLoss.GetDouble());
            else
                Assert.That(metrics["train/actor_loss"], Is.NaN, "no actor loss is reported for an update without an actor step");
            int compared = PyTorchFixture.AssertParametersAfter(agent, expected, u);
            Assert.That(compared, Is.EqualTo(36), "π, Q1, Q2 and their three targets: 6 tensors each");
        }
    }

    /// <summary>The same agent (same weights) with another thread count: the shards make the result independent of it.</summary>
    private static Algorithm<double> Rebuild(Td3<double> agent, int threads)
    {
        var copy = AlgorithmRegistry.Create<double>(agent.ObservationSize, agent.ActionSize, agent.Options with { Threads = threads }, new Rng(0));
        foreach (var (mine, theirs) in agent.ParameterSets.Zip(copy.ParameterSets))
            mine.Parameters.Values.CopyTo(theirs.Parameters.Values);
        return copy;
    }

    [Test]
    public void Act_Exploring_AddsClippedNoiseOfExplorationScaleToTheDeterministicAction()
    {
        var root = Load();
        var agent = Agent<double>(root);
        var tape = new Sac.Autodiff.Tape<double>();
        var s = new Sac.Autodiff.Tensor<double>(2, 3);
        s.Span[0] = 0.3; s.Span[1] = -1.2; s.Span[2] = 0.7; s.Span[3] = 2.0; s.Span[4] = 0.1; s.Span[5] = -0.4;
        var noise = new Sac.Autodiff.Tensor<double>(2, 2);
        noise.Span[0] = 1.0; noise.Span[1] = -30.0; noise.Span[2] = 0.0; noise.Span[3] = 30.0;
        using var _ = tape.NoGrad();
        double[] mu = agent.Act(tape, s, null).Span.ToArray();
        double[] explored = agent.Act(tape, s, noise).Span.ToArray();
        for (int i = 0; i < 4; i++)
        {
            // μ + 0.1·ε, clipped to the action bounds [−1, 1].
            double want = Math.Clamp(mu[i] + 0.1 * noise.Span[i], -1, 1);
            Assert.That(explored[i], Is.EqualTo(want).Within(1e-15), $"action {i}");
            Assert.That(Math.Abs(mu[i]), Is.LessThan(1), "μ = tanh(f(s)) is inside the bounds");
        }
    }

    private static void AssertClose(string what, double actual, double expected) =>
        Assert.That(actual, Is.EqualTo(expected).Within(1e-6 * Math.Max(1e-3, Math.Abs(expected))), what);
}
