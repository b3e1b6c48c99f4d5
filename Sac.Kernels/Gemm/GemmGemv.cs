using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Sac.Kernels;

/// <summary>
/// Matrix-vector products for GEMMs with m = 1 or n = 1 (SAC's value and Q heads and their backward passes), where
/// packing and MR×NR tiles would waste most of their work. Two shapes of loop cover every transpose:
/// <see cref="DotRows"/> when the matrix is contiguous along k, <see cref="AxpyColumns"/> when it is contiguous along
/// the output. Memory-bound, so 256-bit vectors serve the AVX-512 path too.
/// </summary>
internal static unsafe class GemmGemv<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Rows <see cref="DotRows"/> handles at once; thread splits fall on multiples of it.</summary>
    public const int DotBlock = 4;

    /// <summary>Vectors of output <see cref="AxpyColumns"/> keeps in registers at once (8 FMA chains hide FMA latency).</summary>
    private const int AxpyVectors = 8;

    /// <summary>Outputs <see cref="AxpyColumns"/> handles at once; thread splits fall on multiples of it.</summary>
    public static int AxpyBlock => AxpyVectors * Vector256<T>.Count;

    /// <summary>
    /// Effectively computes y[r] = act(Σ_p mat[r·ldm + p]·x[p] + β·y[r] + bias[r·biasStride]) for r in [r0, r1).
    /// Every row is summed the same way, whatever r is and however many rows are done at once: two vectors of partial
    /// sums over k (chunks of 2·W alternate between them), reduced, then the k tail added in order.
    /// </summary>
    public static void DotRows(bool vectorized, T* mat, nint ldm, int r0, int r1, int k, T* x, T* y,
        T* bias, nint biasStride, bool accumulate, bool relu)
    {
        int r = r0;
        if (vectorized)
        {
            for (; r + DotBlock <= r1; r += DotBlock)
                Dot4(mat + r * ldm, ldm, k, x, y + r, bias == null ? null : bias + r * biasStride, biasStride, accumulate, relu);
        }
        for (; r < r1; r++)
        {
            T dot = vectorized ? Dot1(mat + r * ldm, k, x) : DotScalar(mat + r * ldm, k, x);
            y[r] = GemmEpilogue<T>.Finish(dot, y[r], bias == null ? T.Zero : bias[r * biasStride], accumulate, relu);
        }
    }

    /// <summary>
    /// Effectively computes y[j] = act(Σ_p x[p]·mat[p·ldm + j] + β·y[j] + bias[j·biasStride]) for j in [j0, j1),
    /// each output summing p in ascending order with fused multiply-adds.
    /// </summary>
    public static void AxpyColumns(bool vectorized, T* mat, nint ldm, int j0, int j1, int k, T* x, T* y,
        T* bias, nint biasStride, bool accumulate, bool relu)
    {
        int j = j0;
        if (vectorized)
        {
            int w = Vector256<T>.Count;
            for (; j + AxpyBlock <= j1; j += AxpyBlock)
                Axpy8(mat + j, ldm, k, x, y + j, bias == null ? null : bias + j * biasStride, biasStride, accumulate, relu);
            for (; j + w <= j1; j += w)
                Axpy1(mat + j, ldm, k, x, y + j, bias == null ? null : bias + j * biasStride, biasStride, accumulate, relu);
        }
        for (; j < j1; j++)
        {
            // The scalar tail uses the same fused multiply-add as a vector lane (or the plain product on the scalar path).
            T sum = T.Zero;
            T* column = mat + j;
            for (int p = 0; p < k; p++)
                sum = vectorized ? T.FusedMultiplyAdd(x[p], column[p * ldm], sum) : sum + x[p] * column[p * ldm];
            y[j] = GemmEpilogue<T>.Finish(sum, y[j], bias == null ? T.Zero : bias[j * biasStride], accumulate, relu);
        }
    }

    private static T DotScalar(T* row, int k, T* x)
    {
        T sum = T.Zero;
        for (int p = 0; p < k; p++)
            sum += row[p] * x[p];
        return sum;
    }

    private static T Dot1(T* row, int k, T* x)
    {
        int w = Vector256<T>.Count;
        Vector256<T> s0 = default, s1 = default;
        int p = 0;
        for (; p + 2 * w <= k; p += 2 * w)
        {
            s0 = GemmVector<T>.Fma(Vector256.Load(row + p), Vector256.Load(x + p), s0);
            s1 = GemmVector<T>.Fma(Vector256.Load(row + p + w), Vector256.Load(x + p + w), s1);
        }
        T sum = Vector256.Sum(s0 + s1);
        for (; p < k; p++)
            sum += row[p] * x[p];
        return sum;
    }

    /// <summary>Four rows of <see cref="Dot1"/> sharing the loads of x; bitwise the same result per row.</summary>
    private static void Dot4(T* row, nint ldm, int k, T* x, T* y, T* bias, nint biasStride, bool accumulate, bool relu)
    {
        int w = Vector256<T>.Count;
        T* r1 = row + ldm, r2 = row + 2 * ldm, r3 = row + 3 * ldm;
        Vector256<T> s00 = default, s01 = default, s10 = default, s11 = default;
        Vector256<T> s20 = default, s21 = default, s30 = default, s31 = default;
        int p = 0;
        for (; p + 2 * w <= k; p += 2 * w)
        {
            Vector256<T> x0 = Vector256.Load(x + p), x1 = Vector256.Load(x + p + w);
            s00 = GemmVector<T>.Fma(Vector256.Load(row + p), x0, s00);
            s01 = GemmVector<T>.Fma(Vector256.Load(row + p + w), x1, s01);
            s10 = GemmVector<T>.Fma(Vector256.Load(r1 + p), x0, s10);
            s11 = GemmVector<T>.Fma(Vector256.Load(r1 + p + w), x1, s11);
            s20 = GemmVector<T>.Fma(Vector256.Load(r2 + p), x0, s20);
            s21 = GemmVector<T>.Fma(Vector256.Load(r2 + p + w), x1, s21);
            s30 = GemmVector<T>.Fma(Vector256.Load(r3 + p), x0, s30);
            s31 = GemmVector<T>.Fma(Vector256.Load(r3 + p + w), x1, s31);
        }
        T d0 = Vector256.Sum(s00 + s01), d1 = Vector256.Sum(s10 + s11);
        T d2 = Vector256.Sum(s20 + s21), d3 = Vector256.Sum(s30 + s31);
        for (; p < k; p++)
        {
            T xp = x[p];
            d0 += row[p] * xp;
            d1 += r1[p] * xp;
            d2 += r2[p] * xp;
            d3 += r3[p] * xp;
        }
        y[0] = GemmEpilogue<T>.Finish(d0, y[0], bias == null ? T.Zero : bias[0], accumulate, relu);
        y[1] = GemmEpilogue<T>.Finish(d1, y[1], bias == null ? T.Zero : bias[biasStride], accumulate, relu);
        y[2] = GemmEpilogue<T>.Finish(d2, y[2], bias == null ? T.Zero : bias[2 * biasStride], accumulate, relu);
        y[3] = GemmEpilogue<T>.Finish(d3, y[3], bias == null ? T.Zero : bias[3 * biasStride], accumulate, relu);
    }

    private static void Axpy8(T* mat, nint ldm, int k, T* x, T* y, T* bias, nint biasStride, bool accumulate, bool relu)
    {
        int w = Vector256<T>.Count;
        Vector256<T> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default;
        for (int p = 0; p < k; p++)
        {
            Vector256<T> xp = Vector256.Create(x[p]);
            T* row = mat + p * ldm;
            s0 = GemmVector<T>.Fma(xp, Vector256.Load(row), s0);
            s1 = GemmVector<T>.Fma(xp, Vector256.Load(row + w), s1);
            s2 = GemmVector<T>.Fma(xp, Vector256.Load(row + 2 * w), s2);
            s3 = GemmVector<T>.Fma(xp, Vector256.Load(row + 3 * w), s3);
            s4 = GemmVector<T>.Fma(xp, Vector256.Load(row + 4 * w), s4);
            s5 = GemmVector<T>.Fma(xp, Vector256.Load(row + 5 * w), s5);
            s6 = GemmVector<T>.Fma(xp, Vector256.Load(row + 6 * w), s6);
            s7 = GemmVector<T>.Fma(xp, Vector256.Load(row + 7 * w), s7);
        }
        Finish(s0, y, bias, biasStride, 0, accumulate, relu);
        Finish(s1, y, bias, biasStride, w, accumulate, relu);
        Finish(s2, y, bias, biasStride, 2 * w, accumulate, relu);
        Finish(s3, y, bias, biasStride, 3 * w, accumulate, relu);
        Finish(s4, y, bias, biasStride, 4 * w, accumulate, relu);
        Finish(s5, y, bias, biasStride, 5 * w, accumulate, relu);
        Finish(s6, y, bias, biasStride, 6 * w, accumulate, relu);
        Finish(s7, y, bias, biasStride, 7 * w, accumulate, relu);
    }

    private static void Axpy1(T* mat, nint ldm, int k, T* x, T* y, T* bias, nint biasStride, bool accumulate, bool relu)
    {
        Vector256<T> s = default;
        for (int p = 0; p < k; p++)
            s = GemmVector<T>.Fma(Vector256.Create(x[p]), Vector256.Load(mat + p * ldm), s);
        Finish(s, y, bias, biasStride, 0, accumulate, relu);
    }

    /// <summary>The vector epilogue for outputs y[offset ..]: (sum + β·y) + bias, then ReLU.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Finish(Vector256<T> sum, T* y, T* bias, nint biasStride, int offset, bool accumulate, bool relu)
    {
        if (accumulate)
            sum += Vector256.Load(y + offset);
        if (bias != null)
            sum += biasStride == 0 ? Vector256.Create(bias[0]) : Vector256.Load(bias + offset);
        if (relu)
            sum = Vector256.Max(sum, Vector256<T>.Zero);
        sum.Store(y + offset);
    }
}
