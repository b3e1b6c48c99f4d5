using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using Sac.Kernels;

namespace Sac.Benchmarks;

/// <summary>One GEMM problem as benchmarked: C (m×n) = op(A)·op(B) (+ C for the weight gradients), on some threads.</summary>
/// <param name="Name">What the shape is in SAC (256-unit hidden layers, batch 256, obs + act = 23).</param>
public sealed record GemmShape(string Name, int M, int N, int K, Transpose TransA, Transpose TransB, GemmOutput Output, int Threads)
{
    /// <summary>FLOPs of one call: an FMA per (i, j, p) counts 2.</summary>
    public double Flops => 2.0 * M * N * K;

    /// <summary>How BenchmarkDotNet prints the parameter: short enough for its 20-character column ("256x256x256 NN 2T").</summary>
    public override string ToString() =>
        $"{M}x{N}x{K} {(TransA == Transpose.No ? "N" : "T")}{(TransB == Transpose.No ? "N" : "T")}{(Threads > 1 ? $" {Threads}T" : "")}";
}

/// <summary>
/// Sac's GEMM on the shapes a SAC update runs (float, 256-unit layers, batch 256), against the naive triple loop
/// (<see cref="GemmReference"/>) as the baseline. Fraction of peak: divide GFLOP/s by
/// <see cref="FmaPeakBenchmarks.FmaPeak256"/> from the same run (× threads). See docs/benchmarks.md.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
public class GemmBenchmarks : IFlopCounted
{
    private float[] _a = [], _b = [], _c = [];

    /// <summary>The shapes: forward, weight gradient (dW = Xᵀ·dY, TN, accumulated) and input gradient (dX = dY·Wᵀ, NT).</summary>
    public static IEnumerable<GemmShape> Shapes =>
    [
        new("square", 256, 256, 256, Transpose.No, Transpose.No, GemmOutput.Overwrite, 1),
        new("fwd layer 1", 256, 256, 23, Transpose.No, Transpose.No, GemmOutput.Overwrite, 1),
        new("fwd layer 1, Pendulum", 256, 256, 4, Transpose.No, Transpose.No, GemmOutput.Overwrite, 1),
        new("fwd V/Q head", 256, 1, 256, Transpose.No, Transpose.No, GemmOutput.Overwrite, 1),
        new("fwd policy head", 256, 12, 256, Transpose.No, Transpose.No, GemmOutput.Overwrite, 1),
        new("dW layer 1", 23, 256, 256, Transpose.Yes, Transpose.No, GemmOutput.Accumulate, 1),
        new("dW policy head", 256, 12, 256, Transpose.Yes, Transpose.No, GemmOutput.Accumulate, 1),
        new("dW hidden", 256, 256, 256, Transpose.Yes, Transpose.No, GemmOutput.Accumulate, 1),
        new("dX hidden", 256, 256, 256, Transpose.No, Transpose.Yes, GemmOutput.Overwrite, 1),
        new("dX of head (k=1)", 256, 256, 1, Transpose.No, Transpose.Yes, GemmOutput.Overwrite, 1),
        new("square", 256, 256, 256, Transpose.No, Transpose.No, GemmOutput.Overwrite, 2),
        // The small network's hidden layer (2×64) as one shard of a 256 batch runs it: 128 rows.
        new("small fwd hidden", 128, 64, 64, Transpose.No, Transpose.No, GemmOutput.Overwrite, 1),
        new("small dW hidden", 64, 64, 128, Transpose.Yes, Transpose.No, GemmOutput.Accumulate, 1),
        new("small dX hidden", 128, 64, 64, Transpose.No, Transpose.Yes, GemmOutput.Overwrite, 1),
    ];

    /// <summary>The shape of this case.</summary>
    [ParamsSource(nameof(Shapes))]
    public GemmShape Shape { get; set; } = Shapes.First();

    /// <inheritdoc/>
    public double FlopsPerInvocation(BenchmarkCase benchmark) => Shape.Flops;

    /// <summary>Fills A, B and C with fixed-seed values in [-1, 1).</summary>
    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(42);
        _a = Enumerable.Range(0, Shape.M * Shape.K).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        _b = Enumerable.Range(0, Shape.K * Shape.N).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        _c = Enumerable.Range(0, Shape.M * Shape.N).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
    }

    /// <summary>The naive triple loop: the test oracle, always on one thread.</summary>
    [Benchmark(Baseline = true)]
    public void Naive() =>
        GemmReference.Multiply<float>(Shape.TransA, Shape.TransB, Shape.M, Shape.N, Shape.K, _a, _b, _c, Shape.Output);

    /// <summary>Sac's packed, blocked GEMM on <see cref="GemmShape.Threads"/> threads.</summary>
    [Benchmark]
    public void SacGemm() =>
        Gemm.Multiply<float>(Shape.TransA, Shape.TransB, Shape.M, Shape.N, Shape.K, _a, _b, _c, Shape.Output, threads: Shape.Threads);
}
