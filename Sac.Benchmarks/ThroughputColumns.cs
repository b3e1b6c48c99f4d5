using System.Globalization;
using System.Reflection;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Sac.Benchmarks;

/// <summary>
/// A benchmark class that can say how many floating-point operations one invocation of a benchmark performs.
/// The count is written once, in code, next to the benchmark (see each suite for how it is derived).
/// </summary>
public interface IFlopCounted
{
    /// <summary>FLOPs (a fused multiply-add counts 2) performed by one invocation of <paramref name="benchmark"/>.</summary>
    double FlopsPerInvocation(BenchmarkCase benchmark);
}

/// <summary>A numeric summary column computed from a benchmark case and its mean time in nanoseconds.</summary>
public abstract class ComputedColumn : IColumn
{
    /// <inheritdoc/>
    public string Id => GetType().Name;
    /// <inheritdoc/>
    public abstract string ColumnName { get; }
    /// <inheritdoc/>
    public abstract string Legend { get; }
    /// <inheritdoc/>
    public bool AlwaysShow => true;
    /// <inheritdoc/>
    public ColumnCategory Category => ColumnCategory.Custom;
    /// <inheritdoc/>
    public int PriorityInCategory => 0;
    /// <inheritdoc/>
    public bool IsNumeric => true;
    /// <inheritdoc/>
    public UnitType UnitType => UnitType.Dimensionless;
    /// <inheritdoc/>
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    /// <inheritdoc/>
    public bool IsAvailable(Summary summary) => true;
    /// <inheritdoc/>
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    /// <inheritdoc/>
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        double? meanNs = summary[benchmarkCase]?.ResultStatistics?.Mean;
        double? value = meanNs is > 0 ? Compute(benchmarkCase, meanNs.Value) : null;
        return value is double v ? v.ToString("F1", CultureInfo.InvariantCulture) : "-";
    }

    /// <summary>The column's value for a case whose mean time is <paramref name="meanNs"/>, or null if it has none.</summary>
    protected abstract double? Compute(BenchmarkCase benchmarkCase, double meanNs);
}

/// <summary>Adds "GFLOP/s" (from <see cref="IFlopCounted"/> and the measured mean) to a summary.</summary>
public sealed class GflopsColumn : ComputedColumn
{
    /// <inheritdoc/>
    public override string ColumnName => "GFLOP/s";
    /// <inheritdoc/>
    public override string Legend => "Achieved billions of floating-point operations per second (an FMA counts 2), from the mean time";

    /// <inheritdoc/>
    protected override double? Compute(BenchmarkCase benchmarkCase, double meanNs) => Flops(benchmarkCase) / meanNs;

    /// <summary>Asks a fresh instance of the benchmark class, with the case's parameters set, for its FLOP count.</summary>
    internal static double? Flops(BenchmarkCase benchmarkCase)
    {
        var type = benchmarkCase.Descriptor.Type;
        if (!typeof(IFlopCounted).IsAssignableFrom(type))
            return null;
        var instance = (IFlopCounted)Activator.CreateInstance(type)!;
        foreach (var parameter in benchmarkCase.Parameters.Items)
        {
            var member = type.GetMember(parameter.Name, BindingFlags.Public | BindingFlags.Instance).FirstOrDefault();
            switch (member)
            {
                case PropertyInfo p: p.SetValue(instance, parameter.Value); break;
                case FieldInfo f: f.SetValue(instance, parameter.Value); break;
            }
        }
        return instance.FlopsPerInvocation(benchmarkCase);
    }
}
