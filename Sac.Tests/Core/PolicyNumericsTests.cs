using System.Numerics;
using Sac.Autodiff;
using Sac.Core;
using Sac.Core.Networks;
using Sac.Core.Policies;

namespace Sac.Tests.Core;

/// <summary>The tanh-Gaussian log-density at extremes, at the log σ clamp bounds, and under action scaling.</summary>
public class PolicyNumericsTests
{
    /// <summary>A policy whose output is the constant [μ ‖ log σ] = bias (last layer weights zeroed).</summary>
    private static TanhGaussianPolicy<T> ConstantPolicy<T>(double[] mean, double[] logStd)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var network = new Mlp<T>("pi", 2, [4], 2 * mean.Length, new Rng(1));
        var last = network.Layers[^1];
        last.Weight.Span.Clear();
        for (int j = 0; j < mean.Length; j++)
        {
            last.Bias.Span[j] = T.CreateChecked(mean[j]);
            last.Bias.Span[mean.Length + j] = T.CreateChecked(logStd[j]);
        }
        return new TanhGaussianPolicy<T>(network, -20, 2);
    }

    /// <summary>log(1 − tanh² u) computed independently: 1 − tanh² u = 4e^{−2|u|}/(1 + e^{−2|u|})².</summary>
    private static double LogOneMinusTanhSquared(double u) => Math.Log(4) - 2 * Math.Abs(u) - 2 * Math.Log(1 + Math.Exp(-2 * Math.Abs(u)));

    private static double GaussianLogDensityAtMean(double logStd) => -logStd - 0.5 * Math.Log(2 * Math.PI);

    [TestCase(0.0)]
    [TestCase(3.0)]
    [TestCase(-9.5)]
    [TestCase(20.0)]
    [TestCase(-50.0)]
    [TestCase(50.0)]
    public void LogProb_LargePreSquashValues_IsFiniteAndExact(double u)
    {
        // ε = 0 puts u = μ; with log σ = −1 the Gaussian part is 1 − ½ log 2π. At |u| = 50, 1 − tanh² u ≈ 4e⁻¹⁰⁰ underflows
        // float32 and the naive log(1 − a²) would be −∞; the stable form must stay exact.
        double expected = GaussianLogDensityAtMean(-1) - LogOneMinusTanhSquared(u);

        double actual64 = LogProbAtMean<double>(u, -1);
        Assert.That(actual64, Is.EqualTo(expected).Within(1e-12 * Math.Max(1, Math.Abs(expected))));

        double actual32 = LogProbAtMean<float>(u, -1);
        Assert.That(double.IsFinite(actual32), Is.True);
        Assert.That(actual32, Is.EqualTo(expected).Within(2e-6 * Math.Max(1, Math.Abs(expected))));
    }

    [TestCase(-25.0, -20.0)]
    [TestCase(-20.0, -20.0)]
    [TestCase(2.0, 2.0)]
    [TestCase(7.0, 2.0)]
    public void LogProb_LogStdAtOrBeyondClampBounds_UsesClampedValue(double rawLogStd, double clamped)
    {
        double expected = GaussianLogDensityAtMean(clamped) - LogOneMinusTanhSquared(0.5);
        Assert.That(LogProbAtMean<double>(0.5, rawLogStd), Is.EqualTo(expected).Within(1e-12));
        Assert.That(LogProbAtMean<float>(0.5, rawLogStd), Is.EqualTo(expected).Within(1e-5 * Math.Abs(expected)));
    }

    [Test]
    public void Sample_Reparameterization_MatchesClosedFormActionAndDensity()
    {
        // a = tanh(μ + σ·ε), log π = Σ[−½ε² − log σ − ½log 2π] − Σ log(1 − tanh² u), per row.
        double[] mean = [0.3, -1.1], logStd = [-0.5, 0.2];
        var policy = ConstantPolicy<double>(mean, logStd);
        var noise = Tensor<double>.FromValues(2, 2, [0.1, -0.4, 1.3, 0.7]);
        var tape = new Tape<double>();
        var sample = policy.Sample(tape, new Tensor<double>(2, 2), noise);
        for (int i = 0; i < 2; i++)
        {
            double logProb = 0;
            for (int j = 0; j < 2; j++)
            {
                double eps = noise[i, j], u = mean[j] + Math.Exp(logStd[j]) * eps;
                Assert.That(sample.Action[i, j], Is.EqualTo(Math.Tanh(u)).Within(1e-15));
                logProb += -0.5 * eps * eps - logStd[j] - 0.5 * Math.Log(2 * Math.PI) - Math.Log(1 - Math.Tanh(u) * Math.Tanh(u));
            }
            Assert.That(sample.LogProb[i, 0], Is.EqualTo(logProb).Within(1e-12));
        }
        var deterministic = policy.DeterministicAction(tape, new Tensor<double>(1, 2));
        Assert.That(deterministic[0, 0], Is.EqualTo(Math.Tanh(0.3)).Within(1e-15));
    }

    private static double LogProbAtMean<T>(double u, double logStd) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var policy = ConstantPolicy<T>([u], [logStd]);
        var tape = new Tape<T>();
        var sample = policy.Sample(tape, new Tensor<T>(1, 2), new Tensor<T>(1, 1));
        return double.CreateChecked(sample.LogProb[0, 0]);
    }
}
