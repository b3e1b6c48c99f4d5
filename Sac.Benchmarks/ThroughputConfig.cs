using BenchmarkDotNet.Configs;

namespace Sac.Benchmarks;

/// <summary>The default config plus the GFLOP/s column (the default config already exports GitHub markdown for docs/benchmarks.md).</summary>
public sealed class ThroughputConfig : ManualConfig
{
    /// <summary>Creates the config.</summary>
    public ThroughputConfig()
    {
        AddColumn(new GflopsColumn());
    }
}
