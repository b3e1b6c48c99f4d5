using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Exporters;

namespace Sac.Benchmarks;

/// <summary>The default config plus the GFLOP/s column and a GitHub-markdown export (for docs/benchmarks.md).</summary>
public sealed class ThroughputConfig : ManualConfig
{
    /// <summary>Creates the config.</summary>
    public ThroughputConfig()
    {
        AddColumn(new GflopsColumn());
        AddExporter(MarkdownExporter.GitHub);
    }
}
