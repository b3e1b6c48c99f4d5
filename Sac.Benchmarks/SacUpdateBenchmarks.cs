using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using Sac.Core;
using Sac.Core.Algorithms;

namespace Sac.Benchmarks;

/// <summary>
/// One full SAC gradient update (v1 and v2; small and large networks; 1 and 2 threads), including drawing the
/// update's noise, on a fixed batch. The PyTorch side of the comparison is bench/pytorch/sac_update.py (bench/compare.sh).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class SacUpdateBenchmarks : IFlopCounted
{
    private SoftActorCritic<float> _agent = null!;
    private SacBatch<float> _batch = null!;
    private Rng _noise = null!;

    /// <summary>Network configuration.</summary>
    [Params(UpdateConfig.Small, UpdateConfig.Large)]
    public UpdateConfig Network { get; set; }

    /// <summary>SAC version.</summary>
    [Params(SacVersion.V1, SacVersion.V2)]
    public SacVersion Algo { get; set; }

    /// <summary>Threads for the matrix products.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <inheritdoc/>
    public double FlopsPerInvocation(BenchmarkCase benchmark) => SacUpdateSetup.Flops(Network, Algo);

    /// <summary>Builds the agent and warms it up (the arena and gradient buffers are allocated here).</summary>
    [GlobalSetup]
    public void Setup()
    {
        (_agent, _batch, _noise) = SacUpdateSetup.Create(Network, Algo, Threads);
        for (int i = 0; i < 3; i++)
            Update();
    }

    /// <summary>One update.</summary>
    [Benchmark]
    public double Update()
    {
        _batch.DrawNoise(_noise, Threads);
        return _agent.Update(_batch).CriticLoss;
    }

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddColumn(new GflopsColumn(), new UpdatesPerSecondColumn());
        }
    }
}

/// <summary>Updates per second, from the mean time.</summary>
public sealed class UpdatesPerSecondColumn : ComputedColumn
{
    /// <inheritdoc/>
    public override string ColumnName => "updates/s";
    /// <inheritdoc/>
    public override string Legend => "Updates per second (1 / mean)";
    /// <inheritdoc/>
    protected override double? Compute(BenchmarkCase benchmarkCase, double meanNs) => 1e9 / meanNs;
}
