using System.Numerics;
using System.Text.Json;
using Sac.Core;
using Sac.Core.Algorithms;
using Sac.Core.Policies;

namespace Sac.Tests.Core;

/// <summary>
/// SAC v2 with CleanRL's update (policy frequency 2 with two actor and temperature steps, the temperature's loss on α
/// from a fresh sample, log σ tanh-bounded into [−5, 2], log(1 − a² + 10⁻⁶)) against a PyTorch transcription of
/// CleanRL's sac_continuous_action.py (bench/pytorch/cleanrl_fixtures.py, float64): every loss CleanRL logs and every
/// parameter, online and target, after each of two updates, the second a policy update. One deviation, in the
/// transcription too: the critics' loss is Sac's (and SB3's) half of CleanRL's, which changes Adam's step only through
/// its ε (the script's docstring).
/// </summary>
public class CleanRlParityTests
{
    private static JsonElement Load() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "sac_v2_cleanrl.json"))).RootElement;

    /// <summary>CleanRL's setting as Sac's options, from the fixture's configuration.</summary>
    internal static SacOptions Options(JsonElement c, int threads) => new()
    {
        Version = SacVersion.V2,
        HiddenSizes = c.GetProperty("hidden").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
        BatchSize = c.GetProperty("batch").GetInt32(),
        Gamma = c.GetProperty("gamma").GetDouble(),
        Tau = c.GetProperty("tau").GetDouble(),
        ActorLearningRate = c.GetProperty("lr_actor").GetDouble(),
        CriticLearningRate = c.GetProperty("lr_critic").GetDouble(),
        AlphaLearningRate = c.GetProperty("lr_alpha").GetDouble(),
        LearnAlpha = true,
        InitialAlpha = c.GetProperty("initial_alpha").GetDouble(),
        TargetEntropy = c.GetProperty("target_entropy").GetDouble(),
        PolicyFrequency = c.GetProperty("policy_frequency").GetInt32(),
        TemperatureLoss = TemperatureLoss.Alpha,
        TemperatureSample = TemperatureSample.Fresh,
        LogStdBounding = LogStdBounding.Tanh,
        LogStdMin = c.GetProperty("log_std_min").GetDouble(),
        LogStdMax = c.GetProperty("log_std_max").GetDouble(),
        JacobianEpsilon = c.GetProperty("jacobian_epsilon").GetDouble(),
        Threads = threads,
    };

    private static Algorithm<T> Agent<T>(JsonElement root, int threads) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var c = root.GetProperty("config");
        var agent = AlgorithmRegistry.Create<T>(c.GetProperty("obs").GetInt32(), c.GetProperty("act").GetInt32(), Options(c, threads), new Rng(0));
        PyTorchFixture.LoadWeights(agent, root.GetProperty("weights"));
        return agent;
    }

    [TestCase(1)]
    [TestCase(2)]
    public void TwoUpdates_Float64_MatchCleanRlInPyTorch(int threads)
    {
        var root = Load();
        var config = root.GetProperty("config");
        var expected = root.GetProperty("expected");
        var agent = Agent<double>(root, threads);
        Assert.That(agent.ExtraNoiseSets, Is.EqualTo(3), "the second actor step's ε and the two temperature samples'");
        var batches = root.GetProperty("batches").EnumerateArray().ToArray();
        Assert.That(batches, Has.Length.EqualTo(2));
        for (int u = 0; u < batches.Length; u++)
        {
            var metrics = agent.Update(PyTorchFixture.ReadBatch<double>(batches[u], config, agent.ExtraNoiseSets));
            AssertClose($"update{u}.loss.critic", metrics["train/critic_loss"], expected.GetProperty($"update{u}.loss.critic").GetDouble());
            bool policyUpdate = expected.TryGetProperty($"update{u}.loss.actor", out var actorLoss);
            Assert.That(policyUpdate, Is.EqualTo(u == 1), "policy frequency 2: the second update steps the actor");
            if (policyUpdate)
            {
                AssertClose($"update{u}.loss.actor", metrics["train/actor_loss"], actorLoss.GetDouble());
                AssertClose($"update{u}.loss.alpha", metrics["train/ent_coef_loss"], expected.GetProperty($"update{u}.loss.alpha").GetDouble());
            }
            else
                Assert.That(metrics["train/actor_loss"], Is.NaN, "no actor loss is reported for an update without an actor step");
            int compared = PyTorchFixture.AssertParametersAfter(agent, expected, u);
            Assert.That(compared, Is.EqualTo(31), "π, Q1, Q2, their targets (6 tensors each) and log α");
        }
    }

    [Test]
    public void Defaults_NeedNoExtraNoise_AndCleanRlsSettingNeedsThree()
    {
        var c = Load().GetProperty("config");
        Assert.That(AlgorithmRegistry.Create<double>(3, 2, new SacOptions(), new Rng(0)).ExtraNoiseSets, Is.Zero);
        Assert.That(AlgorithmRegistry.Create<double>(3, 2, Options(c, 1), new Rng(0)).ExtraNoiseSets, Is.EqualTo(3));
        Assert.That(AlgorithmRegistry.Create<double>(3, 2, Options(c, 1) with { TemperatureSample = TemperatureSample.ActorStep }, new Rng(0)).ExtraNoiseSets, Is.EqualTo(1));
    }

    private static void AssertClose(string what, double actual, double expected) =>
        Assert.That(actual, Is.EqualTo(expected).Within(1e-6 * Math.Abs(expected) + 1e-12), what);
}
