using Sac.Autodiff;
using Sac.Core;
using Sac.Core.Algorithms;
using Sac.Walkthrough.GradChecks;

namespace Sac.Tests.Core;

/// <summary>Each SAC loss, as a function of the parameters it trains, against float64 central differences (torch's tolerances).</summary>
public class SacGradCheckTests
{
    private static IEnumerable<SacLossCheck> Losses => SacLossChecks.All;

    [Test, Combinatorial]
    public void Loss_GradientWrtItsParameters_MatchesFiniteDifference([ValueSource(nameof(Losses))] SacLossCheck loss, [Values(1, 2, 3)] int seed)
    {
        var result = loss.Run(seed);
        Assert.That(result.Passed, Is.True, result.ToString());
    }

    private static (SacV2<double> Agent, SacBatch<double> Batch) TinyV2(int seed)
    {
        var (agent, batch) = SacLossChecks.TinyAgent(SacVersion.V2, seed);
        return ((SacV2<double>)agent, batch);
    }

    [Test]
    public void TemperatureLoss_Gradient_IsMinusMeanOfLogPiPlusTargetEntropy()
    {
        // Closed form: J(α) = −log α·mean(log π + H̄)  ⇒  dJ/d log α = −mean(log π + H̄), H̄ = −dim(A) = −2.
        var (agent, batch) = TinyV2(6);
        var tape = new Tape<double>();
        var (_, logProb) = agent.Policy.Sample(tape, batch.Observations, batch.Noise);
        double expected = -(logProb.Span.ToArray().Average() - 2);
        agent.Temperature!.ZeroGrad();
        tape.Backward(agent.TemperatureLoss(tape, logProb));
        Assert.That(agent.Temperature.Grads[0], Is.EqualTo(expected).Within(1e-14));
        Assert.That(agent.Policy.Network.Parameters.Grads.ToArray(), Is.All.EqualTo(0.0), "log π is detached in the temperature loss");
    }
}
