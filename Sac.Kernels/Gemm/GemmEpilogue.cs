using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Sac.Kernels;

/// <summary>The scalar form of the fused epilogue, for edge tiles, GEMV tails and the scalar kernel.</summary>
internal static unsafe class GemmEpilogue<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// Effectively computes act(product + β·c + bias) in the vector epilogue's order: (product + c) + bias, then max(·, 0).
    /// With β = 0, <paramref name="c"/> is ignored (it may be NaN).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Finish(T product, T c, T bias, bool accumulate, bool relu)
    {
        if (accumulate)
            product += c;
        product += bias;
        return relu ? T.Max(product, T.Zero) : product;
    }

    /// <summary>
    /// Writes the valid <paramref name="rows"/>×<paramref name="cols"/> corner of a tile that the micro-kernel computed
    /// into <paramref name="tile"/> (row stride <paramref name="ldt"/>, no epilogue applied) to C, applying the epilogue:
    /// whole vectors where the columns allow (when <paramref name="vectorized"/>), single elements for the rest.
    /// </summary>
    public static void FinishTile(T* tile, nint ldt, int rows, int cols, T* c, nint ldc, T* bias, bool accumulate, bool relu, bool vectorized)
    {
        int w = Vector256<T>.Count;
        for (int i = 0; i < rows; i++)
        {
            T* ti = tile + i * ldt;
            T* ci = c + i * ldc;
            int j = 0;
            if (vectorized)
            {
                for (; j + w <= cols; j += w)
                    Vector256.Store(Finish(Vector256.Load(ti + j), ci + j, bias == null ? null : bias + j, accumulate, relu), ci + j);
                // The tile is at most two Vector256 wide, so one Vector128 more leaves at most 3 floats (1 double) for the scalar loop.
                if (j + Vector128<T>.Count <= cols)
                {
                    Vector256<T> x = Vector128.Load(ti + j).ToVector256();
                    Vector256<T> finished = Finish(x, ci + j, bias == null ? null : bias + j, accumulate, relu, half: true);
                    Vector128.Store(finished.GetLower(), ci + j);
                    j += Vector128<T>.Count;
                }
            }
            for (; j < cols; j++)
                ci[j] = Finish(ti[j], ci[j], bias == null ? T.Zero : bias[j], accumulate, relu);
        }
    }

    /// <summary>The vector form of <see cref="Finish(T, T, T, bool, bool)"/> for a whole (or, with <paramref name="half"/>, the lower half of a) Vector256.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Finish(Vector256<T> x, T* c, T* bias, bool accumulate, bool relu, bool half = false)
    {
        if (accumulate)
            x += half ? Vector128.Load(c).ToVector256() : Vector256.Load(c);
        if (bias != null)
            x += half ? Vector128.Load(bias).ToVector256() : Vector256.Load(bias);
        return relu ? Vector256.Max(x, Vector256<T>.Zero) : x;
    }
}
