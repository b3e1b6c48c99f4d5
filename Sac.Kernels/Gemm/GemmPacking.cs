using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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
        if (rs == 1)
        {
            // A stored k×m: the MR elements of one k step are adjacent.
            PackAdjacent(src, ks, mr, mc, kc, dst);
            return;
        }
        // A stored m×k: each row is contiguous along k; scatter it into every MR-th slot.
        for (int ir = 0; ir < mc; ir += mr)
            Scatter(src + ir * rs, rs, ks, Math.Min(mr, mc - ir), mr, kc, dst + (nint)ir * kc);
    }

    /// <summary>
    /// Packs op(B)[p0 .. p0+kc, j0 .. j0+nc] into ⌈nc/NR⌉ micro-panels of kc×NR: element (p, j) of panel q lands at
    /// <c>dst[q·NR·kc + p·NR + j]</c>; columns past nc are zero.
    /// </summary>
    public static void PackB(in GemmArgs<T> g, int nr, int j0, int nc, int p0, int kc, T* dst)
    {
        nint ks = g.BKStride, cs = g.BColStride;
        T* src = g.B + p0 * ks + j0 * cs;
        if (cs == 1)
        {
            // B stored k×n: the NR elements of one k step are adjacent.
            PackAdjacent(src, ks, nr, nc, kc, dst);
            return;
        }
        for (int jr = 0; jr < nc; jr += nr)
        {
            int cols = Math.Min(nr, nc - jr);
            T* s = src + jr * cs;
            T* d = dst + (nint)jr * kc;
            if (ks == 1 && cols == nr && nr % TransposeBlock == 0 && Avx.IsSupported)
            {
                // B stored n×k (op(B) = Bᵀ), a full micro-panel: transpose it in 8×8 (float) or 4×4 (double) register blocks.
                // CRUCIAL: only when NR is a whole number of blocks (not the scalar kernel's 4 floats): a block reads
                // and writes a full block width, which would run past a narrower panel and past the end of B.
                TransposeInto(s, cs, d, nr, kc);
            }
            else
            {
                // B stored n×k (op(B) = Bᵀ): each column of op(B) is contiguous along k; scatter it into every NR-th slot.
                Scatter(s, cs, ks, cols, nr, kc, d);
            }
        }
    }

    /// <summary>
    /// Packs ⌈extent/w⌉ micro-panels of width <paramref name="w"/> (MR rows of A, or NR columns of B) from an operand whose
    /// panel elements are adjacent and whose k steps are <paramref name="ks"/> apart: element (p, x) of panel q lands at
    /// <c>dst[q·w·kc + p·w + x]</c>; past <paramref name="extent"/> is zero.
    /// </summary>
    private static void PackAdjacent(T* src, nint ks, int w, int extent, int kc, T* dst)
    {
        int x = 0;
        // Four full micro-panels at a time: each k step then reads 4·w adjacent elements (whole cache lines) instead of
        // w, which halves the time of this strided read.
        for (; x + 4 * w <= extent; x += 4 * w)
        {
            T* s = src + x;
            T* d = dst + (nint)x * kc;
            nint panel = (nint)w * kc;
            for (int p = 0; p < kc; p++)
            {
                T* sp = s + p * ks;
                T* dp = d + p * w;
                CopyAndPad(sp, dp, w, w);
                CopyAndPad(sp + w, dp + panel, w, w);
                CopyAndPad(sp + 2 * w, dp + 2 * panel, w, w);
                CopyAndPad(sp + 3 * w, dp + 3 * panel, w, w);
            }
        }
        for (; x < extent; x += w)
        {
            int count = Math.Min(w, extent - x);
            T* s = src + x;
            T* d = dst + (nint)x * kc;
            for (int p = 0; p < kc; p++)
                CopyAndPad(s + p * ks, d + p * w, count, w);
        }
    }

    /// <summary>
    /// Packs one micro-panel of width <paramref name="w"/> from <paramref name="count"/> lines of an operand, each
    /// <paramref name="stride"/> apart and with its k steps <paramref name="ks"/> apart: dst[p·w + i] = src[i·stride + p·ks];
    /// lines count … w − 1 are zero.
    /// </summary>
    private static void Scatter(T* src, nint stride, nint ks, int count, int w, int kc, T* dst)
    {
        for (int i = 0; i < count; i++)
        {
            T* si = src + i * stride;
            for (int p = 0; p < kc; p++)
                dst[p * w + i] = si[p * ks];
        }
        for (int i = count; i < w; i++)
        {
            for (int p = 0; p < kc; p++)
                dst[p * w + i] = T.Zero;
        }
    }

    /// <summary>The side of the square register block <see cref="TransposeInto"/> works in: one Vector256.</summary>
    private static int TransposeBlock => Vector256<T>.Count;

    /// <summary>
    /// Writes dst[p·ldd + j] = src[j·lds + p] for j &lt; <paramref name="width"/> (a multiple of the block size) and
    /// p &lt; <paramref name="depth"/>: whole register blocks with AVX shuffles, the last depth % block steps one by one.
    /// </summary>
    private static void TransposeInto(T* src, nint lds, T* dst, int width, int depth)
    {
        int block = TransposeBlock;
        int p = 0;
        for (; p + block <= depth; p += block)
        {
            for (int j = 0; j < width; j += block)
            {
                if (typeof(T) == typeof(float))
                    Transpose8x8((float*)(src + j * lds + p), lds, (float*)(dst + (nint)p * width + j), width);
                else
                    Transpose4x4((double*)(src + j * lds + p), lds, (double*)(dst + (nint)p * width + j), width);
            }
        }
        for (; p < depth; p++)
        {
            for (int j = 0; j < width; j++)
                dst[(nint)p * width + j] = src[j * lds + p];
        }
    }

    /// <summary>8×8 float transpose: rows of <paramref name="src"/> (stride <paramref name="lds"/>) become rows of <paramref name="dst"/>' columns.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(float* src, nint lds, float* dst, nint ldd)
    {
        Vector256<float> r0 = Avx.LoadVector256(src), r1 = Avx.LoadVector256(src + lds);
        Vector256<float> r2 = Avx.LoadVector256(src + 2 * lds), r3 = Avx.LoadVector256(src + 3 * lds);
        Vector256<float> r4 = Avx.LoadVector256(src + 4 * lds), r5 = Avx.LoadVector256(src + 5 * lds);
        Vector256<float> r6 = Avx.LoadVector256(src + 6 * lds), r7 = Avx.LoadVector256(src + 7 * lds);
        // Interleave pairs of rows, then pairs of pairs, then swap 128-bit halves (the textbook AVX sequence).
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(dst, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(dst + ldd, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(dst + 2 * ldd, Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(dst + 3 * ldd, Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(dst + 4 * ldd, Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(dst + 5 * ldd, Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(dst + 6 * ldd, Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(dst + 7 * ldd, Avx.Permute2x128(u3, u7, 0x31));
    }

    /// <summary>4×4 double transpose: rows of <paramref name="src"/> (stride <paramref name="lds"/>) become rows of <paramref name="dst"/>' columns.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose4x4(double* src, nint lds, double* dst, nint ldd)
    {
        Vector256<double> r0 = Avx.LoadVector256(src), r1 = Avx.LoadVector256(src + lds);
        Vector256<double> r2 = Avx.LoadVector256(src + 2 * lds), r3 = Avx.LoadVector256(src + 3 * lds);
        Vector256<double> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<double> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Avx.Store(dst, Avx.Permute2x128(t0, t2, 0x20));
        Avx.Store(dst + ldd, Avx.Permute2x128(t1, t3, 0x20));
        Avx.Store(dst + 2 * ldd, Avx.Permute2x128(t0, t2, 0x31));
        Avx.Store(dst + 3 * ldd, Avx.Permute2x128(t1, t3, 0x31));
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
        // NOTE: vectors here only move bits, so even the scalar ISA path may use them; no arithmetic is involved.
        // A last, overlapping vector finishes a count that is not a multiple of the width (6 floats = [0, 4) + [2, 6)).
        if (count >= Vector256<T>.Count)
        {
            int x = 0;
            for (; x <= count - Vector256<T>.Count; x += Vector256<T>.Count)
                Vector256.Store(Vector256.Load(s + x), d + x);
            if (x < count)
                Vector256.Store(Vector256.Load(s + count - Vector256<T>.Count), d + count - Vector256<T>.Count);
        }
        else if (count >= Vector128<T>.Count)
        {
            Vector128.Store(Vector128.Load(s), d);
            Vector128.Store(Vector128.Load(s + count - Vector128<T>.Count), d + count - Vector128<T>.Count);
        }
        else
        {
            for (int x = 0; x < count; x++)
                d[x] = s[x];
        }
        for (int x = count; x < width; x++)
            d[x] = T.Zero;
    }
}
