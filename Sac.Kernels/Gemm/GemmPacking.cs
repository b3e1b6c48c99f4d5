using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Sac.Kernels;

/// <summary>
/// BLIS packing: copies a block of op(A) into MR-row micro-panels and a panel of op(B) into NR-column micro-panels, in
/// the order the micro-kernel reads them, zero-padding the last partial micro-panel. Both transposes are absorbed here
/// through the strides of <see cref="GemmArgs{T}"/>.
/// </summary>
internal static unsafe class GemmPacking<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// Packs op(A)[i0 .. i0+mc, p0 .. p0+kc] into ⌈mc/MR⌉ micro-panels of MR×kc: element (i, p) of panel q lands at
    /// <c>dst[q·MR·kc + p·MR + i]</c>; rows past mc are zero.
    /// </summary>
    public static void PackA(in GemmArgs<T> g, int mr, int i0, int mc, int p0, int kc, T* dst)
    {
        nint rs = g.ARowStride, ks = g.AKStride;
        T* src = g.A + i0 * rs + p0 * ks;
        for (int ir = 0; ir < mc; ir += mr)
        {
            int rows = Math.Min(mr, mc - ir);
            T* s = src + ir * rs;
            T* d = dst + (nint)ir * kc;
            if (rs == 1)
            {
                // A stored k×m: the MR elements of one k step are adjacent; copy them.
                for (int p = 0; p < kc; p++)
                {
                    CopyAndPad(s + p * ks, d + p * mr, rows, mr);
                }
            }
            else
            {
                // A stored m×k: each row is contiguous along k; scatter it into every MR-th slot.
                for (int i = 0; i < rows; i++)
                {
                    T* si = s + i * rs;
                    for (int p = 0; p < kc; p++)
                        d[p * mr + i] = si[p * ks];
                }
                for (int i = rows; i < mr; i++)
                {
                    for (int p = 0; p < kc; p++)
                        d[p * mr + i] = T.Zero;
                }
            }
        }
    }

    /// <summary>
    /// Packs op(B)[p0 .. p0+kc, j0 .. j0+nc] into ⌈nc/NR⌉ micro-panels of kc×NR: element (p, j) of panel q lands at
    /// <c>dst[q·NR·kc + p·NR + j]</c>; columns past nc are zero.
    /// </summary>
    public static void PackB(in GemmArgs<T> g, int nr, int j0, int nc, int p0, int kc, T* dst)
    {
        nint ks = g.BKStride, cs = g.BColStride;
        T* src = g.B + p0 * ks + j0 * cs;
        for (int jr = 0; jr < nc; jr += nr)
        {
            int cols = Math.Min(nr, nc - jr);
            T* s = src + jr * cs;
            T* d = dst + (nint)jr * kc;
            if (cs == 1)
            {
                // B stored k×n: the NR elements of one k step are adjacent; copy them.
                for (int p = 0; p < kc; p++)
                    CopyAndPad(s + p * ks, d + p * nr, cols, nr);
            }
            else
            {
                // B stored n×k (op(B) = Bᵀ): each column of op(B) is contiguous along k; scatter it into every NR-th slot.
                for (int j = 0; j < cols; j++)
                {
                    T* sj = s + j * cs;
                    for (int p = 0; p < kc; p++)
                        d[p * nr + j] = sj[p * ks];
                }
                for (int j = cols; j < nr; j++)
                {
                    for (int p = 0; p < kc; p++)
                        d[p * nr + j] = T.Zero;
                }
            }
        }
    }

    /// <summary>Span form of <see cref="PackA(in GemmArgs{T}, int, int, int, int, int, T*)"/> for op(A) of an m×k product, for tests.</summary>
    internal static void PackA(Transpose transA, int m, int k, ReadOnlySpan<T> a, int mr, int i0, int mc, int p0, int kc, Span<T> dst)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dst.Length, (mc + mr - 1) / mr * mr * kc, nameof(dst));
        fixed (T* pa = a)
        fixed (T* pd = dst)
        {
            var args = new GemmArgs<T>(transA, Transpose.No, m, 1, k, pa, null, null, null, GemmOutput.Overwrite, Activation.None);
            PackA(args, mr, i0, mc, p0, kc, pd);
        }
    }

    /// <summary>Span form of <see cref="PackB(in GemmArgs{T}, int, int, int, int, int, T*)"/> for op(B) of a k×n product, for tests.</summary>
    internal static void PackB(Transpose transB, int k, int n, ReadOnlySpan<T> b, int nr, int j0, int nc, int p0, int kc, Span<T> dst)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dst.Length, (nc + nr - 1) / nr * nr * kc, nameof(dst));
        fixed (T* pb = b)
        fixed (T* pd = dst)
        {
            var args = new GemmArgs<T>(Transpose.No, transB, 1, n, k, null, pb, null, null, GemmOutput.Overwrite, Activation.None);
            PackB(args, nr, j0, nc, p0, kc, pd);
        }
    }

    /// <summary>Copies <paramref name="count"/> adjacent elements and zero-fills up to <paramref name="width"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyAndPad(T* s, T* d, int count, int width)
    {
        int x = 0;
        // NOTE: vectors here only move bits, so even the scalar ISA path may use them; no arithmetic is involved.
        for (; x <= count - Vector256<T>.Count; x += Vector256<T>.Count)
            Vector256.Store(Vector256.Load(s + x), d + x);
        for (; x < count; x++)
            d[x] = s[x];
        for (; x < width; x++)
            d[x] = T.Zero;
    }
}
