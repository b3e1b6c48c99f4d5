using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using Sac.Core;
using Sac.Core.Algorithms;
using Sac.Kernels.Threading;

namespace Sac.Benchmarks;

/// <summary>
/// One full SAC gradient update (v1 and v2; small and large networks; 1 and 2 threads), including drawing the
/// update's noise, on a fixed batch. The PyTorch side of the comparison is bench/pytorch/sac_update.py (bench/compare.sh).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class SacUpdateBenchmarks : IFlopCounted
{
    private Algorithm<float> _agent = null!;
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
        return _agent.Update(_batch).Values[0]; // J_Q: the first metric of every algorithm
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

/// <summary>
/// The ceiling for "2 threads / 1" of <see cref="SacUpdateBenchmarks"/> on this machine: two independent agents, each
/// updating on its own thread (the caller and one <see cref="Sac.Kernels.Threading.WorkerPool"/> worker, as the update's
/// shards run), with nothing shared and no join but the last. Its throughput over one thread's is what two cores give
/// this workload, memory and caches included, in the same run; <see cref="FmaPeakBenchmarks"/>' two-core loops give the
/// same for work that needs no memory.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
public class SacUpdateCeilingBenchmarks : IFlopCounted
{
    private readonly TwoAgentsJob _job = new();

    /// <summary>Network configuration.</summary>
    [Params(UpdateConfig.Small, UpdateConfig.Large)]
    public UpdateConfig Network { get; set; }

    /// <summary>SAC version.</summary>
    [Params(SacVersion.V1, SacVersion.V2)]
    public SacVersion Algo { get; set; }

    /// <inheritdoc/>
    public double FlopsPerInvocation(BenchmarkCase benchmark) => 2 * SacUpdateSetup.Flops(Network, Algo);

    /// <summary>Builds the two agents (one thread each) and warms them up.</summary>
    [GlobalSetup]
    public void Setup()
    {
        for (int i = 0; i < 2; i++)
            _job.Agents[i] = SacUpdateSetup.Create(Network, Algo, threads: 1);
        for (int i = 0; i < 3; i++)
            TwoIndependentUpdates();
    }

    /// <summary>One update of each agent, at once.</summary>
    [Benchmark]
    public double TwoIndependentUpdates()
    {
        WorkerPool.Shared.Run(_job, 2);
        return _job.Losses[0] + _job.Losses[1];
    }

    private sealed class TwoAgentsJob : WorkerJob
    {
        public readonly (Algorithm<float> Agent, SacBatch<float> Batch, Rng Noise)[] Agents = new (Algorithm<float>, SacBatch<float>, Rng)[2];
        public readonly double[] Losses = new double[2];

        public override void Execute(int part, int parts)
        {
            var (agent, batch, noise) = Agents[part];
            batch.DrawNoise(noise);
            Losses[part] = agent.Update(batch).Values[0];
        }
    }
}
