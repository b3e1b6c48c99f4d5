using Sac.Autodiff;
using Sac.Core;
using Sac.Core.Algorithms;
using Sac.Core.Diagnostics;

namespace Sac.Tests.Core;

/// <summary>Each SAC loss, as a function of the parameters it trains, against float64 central differences (torch's tolerances).</summary>
public class SacGradCheckTests
{
    private static (SoftActorCritic<double> Agent, SacBatch<double> Batch) Tiny(SacVersion version, int seed) =>
        GradCheckSuite.TinyAgent(version, new Rng((ulong)seed));

    private static void AssertPasses(GradCheckResult result) => Assert.That(result.Passed, Is.True, result.ToString());

    [Test]
    public void ValueLoss_GradientWrtPsi_MatchesFiniteDifference([Values(1, 2)] int seed)
    {
        var (agent, batch) = Tiny(SacVersion.V1, seed);
        AssertPasses(GradCheck.Run(tape =>
        {
            var (action, logProb) = agent.Policy.Sample(tape, batch.Observations, batch.Noise);
            var minQ = agent.MinQ(tape, batch.Observations, action, detachParameters: true);
            return agent.ValueLoss(tape, batch.Observations, minQ, logProb, 0.2);
        }, agent.V!.Parameters.Tensors.ToArray()));
    }

    [Test]
    public void CriticLoss_GradientWrtTheta_MatchesFiniteDifference([Values(SacVersion.V1, SacVersion.V2)] SacVersion version)
    {
        var (agent, batch) = Tiny(version, 3);
        AssertPasses(GradCheck.Run(tape =>
        {
            var qHat = version == SacVersion.V1 ? agent.ValueBackup(tape, batch) : agent.SoftQBackup(tape, batch, 0.5);
            return agent.CriticLoss(tape, batch, qHat);
        }, agent.Critic.Tensors.ToArray()));
    }

    [Test]
    public void PolicyLoss_GradientWrtPhi_MatchesFiniteDifference([Values(SacVersion.V1, SacVersion.V2)] SacVersion version)
    {
        // The gradient flows through log π and, via the reparameterized ã, through Q (whose parameters are detached).
        var (agent, batch) = Tiny(version, 4);
        AssertPasses(GradCheck.Run(tape =>
        {
            var (action, logProb) = agent.Policy.Sample(tape, batch.Observations, batch.Noise);
            var minQ = agent.MinQ(tape, batch.Observations, action, detachParameters: true);
            return agent.PolicyLoss(tape, logProb, minQ, 0.3);
        }, agent.Policy.Network.Parameters.Tensors.ToArray()));
    }

    [Test]
    public void TemperatureLoss_GradientWrtLogAlpha_MatchesFiniteDifference()
    {
        var (agent, batch) = Tiny(SacVersion.V2, 5);
        AssertPasses(GradCheck.Run(tape =>
        {
            var (_, logProb) = agent.Policy.Sample(tape, batch.Observations, batch.Noise);
            return agent.TemperatureLoss(tape, logProb);
        }, agent.Temperature!.Tensors.ToArray()));
    }

    [Test]
    public void TemperatureLoss_Gradient_IsMinusMeanOfLogPiPlusTargetEntropy()
    {
        // Closed form: J(α) = −log α·mean(log π + H̄)  ⇒  dJ/d log α = −mean(log π + H̄), H̄ = −dim(A) = −2.
        var (agent, batch) = Tiny(SacVersion.V2, 6);
        var tape = new Tape<double>();
        var (_, logProb) = agent.Policy.Sample(tape, batch.Observations, batch.Noise);
        double expected = -(logProb.Span.ToArray().Average() - 2);
        agent.Temperature!.ZeroGrad();
        tape.Backward(agent.TemperatureLoss(tape, logProb));
        Assert.That(agent.Temperature.Grads[0], Is.EqualTo(expected).Within(1e-14));
        Assert.That(agent.Policy.Network.Parameters.Grads.ToArray(), Is.All.EqualTo(0.0), "log π is detached in the temperature loss");
    }
}
