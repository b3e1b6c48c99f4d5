using System.Numerics;
using System.Runtime.CompilerServices;

namespace Sac.Kernels;

/// <summary>
/// The portable micro-kernel: a 4×4 tile in 16 scalar accumulators, for CPUs without AVX2+FMA (and the
/// <see cref="Isa.Scalar"/> test path). Products are rounded before the add, exactly as in <see cref="GemmReference"/>.
/// </summary>
internal readonly unsafe struct MicroKernel4x4Scalar<T> : IMicroKernel<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public static int MR => 4;

    /// <inheritdoc/>
    public static int NR => 4;

    /// <inheritdoc/>
    public static Isa Isa => Isa.Scalar;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, T* a, nint rsA, nint csA, T* b, nint rsB, T* c, nint ldc, T* bias, bool accumulate, bool relu)
    {
        T c00 = T.Zero, c01 = T.Zero, c02 = T.Zero, c03 = T.Zero;
        T c10 = T.Zero, c11 = T.Zero, c12 = T.Zero, c13 = T.Zero;
        T c20 = T.Zero, c21 = T.Zero, c22 = T.Zero, c23 = T.Zero;
        T c30 = T.Zero, c31 = T.Zero, c32 = T.Zero, c33 = T.Zero;
        nint rs2 = 2 * rsA, rs3 = 3 * rsA;
        // Loop 0 (the micro-kernel's own loop over p, up to KC).
        for (int p = 0; p < kc; p++)
        {
            T b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3];
            T x = a[0];
            c00 += x * b0; c01 += x * b1; c02 += x * b2; c03 += x * b3;
            x = a[rsA];
            c10 += x * b0; c11 += x * b1; c12 += x * b2; c13 += x * b3;
            x = a[rs2];
            c20 += x * b0; c21 += x * b1; c22 += x * b2; c23 += x * b3;
            x = a[rs3];
            c30 += x * b0; c31 += x * b1; c32 += x * b2; c33 += x * b3;
            a += csA;
            b += rsB;
        }

        StoreRow(c, c00, c01, c02, c03, bias, accumulate, relu);
        StoreRow(c + ldc, c10, c11, c12, c13, bias, accumulate, relu);
        StoreRow(c + 2 * ldc, c20, c21, c22, c23, bias, accumulate, relu);
        StoreRow(c + 3 * ldc, c30, c31, c32, c33, bias, accumulate, relu);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(T* c, T x0, T x1, T x2, T x3, T* bias, bool accumulate, bool relu)
    {
        c[0] = GemmEpilogue<T>.Finish(x0, c[0], bias == null ? T.Zero : bias[0], accumulate, relu);
        c[1] = GemmEpilogue<T>.Finish(x1, c[1], bias == null ? T.Zero : bias[1], accumulate, relu);
        c[2] = GemmEpilogue<T>.Finish(x2, c[2], bias == null ? T.Zero : bias[2], accumulate, relu);
        c[3] = GemmEpilogue<T>.Finish(x3, c[3], bias == null ? T.Zero : bias[3], accumulate, relu);
    }
}
