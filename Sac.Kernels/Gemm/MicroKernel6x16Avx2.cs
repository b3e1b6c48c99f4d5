using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Sac.Kernels;

/// <summary>
/// The AVX2+FMA micro-kernel: a 6×16 float (6×8 double) tile, i.e. 6 rows × two Vector256 of C, the classic Haswell
/// shape. 12 accumulators + 2 B vectors + 1 broadcast A element = 15 of the 16 ymm registers. Per k step it issues
/// 2 vector loads, 6 broadcasts and 12 FMAs: the two FMA pipes are busy for 6 cycles while the loads fit the load ports.
/// </summary>
internal readonly unsafe struct MicroKernel6x16Avx2<T> : IMicroKernel<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public static int MR => 6;

    /// <inheritdoc/>
    public static int NR => 2 * Vector256<T>.Count;

    /// <inheritdoc/>
    public static Isa Isa => Isa.Avx2;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, T* a, nint rsA, nint csA, T* b, nint rsB, T* c, nint ldc, T* bias, bool accumulate, bool relu)
    {
        int w = Vector256<T>.Count;
        Vector256<T> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<T> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        // Rows 0-2 are addressed from a, rows 3-5 from a3, each with 0, 1 or 2 row strides: one base+index form each.
        nint rs2 = 2 * rsA;
        T* a3 = a + 3 * rsA;
        // Loop 0 (the micro-kernel's own loop over p, up to KC): one rank-1 update of the 6×16 tile per step.
        for (int p = 0; p < kc; p++)
        {
            Vector256<T> b0 = Vector256.Load(b);
            Vector256<T> b1 = Vector256.Load(b + w);
            Vector256<T> x = Vector256.Create(a[0]);
            c00 = GemmVector<T>.Fma(x, b0, c00); c01 = GemmVector<T>.Fma(x, b1, c01);
            x = Vector256.Create(a[rsA]);
            c10 = GemmVector<T>.Fma(x, b0, c10); c11 = GemmVector<T>.Fma(x, b1, c11);
            x = Vector256.Create(a[rs2]);
            c20 = GemmVector<T>.Fma(x, b0, c20); c21 = GemmVector<T>.Fma(x, b1, c21);
            x = Vector256.Create(a3[0]);
            c30 = GemmVector<T>.Fma(x, b0, c30); c31 = GemmVector<T>.Fma(x, b1, c31);
            x = Vector256.Create(a3[rsA]);
            c40 = GemmVector<T>.Fma(x, b0, c40); c41 = GemmVector<T>.Fma(x, b1, c41);
            x = Vector256.Create(a3[rs2]);
            c50 = GemmVector<T>.Fma(x, b0, c50); c51 = GemmVector<T>.Fma(x, b1, c51);
            a += csA;
            a3 += csA;
            b += rsB;
        }

        // The epilogue, while the tile is still in registers: + β·C, + bias, ReLU, one store.
        Vector256<T> bias0 = default, bias1 = default;
        if (bias != null)
        {
            bias0 = Vector256.Load(bias);
            bias1 = Vector256.Load(bias + w);
        }
        StoreRow(c, c00, c01, bias0, bias1, accumulate, relu);
        StoreRow(c + ldc, c10, c11, bias0, bias1, accumulate, relu);
        StoreRow(c + 2 * ldc, c20, c21, bias0, bias1, accumulate, relu);
        StoreRow(c + 3 * ldc, c30, c31, bias0, bias1, accumulate, relu);
        StoreRow(c + 4 * ldc, c40, c41, bias0, bias1, accumulate, relu);
        StoreRow(c + 5 * ldc, c50, c51, bias0, bias1, accumulate, relu);
    }

    /// <summary>Finishes one row of the tile: (AB + C) + bias, then ReLU, matching <see cref="GemmReference"/>'s order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(T* c, Vector256<T> x0, Vector256<T> x1, Vector256<T> bias0, Vector256<T> bias1, bool accumulate, bool relu)
    {
        int w = Vector256<T>.Count;
        if (accumulate)
        {
            x0 += Vector256.Load(c);
            x1 += Vector256.Load(c + w);
        }
        // Adding a zero bias is exact (x + 0 = x, and -0 + 0 = +0 just as the reference's 0-initialised sum gives).
        x0 += bias0;
        x1 += bias1;
        if (relu)
        {
            x0 = Vector256.Max(x0, Vector256<T>.Zero);
            x1 = Vector256.Max(x1, Vector256<T>.Zero);
        }
        x0.Store(c);
        x1.Store(c + w);
    }
}
