using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using Sac.Kernels.Threading;

namespace Sac.Benchmarks;

/// <summary>
/// This machine's single-core FMA peak: 12 independent accumulator chains of vector FMAs, so the FMA pipes are
/// never waiting on a previous result (latency 4 cycles × 2 pipes needs at least 8 chains in flight).
/// "Fraction of peak" for GEMM and the SAC update divides by the GFLOP/s this reports in the same run.
/// The two-core variants run the same loop on both cores at once (through <see cref="WorkerPool"/>, as the update's
/// shards are): their ratio to the one-core figure is what two threads can give work that needs no memory at all, on
/// this machine in this run, the ceiling for "2 threads / 1" of the SAC update.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
public class FmaPeakBenchmarks : IFlopCounted
{
    private const int Iterations = 1 << 20;
    private const int Chains = 12;

    /// <inheritdoc/>
    public double FlopsPerInvocation(BenchmarkCase benchmark) => benchmark.Descriptor.WorkloadMethod.Name switch
    {
        nameof(FmaPeak256) => 2.0 * Iterations * Chains * Vector256<float>.Count,
        nameof(FmaPeak512) => 2.0 * Iterations * Chains * Vector512<float>.Count,
        nameof(FmaPeak256TwoCores) => 2 * 2.0 * Iterations * Chains * Vector256<float>.Count,
        nameof(FmaPeak512TwoCores) => 2 * 2.0 * Iterations * Chains * Vector512<float>.Count,
        _ => throw new ArgumentOutOfRangeException(nameof(benchmark)),
    };

    /// <summary>Vector256 FMAs (AVX2+FMA).</summary>
    [Benchmark]
    public float FmaPeak256() => Run256(Vector256.Create(0.999f), Vector256.Create(1e-3f));

    /// <summary>Vector512 FMAs (AVX-512; emulated, and so not a peak, where the CPU does not report AVX-512).</summary>
    [Benchmark]
    public float FmaPeak512() => Run512(Vector512.Create(0.999f), Vector512.Create(1e-3f));

    /// <summary>Vector256 FMAs on two cores at once, one loop of <see cref="FmaPeak256"/> each.</summary>
    [Benchmark]
    public float FmaPeak256TwoCores() => _twoCores.Run(wide: false);

    /// <summary>Vector512 FMAs on two cores at once, one loop of <see cref="FmaPeak512"/> each.</summary>
    [Benchmark]
    public float FmaPeak512TwoCores() => _twoCores.Run(wide: true);

    private readonly TwoCoresJob _twoCores = new();

    /// <summary>Runs one FMA loop on each of two threads (the caller and one pool worker) and waits for both.</summary>
    private sealed class TwoCoresJob : WorkerJob
    {
        private readonly float[] _results = new float[2];
        private bool _wide;

        public float Run(bool wide)
        {
            _wide = wide;
            WorkerPool.Shared.Run(this, 2);
            return _results[0] + _results[1];
        }

        public override void Execute(int part, int parts) =>
            _results[part] = _wide ? Run512(Vector512.Create(0.999f), Vector512.Create(1e-3f)) : Run256(Vector256.Create(0.999f), Vector256.Create(1e-3f));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Run256(Vector256<float> a, Vector256<float> b)
    {
        Vector256<float> c0 = b, c1 = b, c2 = b, c3 = b, c4 = b, c5 = b, c6 = b, c7 = b, c8 = b, c9 = b, c10 = b, c11 = b;
        for (int i = 0; i < Iterations; i++)
        {
            c0 = Vector256.FusedMultiplyAdd(c0, a, b); c1 = Vector256.FusedMultiplyAdd(c1, a, b);
            c2 = Vector256.FusedMultiplyAdd(c2, a, b); c3 = Vector256.FusedMultiplyAdd(c3, a, b);
            c4 = Vector256.FusedMultiplyAdd(c4, a, b); c5 = Vector256.FusedMultiplyAdd(c5, a, b);
            c6 = Vector256.FusedMultiplyAdd(c6, a, b); c7 = Vector256.FusedMultiplyAdd(c7, a, b);
            c8 = Vector256.FusedMultiplyAdd(c8, a, b); c9 = Vector256.FusedMultiplyAdd(c9, a, b);
            c10 = Vector256.FusedMultiplyAdd(c10, a, b); c11 = Vector256.FusedMultiplyAdd(c11, a, b);
        }
        return Vector256.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Run512(Vector512<float> a, Vector512<float> b)
    {
        Vector512<float> c0 = b, c1 = b, c2 = b, c3 = b, c4 = b, c5 = b, c6 = b, c7 = b, c8 = b, c9 = b, c10 = b, c11 = b;
        for (int i = 0; i < Iterations; i++)
        {
            c0 = Vector512.FusedMultiplyAdd(c0, a, b); c1 = Vector512.FusedMultiplyAdd(c1, a, b);
            c2 = Vector512.FusedMultiplyAdd(c2, a, b); c3 = Vector512.FusedMultiplyAdd(c3, a, b);
            c4 = Vector512.FusedMultiplyAdd(c4, a, b); c5 = Vector512.FusedMultiplyAdd(c5, a, b);
            c6 = Vector512.FusedMultiplyAdd(c6, a, b); c7 = Vector512.FusedMultiplyAdd(c7, a, b);
            c8 = Vector512.FusedMultiplyAdd(c8, a, b); c9 = Vector512.FusedMultiplyAdd(c9, a, b);
            c10 = Vector512.FusedMultiplyAdd(c10, a, b); c11 = Vector512.FusedMultiplyAdd(c11, a, b);
        }
        return Vector512.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }
}
