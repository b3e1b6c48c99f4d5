using System.Numerics;
using Sac.Core.Algorithms;

namespace Sac.Tests.Core;

/// <summary>
/// One SAC update in Sac against the same update in PyTorch autograd (fixtures from bench/pytorch/sac_fixtures.py; the
/// third is v2 with CleanRL's policy form, log σ tanh-rescaled into [−5, 2] and the Jacobian log(1 − a² + 10⁻⁶)):
/// every loss, every parameter gradient and every parameter after the step (online and target networks, log α).
/// Tolerances: float64 must agree to 1e-6 relative (in practice ~1e-13). Float32 runs the same inputs rounded to float
/// and must agree to 1e-3 relative, with an absolute floor of 1e-4 × the tensor's largest magnitude for elements near 0
/// (float32 carries ~7 digits, and sums over the batch and hidden units lose some).
/// </summary>
public class PyTorchParityTests
{
    private sealed record Tolerance(double Relative, double FloorFraction);

    private static readonly Tolerance Float64 = new(1e-6, 1e-9);
    private static readonly Tolerance Float32 = new(1e-3, 1e-4);

    [TestCase("sac_v1.json")]
    [TestCase("sac_v2.json")]
    [TestCase("sac_v2_tanh_log_std.json")]
    public void Update_Float64_MatchesPyTorch(string fixture) => CheckUpdate<double>(fixture, Float64);

    [TestCase("sac_v1.json")]
    [TestCase("sac_v2.json")]
    [TestCase("sac_v2_tanh_log_std.json")]
    public void Update_Float32_MatchesPyTorchWithinDocumentedTolerance(string fixture) => CheckUpdate<float>(fixture, Float32);

    private static void CheckUpdate<T>(string file, Tolerance tolerance) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var fixture = PyTorchFixture.Load(file);
        var agent = fixture.Agent<T>();
        var metrics = agent.Update(fixture.Batch<T>());

        AssertClose("loss.critic", [metrics["train/critic_loss"]], [fixture.Scalar("loss.critic")], tolerance);
        AssertClose("loss.actor", [metrics["train/actor_loss"]], [fixture.Scalar("loss.actor")], tolerance);
        AssertClose("mean_logp", [metrics["train/log_prob_mean"]], [fixture.Scalar("mean_logp")], tolerance);
        AssertClose("mean_q", [metrics["train/q_mean"]], [fixture.Scalar("mean_q")], tolerance);
        if (agent.Options.Version == SacVersion.V1)
            AssertClose("loss.value", [metrics["train/value_loss"]], [fixture.Scalar("loss.value")], tolerance);
        else
            AssertClose("loss.alpha", [metrics["train/ent_coef_loss"]], [fixture.Scalar("loss.alpha")], tolerance);

        int gradients = 0, parameters = 0;
        foreach (var tensor in PyTorchFixture.AllParameters(agent))
        {
            if (fixture.Has("grad." + tensor.Name))
            {
                AssertClose("grad." + tensor.Name, ToDouble(tensor.Grad), fixture.Values("grad." + tensor.Name), tolerance);
                gradients++;
            }
            AssertClose("after." + tensor.Name, ToDouble(tensor.Span), fixture.Values("after." + tensor.Name), tolerance);
            parameters++;
        }
        // Every trainable tensor's gradient was compared (the targets have none): π (6), Q1 and Q2 (12), plus V (6) or log α (1).
        Assert.That(gradients, Is.EqualTo(agent.Options.Version == SacVersion.V1 ? 24 : 19));
        Assert.That(parameters, Is.EqualTo(agent.Options.Version == SacVersion.V1 ? 30 : 31));
    }

    private static double[] ToDouble<T>(Span<T> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
            result[i] = double.CreateChecked(values[i]);
        return result;
    }

    private static void AssertClose(string what, double[] actual, double[] expected, Tolerance tolerance)
    {
        Assert.That(actual.Length, Is.EqualTo(expected.Length), what + " length");
        double floor = tolerance.FloorFraction * expected.Select(Math.Abs).DefaultIfEmpty(0).Max();
        for (int i = 0; i < actual.Length; i++)
        {
            double allowed = tolerance.Relative * Math.Abs(expected[i]) + floor;
            Assert.That(actual[i], Is.EqualTo(expected[i]).Within(allowed), $"{what}[{i}]");
        }
    }
}
