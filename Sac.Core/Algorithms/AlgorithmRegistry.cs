using System.Numerics;

namespace Sac.Core.Algorithms;

/// <summary>The parameter counts of the networks an actor-critic is built from, for a given observation and action size
/// and <see cref="SacOptions.HiddenSizes"/>: what each algorithm's <see cref="AlgorithmInfo.Parameters"/> adds up.</summary>
/// <param name="Policy">s → [μ ‖ log σ] (2·dim(A) outputs).</param>
/// <param name="DeterministicPolicy">s → a (dim(A) outputs).</param>
/// <param name="Critic">(s, a) → Q.</param>
/// <param name="Value">s → V.</param>
public readonly record struct NetworkSizes(double Policy, double DeterministicPolicy, double Critic, double Value);

/// <summary>An algorithm's entry in <see cref="AlgorithmRegistry"/>: its names, what it logs, how to build it, and its
/// networks' sizes. Each algorithm's file declares its own.</summary>
/// <param name="version">The value of <see cref="SacOptions.Version"/> that selects it.</param>
/// <param name="name">Its name in config.json, sweep files and on the command line ("v1", "td3").</param>
/// <param name="summary">One line for --help.</param>
/// <param name="metrics">What its updates log, declared once each (the algorithm records them where it computes them).</param>
public abstract class AlgorithmInfo(SacVersion version, string name, string summary, IReadOnlyList<Metric> metrics)
{
    /// <summary>The value of <see cref="SacOptions.Version"/> that selects it.</summary>
    public SacVersion Version { get; } = version;

    /// <summary>Its name in config.json, sweep files and on the command line ("v1", "td3").</summary>
    public string Name { get; } = name;

    /// <summary>One line for --help.</summary>
    public string Summary { get; } = summary;

    /// <summary>What its updates log, declared once each.</summary>
    public IReadOnlyList<Metric> Metrics { get; } = metrics;

    /// <summary>A new agent with freshly initialized networks, drawn from <paramref name="rng"/>.</summary>
    public abstract Algorithm<T> Create<T>(int observationSize, int actionSize, SacOptions options, Rng rng) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>Parameters trained by an optimizer, and target parameters, for networks of <paramref name="sizes"/>.</summary>
    public abstract (double Trained, double Targets) Parameters(NetworkSizes sizes);
}

/// <summary>
/// Every algorithm Sac trains, declared once: a new one is its own file and one line here. The names ("v1", "v2",
/// "td3") are the algorithms' own; the CLI, config files and sweeps read them from here.
/// </summary>
public static class AlgorithmRegistry
{
    /// <summary>The algorithms, in the order --help lists them.</summary>
    public static IReadOnlyList<AlgorithmInfo> All { get; } =
    [
        new SacV1Info(),
        new SacV2Info(),
        new Td3Info(),
    ];

    /// <summary>Every metric name any algorithm logs, each once, in the order the algorithms declare them.</summary>
    public static IReadOnlyList<string> MetricNames { get; } = All.SelectMany(a => a.Metrics).Select(m => m.Name).Distinct().ToArray();

    /// <summary>The algorithm selected by <paramref name="version"/>; an <see cref="ArgumentException"/> for an unknown one.</summary>
    public static AlgorithmInfo For(SacVersion version) =>
        All.FirstOrDefault(a => a.Version == version) ?? throw new ArgumentException($"Unknown algorithm {version}; valid: {string.Join(", ", All.Select(a => a.Name))}.", nameof(version));

    /// <summary>The algorithm named <paramref name="name"/> ("v2"), or null.</summary>
    public static AlgorithmInfo? Find(string name) => All.FirstOrDefault(a => a.Name == name);

    /// <summary>A new agent of the algorithm <paramref name="options"/> selects.</summary>
    public static Algorithm<T> Create<T>(int observationSize, int actionSize, SacOptions options, Rng rng) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(options);
        return For(options.Version).Create<T>(observationSize, actionSize, options, rng);
    }
}
