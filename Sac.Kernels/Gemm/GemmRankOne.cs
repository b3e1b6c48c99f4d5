using System.Numerics;
using System.Runtime.Intrinsics;

namespace Sac.Kernels;

/// <summary>
/// The k = 1 GEMM (SAC's dX of a head: dY (m×1) · w (1×n)), an outer product: nothing to sum, so nothing to pack or tile,
/// only one pass of stores over C. The epilogue flags are type arguments (<see cref="IFlag"/>), because with a single
/// multiply per element a branch per flag per vector would cost more than the arithmetic.
/// </summary>
internal static unsafe class GemmRankOne<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// Effectively computes C[i, j] = act(a[i]·b[j] + β·C[i, j] + bias[j]) for i in [i0, i1), j in [j0, j1): the k = 1
    /// product, one pass of stores over C with no tiles and no packing.
    /// </summary>
    public static void Run(bool vectorized, T* a, T* b, T* c, nint ldc, int i0, int i1, int j0, int j1,
        T* bias, bool accumulate, bool relu)
    {
        if (accumulate)
            Run<On>(vectorized, a, b, c, ldc, i0, i1, j0, j1, bias, relu);
        else
            Run<Off>(vectorized, a, b, c, ldc, i0, i1, j0, j1, bias, relu);
    }

    private static void Run<TAccumulate>(bool vectorized, T* a, T* b, T* c, nint ldc, int i0, int i1, int j0, int j1, T* bias, bool relu)
        where TAccumulate : struct, IFlag
    {
        if (bias != null)
            Run<TAccumulate, On>(vectorized, a, b, c, ldc, i0, i1, j0, j1, bias, relu);
        else
            Run<TAccumulate, Off>(vectorized, a, b, c, ldc, i0, i1, j0, j1, bias, relu);
    }

    private static void Run<TAccumulate, TBias>(bool vectorized, T* a, T* b, T* c, nint ldc, int i0, int i1, int j0, int j1, T* bias, bool relu)
        where TAccumulate : struct, IFlag
        where TBias : struct, IFlag
    {
        if (relu)
            Run<TAccumulate, TBias, On>(vectorized, a, b, c, ldc, i0, i1, j0, j1, bias);
        else
            Run<TAccumulate, TBias, Off>(vectorized, a, b, c, ldc, i0, i1, j0, j1, bias);
    }

    private static void Run<TAccumulate, TBias, TRelu>(bool vectorized, T* a, T* b, T* c, nint ldc, int i0, int i1, int j0, int j1, T* bias)
        where TAccumulate : struct, IFlag
        where TBias : struct, IFlag
        where TRelu : struct, IFlag
    {
        int w = Vector256<T>.Count;
        for (int i = i0; i < i1; i++)
        {
            T* ci = c + i * ldc;
            int j = j0;
            if (vectorized)
            {
                Vector256<T> ai = Vector256.Create(a[i]);
                for (; j + w <= j1; j += w)
                {
                    Vector256<T> x = ai * Vector256.Load(b + j);
                    if (TAccumulate.On)
                        x += Vector256.Load(ci + j);
                    if (TBias.On)
                        x += Vector256.Load(bias + j);
                    if (TRelu.On)
                        x = Vector256.Max(x, Vector256<T>.Zero);
                    x.Store(ci + j);
                }
            }
            for (; j < j1; j++)
                ci[j] = GemmEpilogue<T>.Finish(a[i] * b[j], ci[j], TBias.On ? bias[j] : T.Zero, TAccumulate.On, TRelu.On);
        }
    }
}
