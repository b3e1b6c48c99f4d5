using Sac.Core;
using Sac.Core.Exploration;

namespace Sac.Tests.Collection;

/// <summary>
/// Colored and OU action noise against their definitions: the power spectrum's log–log slope is −β (estimated here with
/// the test's own forward DFT, averaged over many sequences), the variance is 1, OU's lag-one autocorrelation is ρ.
/// </summary>
public class ActionNoiseTests
{
    /// <summary>The averaged periodogram |X_k|² of <paramref name="sequences"/> sequences, k = 1 … T/2 − 1.</summary>
    private static double[] Periodogram(ColoredNoise noise, int sequences, Rng rng)
    {
        int n = noise.Length;
        var power = new double[n / 2];
        var x = new double[n];
        for (int s = 0; s < sequences; s++)
        {
            noise.Generate(rng, x);
            for (int k = 1; k < n / 2; k++)
            {
                double re = 0, im = 0;
                for (int t = 0; t < n; t++)
                {
                    double angle = -2 * Math.PI * k * (double)t / n;
                    re += x[t] * Math.Cos(angle);
                    im += x[t] * Math.Sin(angle);
                }
                power[k] += (re * re + im * im) / sequences;
            }
        }
        return power;
    }

    /// <summary>Least-squares slope of log power against log frequency over k = 1 … T/2 − 1.</summary>
    private static double Slope(double[] power)
    {
        var xs = Enumerable.Range(1, power.Length - 1).Select(k => Math.Log(k)).ToArray();
        var ys = Enumerable.Range(1, power.Length - 1).Select(k => Math.Log(power[k])).ToArray();
        double mx = xs.Average(), my = ys.Average();
        return xs.Zip(ys).Sum(p => (p.First - mx) * (p.Second - my)) / xs.Sum(v => (v - mx) * (v - mx));
    }

    [TestCase(0.0, 256)]
    [TestCase(1.0, 256)]
    [TestCase(2.0, 256)]
    [TestCase(1.0, 199)] // odd length: no Nyquist term
    [TestCase(0.5, 200)]
    public void ColoredNoise_SpectrumSlopeIsMinusBeta(double beta, int length)
    {
        var noise = new ColoredNoise(beta, length);
        double slope = Slope(Periodogram(noise, 300, new Rng(7)));
        Assert.That(slope, Is.EqualTo(-beta).Within(0.08), $"β = {beta}: log–log slope {slope:F3}");
    }

    [TestCase(0.0, 1000)]
    [TestCase(1.0, 1000)]
    [TestCase(2.0, 1000)]
    [TestCase(1.0, 999)]
    public void ColoredNoise_HasUnitVarianceAboutEachSequencesMean(double beta, int length)
    {
        // colorednoise's normalization, which Eberhard et al. use: the theoretical standard deviation of the non-constant
        // frequencies, so a sequence varies by 1 about its own mean (the random offset, f = 0, comes on top for β > 0).
        var noise = new ColoredNoise(beta, length);
        var rng = new Rng(3);
        var x = new double[length];
        var variances = new double[2000];
        for (int s = 0; s < variances.Length; s++)
        {
            noise.Generate(rng, x);
            double mean = x.Average();
            variances[s] = x.Sum(v => (v - mean) * (v - mean)) / length;
        }
        // A sequence's variance scatters widely for red noise (a few low frequencies carry most of it): allow four
        // standard errors of the mean, measured.
        double average = variances.Average();
        double standardError = Math.Sqrt(variances.Sum(v => (v - average) * (v - average)) / (variances.Length - 1) / variances.Length);
        Assert.That(average, Is.EqualTo(1).Within(4 * standardError), $"β = {beta}: standard error {standardError:F4}");
        Assert.That(standardError, Is.LessThan(0.02), "enough sequences for the check to mean something");
    }

