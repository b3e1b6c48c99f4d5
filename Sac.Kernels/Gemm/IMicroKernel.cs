using System.Numerics;

namespace Sac.Kernels;

/// <summary>
/// A GEMM micro-kernel: the innermost BLIS layer. It computes one MR×NR tile of C in registers,
/// C_tile = act(A_panel·B_panel + β·C_tile + bias), from an MR×kc micro-panel of op(A) and a kc×NR micro-panel of op(B).
/// Implemented by structs so the driver, generic over the kernel, is specialised (and MR/NR folded) per kernel by the JIT.
/// </summary>
/// <remarks>
/// Operand layouts (strides in elements): op(A)(i, p) is at <c>a[i·rsA + p·csA]</c>, so the same kernel reads a packed
/// micro-panel (rsA = 1, csA = MR) or A in place (row-major: rsA = lda, csA = 1; stored transposed: rsA = 1, csA = lda).
/// op(B)(p, j) is at <c>b[p·rsB + j]</c>: NR contiguous elements per k step, packed (rsB = NR) or in place (rsB = ldb).
/// </remarks>
internal unsafe interface IMicroKernel<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Rows of the C tile.</summary>
    static abstract int MR { get; }

    /// <summary>Columns of the C tile.</summary>
    static abstract int NR { get; }

    /// <summary>The instruction set the kernel needs; also picks the matching GEMV and packing code.</summary>
    static abstract Isa Isa { get; }

    /// <summary>
    /// Effectively computes C[0..MR, 0..NR] = act(Σ_p op(A)(i, p)·op(B)(p, j) + (accumulate ? C : 0) + bias[j]),
    /// summing p = 0..kc-1 in ascending order, then adding C, then the bias, then applying ReLU.
    /// </summary>
    /// <param name="kc">Depth of the micro-panels (may be 0).</param>
    /// <param name="a">op(A)(0, 0) of the micro-panel.</param>
    /// <param name="rsA">Stride between rows of op(A).</param>
    /// <param name="csA">Stride between columns (k steps) of op(A).</param>
    /// <param name="b">op(B)(0, 0) of the micro-panel; NR contiguous elements per k step.</param>
    /// <param name="rsB">Stride between rows (k steps) of op(B).</param>
    /// <param name="c">C(0, 0) of the tile.</param>
    /// <param name="ldc">Stride between rows of C.</param>
    /// <param name="bias">NR bias elements, or null for none.</param>
    /// <param name="accumulate">β = 1 when true, β = 0 (C is ignored, may be NaN) when false.</param>
    /// <param name="relu">Apply max(x, 0) last.</param>
    static abstract void Run(int kc, T* a, nint rsA, nint csA, T* b, nint rsB, T* c, nint ldc, T* bias, bool accumulate, bool relu);
}
