using System.Globalization;
using System.Text;

namespace Sac.Core.Environments;

/// <summary>
/// A box in ℝⁿ: per-dimension closed bounds [low_i, high_i] held as float32, like Gymnasium's
/// <c>spaces.Box(low, high, dtype=np.float32)</c>. Describes observation and action spaces.
/// </summary>
public sealed class Box
{
    private readonly float[] _low;
    private readonly float[] _high;

    /// <summary>Creates a box from per-dimension bounds; the arrays are copied, so later changes to them do not leak in.</summary>
    /// <param name="low">Lower bounds, one per dimension; may be <see cref="float.NegativeInfinity"/>.</param>
    /// <param name="high">Upper bounds, one per dimension; may be <see cref="float.PositiveInfinity"/>.</param>
    /// <exception cref="ArgumentException">The lengths differ, are zero, a bound is NaN, or some low_i &gt; high_i.</exception>
    public Box(float[] low, float[] high)
    {
        ArgumentNullException.ThrowIfNull(low);
        ArgumentNullException.ThrowIfNull(high);
        if (low.Length != high.Length)
            throw new ArgumentException($"low has {low.Length} values but high has {high.Length}; a Box needs one (low, high) pair per dimension.", nameof(high));
        if (low.Length == 0)
            throw new ArgumentException("A Box needs at least one dimension.", nameof(low));
        for (int i = 0; i < low.Length; i++)
        {
            if (float.IsNaN(low[i]) || float.IsNaN(high[i]))
                throw new ArgumentException($"Bound {i} is NaN; bounds must be numbers (use ±Infinity for an unbounded dimension).", nameof(low));
            if (low[i] > high[i])
                throw new ArgumentException($"Dimension {i} has low {low[i]} > high {high[i]}.", nameof(low));
        }
        _low = (float[])low.Clone();
        _high = (float[])high.Clone();
    }

    /// <summary>The number of dimensions n (Gymnasium's <c>shape[0]</c>).</summary>
    public int Dimension => _low.Length;

    /// <summary>The lower bound of each dimension.</summary>
    public ReadOnlySpan<float> Low => _low;

    /// <summary>The upper bound of each dimension.</summary>
    public ReadOnlySpan<float> High => _high;

    /// <summary>
    /// Whether <paramref name="x"/> has exactly <see cref="Dimension"/> values and low_i ≤ x_i ≤ high_i for every i
    /// (so a NaN anywhere means "not contained").
    /// </summary>
    public bool Contains(ReadOnlySpan<float> x)
    {
        if (x.Length != _low.Length)
            return false;
        for (int i = 0; i < x.Length; i++)
        {
            // Written as a negated conjunction so that NaN, which fails every comparison, is rejected.
            if (!(x[i] >= _low[i] && x[i] <= _high[i]))
                return false;
        }
        return true;
    }

    /// <summary>True when <paramref name="other"/> has the same bounds, bit for bit.</summary>
    public bool SameAs(Box other) =>
        other is not null && _low.AsSpan().SequenceEqual(other._low) && _high.AsSpan().SequenceEqual(other._high);

    /// <summary>The box as <c>Box(n, low=[…], high=[…])</c>, with shortest round-trip numbers and <c>inf</c> for infinities;
    /// more than four equal bounds print as one number (<c>Box(348, low=-inf, high=inf)</c>).</summary>
    public override string ToString() => $"Box({Dimension}, low={Format(_low)}, high={Format(_high)})";

    private static string Format(float[] values)
    {
        // Many equal bounds (a MuJoCo observation: 348 × −inf) print once, as numpy broadcasts a scalar bound.
        if (values.Length > 4 && Array.TrueForAll(values, v => v.Equals(values[0])))
            return FormatNumber(values[0]);
        var text = new StringBuilder("[");
        for (int i = 0; i < values.Length; i++)
        {
            if (i > 0)
                text.Append(", ");
            text.Append(FormatNumber(values[i]));
        }
        return text.Append(']').ToString();
    }

    /// <summary>A number as messages show it: shortest round-trip invariant text, with numpy's <c>inf</c>/<c>-inf</c>/<c>nan</c>.</summary>
    internal static string FormatNumber(double value) => value switch
    {
        double.PositiveInfinity => "inf",
        double.NegativeInfinity => "-inf",
        double.NaN => "nan",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    /// <inheritdoc cref="FormatNumber(double)"/>
    internal static string FormatNumber(float value) => float.IsFinite(value)
        ? value.ToString("R", CultureInfo.InvariantCulture)
        : FormatNumber((double)value);
}
