using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Sac.Kernels;

/// <summary>
/// The AVX-512 micro-kernel: an 8×32 float (8×16 double) tile, 8 rows × two Vector512 of C. 16 accumulators + 2 B
/// vectors + 1 broadcast = 19 of the 32 zmm registers; per k step 2 loads, 8 broadcasts, 16 FMAs (8 cycles on two
/// 512-bit FMA pipes, enough independent chains to hide the 4-cycle FMA latency).
/// </summary>
/// <remarks>NOTE: on a machine without AVX-512 (Zen 3) this kernel runs only under <see cref="KernelIsa.Force"/>, on the
/// runtime's software Vector512: correct but slow, and never a speed claim.</remarks>
internal readonly unsafe struct MicroKernel8x32Avx512<T> : IMicroKernel<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public static int MR => 8;

    /// <inheritdoc/>
    public static int NR => 2 * Vector512<T>.Count;

    /// <inheritdoc/>
    public static Isa Isa => Isa.Avx512;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, T* a, nint rsA, nint csA, T* b, nint rsB, T* c, nint ldc, T* bias, bool accumulate, bool relu)
    {
        int w = Vector512<T>.Count;
        Vector512<T> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<T> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<T> c60 = default, c61 = default, c70 = default, c71 = default;
        nint rs2 = 2 * rsA, rs3 = 3 * rsA;
        T* a4 = a + 4 * rsA;
        // Loop 0 (the micro-kernel's own loop over p, up to KC): one rank-1 update of the 8×32 tile per step.
        for (int p = 0; p < kc; p++)
        {
            Vector512<T> b0 = Vector512.Load(b);
            Vector512<T> b1 = Vector512.Load(b + w);
            Vector512<T> x = Vector512.Create(a[0]);
            c00 = GemmVector<T>.Fma(x, b0, c00); c01 = GemmVector<T>.Fma(x, b1, c01);
            x = Vector512.Create(a[rsA]);
            c10 = GemmVector<T>.Fma(x, b0, c10); c11 = GemmVector<T>.Fma(x, b1, c11);
            x = Vector512.Create(a[rs2]);
            c20 = GemmVector<T>.Fma(x, b0, c20); c21 = GemmVector<T>.Fma(x, b1, c21);
            x = Vector512.Create(a[rs3]);
            c30 = GemmVector<T>.Fma(x, b0, c30); c31 = GemmVector<T>.Fma(x, b1, c31);
            x = Vector512.Create(a4[0]);
            c40 = GemmVector<T>.Fma(x, b0, c40); c41 = GemmVector<T>.Fma(x, b1, c41);
            x = Vector512.Create(a4[rsA]);
            c50 = GemmVector<T>.Fma(x, b0, c50); c51 = GemmVector<T>.Fma(x, b1, c51);
            x = Vector512.Create(a4[rs2]);
            c60 = GemmVector<T>.Fma(x, b0, c60); c61 = GemmVector<T>.Fma(x, b1, c61);
            x = Vector512.Create(a4[rs3]);
            c70 = GemmVector<T>.Fma(x, b0, c70); c71 = GemmVector<T>.Fma(x, b1, c71);
            a += csA;
            a4 += csA;
            b += rsB;
        }

        // The epilogue, while the tile is still in registers: + β·C, + bias, ReLU, one store.
        Vector512<T> bias0 = default, bias1 = default;
        if (bias != null)
        {
            bias0 = Vector512.Load(bias);
            bias1 = Vector512.Load(bias + w);
        }
        StoreRow(c, c00, c01, bias0, bias1, accumulate, relu);
        StoreRow(c + ldc, c10, c11, bias0, bias1, accumulate, relu);
        StoreRow(c + 2 * ldc, c20, c21, bias0, bias1, accumulate, relu);
        StoreRow(c + 3 * ldc, c30, c31, bias0, bias1, accumulate, relu);
        StoreRow(c + 4 * ldc, c40, c41, bias0, bias1, accumulate, relu);
        StoreRow(c + 5 * ldc, c50, c51, bias0, bias1, accumulate, relu);
        StoreRow(c + 6 * ldc, c60, c61, bias0, bias1, accumulate, relu);
        StoreRow(c + 7 * ldc, c70, c71, bias0, bias1, accumulate, relu);
    }

    /// <summary>Finishes one row of the tile: (AB + C) + bias, then ReLU, matching <see cref="GemmReference"/>'s order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(T* c, Vector512<T> x0, Vector512<T> x1, Vector512<T> bias0, Vector512<T> bias1, bool accumulate, bool relu)
    {
        int w = Vector512<T>.Count;
        if (accumulate)
        {
            x0 += Vector512.Load(c);
            x1 += Vector512.Load(c + w);
        }
        x0 += bias0;
        x1 += bias1;
        if (relu)
        {
            x0 = Vector512.Max(x0, Vector512<T>.Zero);
            x1 = Vector512.Max(x1, Vector512<T>.Zero);
        }
        x0.Store(c);
        x1.Store(c + w);
    }
}
