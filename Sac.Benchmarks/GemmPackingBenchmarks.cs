using BenchmarkDotNet.Attributes;
using Sac.Kernels;

namespace Sac.Benchmarks;

/// <summary>
/// The BLIS packing routines on one 256×256 float operand: the overhead a 256³ GEMM pays before its micro-kernels run
/// (compare with <see cref="GemmBenchmarks"/>' 256³ rows). A is packed in MC = 240-row blocks, so one block is timed.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
public class GemmPackingBenchmarks
{
    private const int Size = 256;
    private const int MR = 6, NR = 16, MC = 240;
    private readonly float[] _source = Enumerable.Range(0, Size * Size).Select(i => (float)(i % 97)).ToArray();
    private readonly float[] _packed = new float[Size * Size];

    /// <summary>op(A) = Aᵀ (A stored k×m, the dW = Xᵀ·dY case): MR-row micro-panels of a 240×256 block.</summary>
    [Benchmark]
    public void PackATransposed() =>
        GemmPacking<float>.PackA(Transpose.Yes, Size, Size, _source, MR, 0, MC, 0, Size, _packed);

    /// <summary>op(B) = B (stored k×n): NR-column micro-panels, a copy.</summary>
    [Benchmark]
    public void PackB() =>
        GemmPacking<float>.PackB(Transpose.No, Size, Size, _source, NR, 0, Size, 0, Size, _packed);

    /// <summary>op(B) = Bᵀ (stored n×k, the dX = dY·Wᵀ case): NR-column micro-panels through 8×8 register transposes.</summary>
    [Benchmark]
    public void PackBTransposed() =>
        GemmPacking<float>.PackB(Transpose.Yes, Size, Size, _source, NR, 0, Size, 0, Size, _packed);
}
