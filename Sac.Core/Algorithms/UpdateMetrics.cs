namespace Sac.Core.Algorithms;

/// <summary>How a metric recorded on each shard of an update becomes the update's value.</summary>
public enum MetricReduction
{
    /// <summary>The shards' values added (losses: each shard's is already its rows' sum scaled by 1/B).</summary>
    Sum,

    /// <summary>The shards' sums added and divided by the batch size B (a mean over the batch, e.g. mean log π).</summary>
    BatchMean,
}

/// <summary>
/// A logged quantity of an update, declared once: in <see cref="SharedMetrics"/> when several algorithms log it, else
/// in the file of the one algorithm that does. An algorithm lists the metrics it logs (<see cref="AlgorithmInfo.Metrics"/>)
/// and records each by name where it computes it.
/// </summary>
/// <param name="Name">Its logger key, Stable-Baselines3's where SB3 logs the same quantity ("train/critic_loss").</param>
/// <param name="Reduction">How shard values combine.</param>
public readonly record struct Metric(string Name, MetricReduction Reduction);

/// <summary>The metrics more than one algorithm logs, each declared once, by SB3's keys where SB3 logs the same quantity.</summary>
public static class SharedMetrics
{
    /// <summary>J_Q, the critics' loss (SB3's key).</summary>
    public static readonly Metric CriticLoss = new("train/critic_loss", MetricReduction.Sum);

    /// <summary>J_π, the policy's loss (SB3's key).</summary>
    public static readonly Metric ActorLoss = new("train/actor_loss", MetricReduction.Sum);

    /// <summary>α, the temperature the update used (SB3's key).</summary>
    public static readonly Metric Alpha = new("train/ent_coef", MetricReduction.Sum);

    /// <summary>The batch mean of log π(ã|s) in the actor step (Sac's own key: SB3 logs no such value).</summary>
    public static readonly Metric LogProb = new("train/log_prob_mean", MetricReduction.BatchMean);

    /// <summary>The batch mean of min_i Q_θi(s, ã) in the actor step (Sac's own key: SB3 logs no such value).</summary>
    public static readonly Metric Q = new("train/q_mean", MetricReduction.BatchMean);
}

/// <summary>
/// What an update measured, by name, as SB3's <c>logger.record("train/critic_loss", …)</c> keeps it: the algorithm records
/// each value where it computes it, and the log writer writes what arrives. A value the update did not compute (TD3's
/// actor loss on an update without an actor step, a learned α's loss when α is fixed) is NaN. Preallocated: an update
/// fills it in place.
/// </summary>
public sealed class UpdateMetrics
{
    private readonly double[] _values;

    /// <summary>Creates an empty set (every value NaN) of the metrics named <paramref name="names"/>, in that order.</summary>
    public UpdateMetrics(IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        if (names.Distinct(StringComparer.Ordinal).Count() != names.Count)
            throw new ArgumentException($"A metric name is given twice: {string.Join(", ", names)}.", nameof(names));
        Names = names.ToArray();
        _values = new double[names.Count];
        Clear();
    }

    /// <summary>The metric names, in declaration order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The values, aligned with <see cref="Names"/>.</summary>
    public ReadOnlySpan<double> Values => _values;

    /// <summary>The value of metric <paramref name="name"/>; a <see cref="KeyNotFoundException"/> if it is not one of these.</summary>
    public double this[string name] => TryGet(name, out double value) ? value : throw new KeyNotFoundException($"No metric '{name}'; these are {string.Join(", ", Names)}.");

    /// <summary>The value of metric <paramref name="name"/>, if it is one of these.</summary>
    public bool TryGet(string name, out double value)
    {
        int i = IndexOf(name);
        value = i >= 0 ? _values[i] : double.NaN;
        return i >= 0;
    }

    /// <summary>Sets metric <paramref name="metric"/>, which must be one of these.</summary>
    public void Set(Metric metric, double value)
    {
        int i = IndexOf(metric.Name);
        if (i < 0)
            throw new KeyNotFoundException($"No metric '{metric.Name}'; these are {string.Join(", ", Names)}.");
        _values[i] = value;
    }

    /// <summary>Sets the metric named <paramref name="name"/> (when restoring a checkpoint); unknown names are ignored.</summary>
    public void Set(string name, double value)
    {
        int i = IndexOf(name);
        if (i >= 0)
            _values[i] = value;
    }

    /// <summary>The position of <paramref name="name"/> in <see cref="Names"/>, or −1 (names are distinct: at most one).</summary>
    private int IndexOf(string name)
    {
        for (int i = 0; i < Names.Count; i++)
            if (Names[i] == name)
                return i;
        return -1;
    }

    /// <summary>Every value back to NaN.</summary>
    public void Clear() => _values.AsSpan().Fill(double.NaN);

    /// <summary>Copies <paramref name="other"/>'s values (the same metrics) into this set, without allocating.</summary>
    public void CopyFrom(UpdateMetrics other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (!other.Names.SequenceEqual(Names))
            throw new ArgumentException("The two metric sets name different metrics.", nameof(other));
        other._values.CopyTo(_values, 0);
    }
}