    [Test]
    public void PinkNoise_IsTemporallyCorrelated_WhiteIsNot()
    {
        // The point of pink noise: neighbouring actions move together (lag-one autocorrelation well above white's 0).
        double Lag1(double beta)
        {
            var noise = new ColoredNoise(beta, 1000);
            var x = new double[1000];
            var rng = new Rng(11);
            double num = 0, den = 0;
            for (int s = 0; s < 200; s++)
            {
                noise.Generate(rng, x);
                for (int t = 1; t < x.Length; t++)
                    num += x[t] * x[t - 1];
                den += x.Sum(v => v * v);
            }
            return num / den;
        }
        Assert.That(Lag1(0), Is.EqualTo(0).Within(0.02));
        Assert.That(Lag1(1), Is.GreaterThan(0.5));
        Assert.That(Lag1(2), Is.GreaterThan(0.95));
    }

    [Test]
    public void OrnsteinUhlenbeck_HasUnitVarianceAndLagOneCorrelationRho()
    {
        var noise = new ActionNoise(ActionNoiseKind.OrnsteinUhlenbeck, 0, copies: 1, actionSize: 1, horizon: 1000, new Rng(5));
        var eps = new float[1];
        double sumSquares = 0, lag = 0, previous = 0;
        int count = 0;
        for (int episode = 0; episode < 400; episode++)
        {
            noise.StartEpisode(0);
            for (int t = 0; t < 1000; t++)
            {
                noise.Next(0, eps);
                if (t > 0)
                    lag += eps[0] * previous;
                sumSquares += eps[0] * (double)eps[0];
                previous = eps[0];
                count++;
            }
        }
        Assert.That(sumSquares / count, Is.EqualTo(1).Within(0.05));
        Assert.That(lag / sumSquares, Is.EqualTo(ActionNoise.OrnsteinUhlenbeckRho).Within(0.002));
    }

    [Test]
    public void PinkActionNoise_CopiesAndDimensionsDiffer_AndEpisodesStartAfresh()
    {
        var noise = new ActionNoise(ActionNoiseKind.Pink, 1, copies: 2, actionSize: 2, horizon: 50, new Rng(1));
        noise.StartEpisode(0);
        noise.StartEpisode(1);
        var a = new float[2];
        var b = new float[2];
        noise.Next(0, a);
        noise.Next(1, b);
        Assert.That(a[0], Is.Not.EqualTo(a[1]), "each action dimension has its own sequence");
        Assert.That(a, Is.Not.EqualTo(b), "each copy has its own sequences");
        // 49 more steps use up the sequence; the 51st step of a long episode continues with a fresh one.
        for (int t = 1; t < 50; t++)
            noise.Next(0, a);
        Assert.That(noise.State.Positions[0], Is.EqualTo(50));
        noise.Next(0, a);
        Assert.That(noise.State.Positions[0], Is.EqualTo(1));
        noise.StartEpisode(0);
        Assert.That(noise.State.Positions[0], Is.Zero);
    }

    [Test]
    public void Noise_IsDeterministicFromItsSeed()
    {
        float[] Draw(ActionNoiseKind kind)
        {
            var noise = new ActionNoise(kind, 1, 1, 3, 100, new Rng(42));
            noise.StartEpisode(0);
            var all = new float[300];
            for (int t = 0; t < 100; t++)
                noise.Next(0, all.AsSpan(3 * t, 3));
            return all;
        }
        Assert.That(Draw(ActionNoiseKind.Pink), Is.EqualTo(Draw(ActionNoiseKind.Pink)));
        Assert.That(Draw(ActionNoiseKind.OrnsteinUhlenbeck), Is.EqualTo(Draw(ActionNoiseKind.OrnsteinUhlenbeck)));
    }

    [Test]
    public void InvalidSettings_AreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ColoredNoise(-1, 100));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ColoredNoise(double.NaN, 100));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ColoredNoise(1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ActionNoise(ActionNoiseKind.White, 1, 1, 1, 100, new Rng(1)));
    }
}
