using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Sac.Kernels;

/// <summary>
/// Generic-over-<typeparamref name="T"/> wrappers for the vector operations that only exist per element type,
/// so one micro-kernel source serves float and double. The <c>typeof(T) == typeof(float)</c> tests are folded by the JIT.
/// </summary>
internal static class GemmVector<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Effectively computes x·y + addend, element-wise, with one rounding (vfmadd on AVX2).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Fma(Vector256<T> x, Vector256<T> y, Vector256<T> addend)
    {
        if (typeof(T) == typeof(float))
            return Vector256.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), addend.AsSingle()).As<float, T>();
        return Vector256.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), addend.AsDouble()).As<double, T>();
    }

    /// <summary>Effectively computes x·y + addend, element-wise, with one rounding (vfmadd on AVX-512).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Fma(Vector512<T> x, Vector512<T> y, Vector512<T> addend)
    {
        if (typeof(T) == typeof(float))
            return Vector512.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), addend.AsSingle()).As<float, T>();
        return Vector512.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), addend.AsDouble()).As<double, T>();
    }
}
