using Sac.Core;

namespace Sac.Cli.Reports;

/// <summary>A point estimate with its confidence interval.</summary>
/// <param name="Value">The statistic on the data.</param>
/// <param name="Low">Lower end of the interval.</param>
/// <param name="High">Upper end of the interval.</param>
public readonly record struct Interval(double Value, double Low, double High);

/// <summary>
/// The aggregate statistics of Agarwal et al., "Deep Reinforcement Learning at the Edge of the Statistical Precipice"
/// (NeurIPS 2021), as their library rliable computes them: the interquartile mean over runs, and its percentile
/// confidence interval from a stratified bootstrap (runs resampled with replacement within each task).
/// </summary>
public static class Statistics
{
    /// <summary>Bootstrap resamples of a table's interval (rliable's default is 2,000; more makes the ends steadier).</summary>
    public const int DefaultResamples = 10_000;

    /// <summary>The report's fixed bootstrap seed: the same runs always give the same intervals.</summary>
    public const ulong DefaultSeed = 0;

    /// <summary>
    /// IQM(x): the mean of the middle 50 % of the scores, exactly as rliable's <c>aggregate_iqm</c> =
    /// <c>scipy.stats.trim_mean(x, 0.25)</c>: sort, drop ⌊n/4⌋ scores from each end, average the rest (no fractional
    /// weights). So n = 2 or 3 averages all, n = 4 the middle 2, n = 5 the middle 3, n = 10 the middle 6.
    /// </summary>
    public static double InterquartileMean(ReadOnlySpan<double> scores)
    {
        if (scores.IsEmpty)
            throw new ArgumentException("The IQM of no scores is undefined.", nameof(scores));
        double[] sorted = scores.ToArray();
        Array.Sort(sorted);
        int cut = sorted.Length / 4; // scipy: int(proportiontocut * nobs)
        double sum = 0;
        for (int i = cut; i < sorted.Length - cut; i++)
            sum += sorted[i];
        return sum / (sorted.Length - 2 * cut);
    }

    /// <summary>The median (the mean of the two middle scores for an even count).</summary>
    public static double Median(ReadOnlySpan<double> scores) => Percentile(Sorted(scores), 0.5);

    /// <summary>
    /// The <paramref name="q"/>-quantile of ascending <paramref name="sorted"/>, interpolated linearly between order
    /// statistics at position q·(n − 1): numpy's default <c>np.percentile(…, method="linear")</c>, which rliable uses.
    /// </summary>
    public static double Percentile(IReadOnlyList<double> sorted, double q)
    {
        double position = q * (sorted.Count - 1);
        int below = (int)Math.Floor(position);
        int above = Math.Min(below + 1, sorted.Count - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }

    /// <summary>
    /// IQM over every run of every task, with its <paramref name="confidence"/> percentile interval by stratified bootstrap:
    /// each of <paramref name="resamples"/> replicates draws n_t runs with replacement from each task t's n_t runs, and the
    /// interval's ends are the (1 − c)/2 and (1 + c)/2 quantiles of the replicates' IQMs. Seeded, so reproducible.
    /// </summary>
    public static Interval IqmWithInterval(IReadOnlyList<double[]> tasks, int resamples = DefaultResamples, ulong seed = DefaultSeed, double confidence = 0.95)
    {
        if (tasks.Count == 0 || tasks.Any(t => t.Length == 0))
            throw new ArgumentException("Every task needs at least one run.", nameof(tasks));
        ArgumentOutOfRangeException.ThrowIfLessThan(resamples, 1);
        double[] all = tasks.SelectMany(t => t).ToArray();
        double value = InterquartileMean(all);
        var rng = new Rng(seed);
        var replicates = new double[resamples];
        var sample = new double[all.Length];
        for (int b = 0; b < resamples; b++)
        {
            int at = 0;
            foreach (var task in tasks)
                for (int i = 0; i < task.Length; i++)
                    sample[at++] = task[rng.NextInt(task.Length)];
            replicates[b] = InterquartileMean(sample);
        }
        Array.Sort(replicates);
        double tail = (1 - confidence) / 2;
        return new Interval(value, Percentile(replicates, tail), Percentile(replicates, 1 - tail));
    }

    private static double[] Sorted(ReadOnlySpan<double> scores)
    {
        if (scores.IsEmpty)
            throw new ArgumentException("No scores.", nameof(scores));
        double[] sorted = scores.ToArray();
        Array.Sort(sorted);
        return sorted;
    }
}
