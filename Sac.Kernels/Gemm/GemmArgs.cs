using System.Numerics;

namespace Sac.Kernels;

/// <summary>
/// One GEMM call, pinned: pointers, sizes and strides. op(A)(i, p) is at <c>A[i·ARowStride + p·AKStride]</c> and
/// op(B)(p, j) at <c>B[p·BKStride + j·BColStride]</c>, which is how the packing absorbs both transposes.
/// </summary>
internal unsafe struct GemmArgs<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public T* A;
    public T* B;
    public T* C;
    /// <summary>n elements, or null for no bias.</summary>
    public T* Bias;
    public int M;
    public int N;
    public int K;
    public nint ARowStride;
    public nint AKStride;
    public nint BKStride;
    public nint BColStride;
    public bool Accumulate;
    public bool Relu;

    public GemmArgs(Transpose transA, Transpose transB, int m, int n, int k, T* a, T* b, T* c, T* bias, GemmOutput output, Activation activation)
    {
        A = a;
        B = b;
        C = c;
        Bias = bias;
        M = m;
        N = n;
        K = k;
        // A stored m×k: rows k apart, k steps adjacent; stored k×m (op(A) = Aᵀ): the other way round.
        ARowStride = transA == Transpose.No ? k : 1;
        AKStride = transA == Transpose.No ? 1 : m;
        // B stored k×n: k steps n apart, columns adjacent; stored n×k (op(B) = Bᵀ): the other way round.
        BKStride = transB == Transpose.No ? n : 1;
        BColStride = transB == Transpose.No ? 1 : k;
        Accumulate = output == GemmOutput.Accumulate;
        Relu = activation == Activation.Relu;
    }
}
