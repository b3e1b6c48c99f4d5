using System.Numerics;

namespace Sac.Kernels;

/// <summary>
/// General matrix multiply on row-major spans: C = act(op(A)·op(B) + β·C + bias).
/// A is m×k as stored when <c>transA</c> is <see cref="Transpose.No"/>, and k×m (used as its transpose) otherwise;
/// B is k×n, or n×k when transposed; C is m×n. <c>bias</c>, when given, has n elements and is added to every row.
/// </summary>
/// <remarks>
/// Laid out in BLIS layers: <see cref="GemmReference"/> (the oracle), <c>GemmPacking</c>, <c>GemmMacroKernel</c>
/// (loops 2 and 1), <c>GemmDriver</c> (loops 5, 4 and 3, the path choice and the thread split) and the micro-kernels
/// <c>MicroKernel6x16Avx2</c>, <c>MicroKernel8x32Avx512</c> and <c>MicroKernel4x4Scalar</c>, picked by
/// <see cref="KernelIsa.Active"/>. Blocking constants come from <c>GemmBlocking</c>. Shapes the tiles would waste go
/// elsewhere: m = 1 or n = 1 to <c>GemmGemv</c>, k = 1 to <c>GemmRankOne</c>; small k reads A in place.
/// </remarks>
public static partial class Gemm
{
    /// <summary>
    /// Effectively computes C = act(op(A)·op(B) + β·C + bias), β = 0 for <see cref="GemmOutput.Overwrite"/> and 1 for
    /// <see cref="GemmOutput.Accumulate"/>. Allocates nothing. With <paramref name="threads"/> &gt; 1 the work is split
    /// over output tiles; every element is summed in the same order whatever the thread count, so results are bitwise
    /// identical for any <paramref name="threads"/>.
    /// </summary>
    public static unsafe void Multiply<T>(
        Transpose transA, Transpose transB, int m, int n, int k,
        ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c,
        GemmOutput output = GemmOutput.Overwrite, ReadOnlySpan<T> bias = default, Activation activation = Activation.None,
        int threads = 1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckArguments(transA, transB, m, n, k, a, b, c, bias);
        if (threads < 1)
            throw new ArgumentOutOfRangeException(nameof(threads), threads, "The thread count must be at least 1.");
        if (m == 0 || n == 0)
            return;
        fixed (T* pa = a)
        fixed (T* pb = b)
        fixed (T* pc = c)
        fixed (T* pbias = bias)
        {
            // An empty bias pins to null, which is how the kernels spell "no bias".
            var args = new GemmArgs<T>(transA, transB, m, n, k, pa, pb, pc, pbias, output, activation);
            switch (KernelIsa.Active)
            {
                case Isa.Avx512:
                    GemmDriver<T, MicroKernel8x32Avx512<T>>.Multiply(args, threads);
                    break;
                case Isa.Avx2:
                    GemmDriver<T, MicroKernel6x16Avx2<T>>.Multiply(args, threads);
                    break;
                default:
                    GemmDriver<T, MicroKernel4x4Scalar<T>>.Multiply(args, threads);
                    break;
            }
        }
    }

    /// <summary>Throws a clear <see cref="ArgumentException"/> when the spans cannot hold the matrices the sizes describe.</summary>
    internal static void CheckArguments<T>(
        Transpose transA, Transpose transB, int m, int n, int k,
        ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, ReadOnlySpan<T> bias)
    {
        if (m < 0 || n < 0 || k < 0)
            throw new ArgumentOutOfRangeException(nameof(m), $"GEMM sizes must be non-negative, got m={m}, n={n}, k={k}.");
        if (a.Length < (long)m * k)
            throw new ArgumentException($"A holds {a.Length} elements but op(A) is {m}x{k} ({(transA == Transpose.No ? "stored m×k" : "stored k×m")}).", nameof(a));
        if (b.Length < (long)k * n)
            throw new ArgumentException($"B holds {b.Length} elements but op(B) is {k}x{n} ({(transB == Transpose.No ? "stored k×n" : "stored n×k")}).", nameof(b));
        if (c.Length < (long)m * n)
            throw new ArgumentException($"C holds {c.Length} elements but must be {m}x{n}.", nameof(c));
        if (!bias.IsEmpty && bias.Length != n)
            throw new ArgumentException($"The bias holds {bias.Length} elements but C has {n} columns.", nameof(bias));
    }
}
