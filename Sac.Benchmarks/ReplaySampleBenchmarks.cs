using BenchmarkDotNet.Attributes;
using Sac.Core;
using Sac.Core.Algorithms;
using Sac.Core.Replay;

namespace Sac.Benchmarks;

/// <summary>Sampling a batch of 256 transitions uniformly from a full replay buffer into the preallocated batch tensors.</summary>
[MemoryDiagnoser]
public class ReplaySampleBenchmarks
{
    private ReplayBuffer _buffer = null!;
    private SacBatch<float> _batch = null!;
    private readonly Rng _rng = new(1);

    /// <summary>Network configuration (sets the observation and action sizes).</summary>
    [Params(UpdateConfig.Small, UpdateConfig.Large)]
    public UpdateConfig Network { get; set; }

    /// <summary>Stored transitions.</summary>
    [Params(100_000)]
    public int Capacity { get; set; }

    /// <summary>Fills a buffer with random transitions.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var (obs, act, _, batch) = SacUpdateSetup.Shape(Network);
        _buffer = new ReplayBuffer(Capacity, obs, act);
        var s = new float[obs];
        var a = new float[act];
        var s2 = new float[obs];
        for (int i = 0; i < Capacity; i++)
        {
            for (int j = 0; j < obs; j++) { s[j] = (float)_rng.Normal(); s2[j] = (float)_rng.Normal(); }
            for (int j = 0; j < act; j++) a[j] = (float)_rng.Uniform(-1, 1);
            _buffer.Add(s, a, (float)_rng.Normal(), s2, i % 100 == 0);
        }
        _batch = new SacBatch<float>(batch, obs, act);
    }

    /// <summary>One batch.</summary>
    [Benchmark]
    public float ReplaySample()
    {
        _buffer.Sample(_batch, _rng);
        return _batch.Rewards.Span[0];
    }
}
