using Sac.Cli.Reports;

namespace Sac.Tests.Sweeps;

/// <summary>
/// The report's statistics against closed forms and an exact oracle: scipy.stats.trim_mean(x, 0.25) (rliable's IQM) by
/// hand, and the bootstrap's percentile interval against the exact bootstrap distribution, enumerated over every one of
/// the nⁿ equally likely resamples.
/// </summary>
public class StatisticsTests
{
    [TestCase(new[] { 5.0, 1, 4, 2, 3 }, 3.0)]                 // n = 5: drop 1 at each end, mean(2, 3, 4)
    [TestCase(new[] { 1.0, 2, 3, 4, 1000 }, 3.0)]              // the outlier is trimmed away
    [TestCase(new[] { 8.0, 1, 7, 2, 6, 3, 5, 4 }, 4.5)]        // n = 8: drop 2 at each end, mean(3, 4, 5, 6)
    [TestCase(new[] { 4.0, 1, 3, 2 }, 2.5)]                    // n = 4: mean(2, 3)
    [TestCase(new[] { 1.0, 2, 10 }, 13.0 / 3)]                 // n = 3: ⌊3/4⌋ = 0, nothing dropped (scipy: 4.333…)
    [TestCase(new[] { -3.0, 7 }, 2.0)]                         // n = 2: the mean
    [TestCase(new[] { 42.0 }, 42.0)]
    public void InterquartileMean_MatchesTrimMeanQuarter(double[] scores, double expected) =>
        Assert.That(Statistics.InterquartileMean(scores), Is.EqualTo(expected).Within(1e-12));

    [Test]
    public void InterquartileMean_TwentyScores_IsScipysNinePointFive()
    {
        // scipy.stats.trim_mean(np.arange(20), 0.25) == 9.5: drop 5 at each end, mean(5 … 14).
        Assert.That(Statistics.InterquartileMean(Enumerable.Range(0, 20).Select(i => (double)i).ToArray()), Is.EqualTo(9.5));
    }

    [Test]
    public void Percentile_IsNumpysLinearInterpolation()
    {
        double[] sorted = [1, 2, 4, 8];
        // np.percentile([1, 2, 4, 8], [0, 25, 50, 97.5, 100]) = [1, 1.75, 3, 7.7, 8]
        Assert.That(Statistics.Percentile(sorted, 0), Is.EqualTo(1));
        Assert.That(Statistics.Percentile(sorted, 0.25), Is.EqualTo(1.75).Within(1e-12));
        Assert.That(Statistics.Percentile(sorted, 0.5), Is.EqualTo(3).Within(1e-12));
        Assert.That(Statistics.Percentile(sorted, 0.975), Is.EqualTo(7.7).Within(1e-12));
        Assert.That(Statistics.Percentile(sorted, 1), Is.EqualTo(8));
    }

    [Test]
    public void Interval_TwoSeeds_IsTheirRange()
    {
        // With n = 2 the IQM of a resample is its mean: a (p = 1/4), (a + b)/2 (1/2) or b (1/4). A quarter of the
        // replicates sit at each end, so both 2.5 % tails fall on them exactly.
        var interval = Statistics.IqmWithInterval([[-200.0, -120.0]]);
        Assert.That(interval, Is.EqualTo(new Interval(-160, -200, -120)));
    }

    [Test]
    public void Interval_AllSeedsEqual_CollapsesToThatValue()
    {
        var interval = Statistics.IqmWithInterval([[-150.5, -150.5, -150.5, -150.5, -150.5]]);
        Assert.That(interval, Is.EqualTo(new Interval(-150.5, -150.5, -150.5)));
    }

    [TestCase(new[] { -300.0, -180.0, -150.0, -140.0 })]
    [TestCase(new[] { -900.0, -180.0, -165.0, -150.0, -120.0 })]
    public void Interval_MatchesExactBootstrapDistribution(double[] scores)
    {
        // The oracle: every resample (i₁ … iₙ) ∈ {0 … n−1}ⁿ has probability n⁻ⁿ; its IQM by the closed form above.
        int n = scores.Length;
        var exact = new List<double>();
        var index = new int[n];
        for (int k = 0; k < (int)Math.Pow(n, n); k++)
        {
            for (int i = 0, rest = k; i < n; i++, rest /= n)
                index[i] = rest % n;
            exact.Add(Statistics.InterquartileMean(index.Select(i => scores[i]).ToArray()));
        }
        exact.Sort();
        double Quantile(double p) => exact[(int)Math.Ceiling(p * exact.Count) - 1]; // the smallest v with CDF(v) ≥ p

        var interval = Statistics.IqmWithInterval([scores]);
        Assert.That(interval.Value, Is.EqualTo(Statistics.InterquartileMean(scores)));
        // 10,000 Monte Carlo replicates put the 2.5 % quantile within a percent of its exact place (≈ 6 standard errors).
        Assert.That(interval.Low, Is.InRange(Quantile(0.015), Quantile(0.035)));
        Assert.That(interval.High, Is.InRange(Quantile(0.965), Quantile(0.985)));
        Assert.That(interval.Low, Is.LessThanOrEqualTo(interval.Value));
        Assert.That(interval.High, Is.GreaterThanOrEqualTo(interval.Value));
    }

    [Test]
    public void Interval_IsStratifiedPerTask()
    {
        // Task A's three runs all score 0, task B's all 10. Resampling within each task keeps three of each in every
        // replicate, whose IQM is always mean(0, 0, 10, 10) = 5; pooled resampling would vary from 0 to 10.
        var interval = Statistics.IqmWithInterval([[0.0, 0, 0], [10.0, 10, 10]]);
        Assert.That(interval, Is.EqualTo(new Interval(5, 5, 5)));
    }

    [Test]
    public void Interval_SameSeed_IsReproducible_OtherSeedDiffers()
    {
        double[] scores = [-310, -250, -170, -160, -130, -125, -119];
        Assert.That(Statistics.IqmWithInterval([scores], 2_000, 7), Is.EqualTo(Statistics.IqmWithInterval([scores], 2_000, 7)));
        Assert.That(Statistics.IqmWithInterval([scores], 2_000, 8), Is.Not.EqualTo(Statistics.IqmWithInterval([scores], 2_000, 7)));
    }

    [Test]
    public void Median_OddAndEven() =>
        Assert.That((Statistics.Median([3.0, 1, 2]), Statistics.Median([4.0, 1, 3, 2])), Is.EqualTo((2.0, 2.5)));
}
