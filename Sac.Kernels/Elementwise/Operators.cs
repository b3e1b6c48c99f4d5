using System.Numerics;
using System.Runtime.Intrinsics;

namespace Sac.Kernels;

/// <summary>
/// An elementwise function of one value, with a scalar form and vector forms that must agree with it.
/// Operators are small readonly structs: the drivers in <see cref="ElementwiseDriver"/> are generic over them, so the JIT
/// inlines the operator into the loop. Unlike TensorPrimitives' operators these are instances, so an operator can carry
/// scalars (a clamp's bounds, a scale factor) without a separate driver per scalar position.
/// </summary>
public interface IUnaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The scalar form.</summary>
    T Invoke(T x);
    /// <summary>The 256-bit vector form.</summary>
    Vector256<T> Invoke(Vector256<T> x);
    /// <summary>The 512-bit vector form.</summary>
    Vector512<T> Invoke(Vector512<T> x);
}

/// <summary>An elementwise function of two values; see <see cref="IUnaryOperator{T}"/>.</summary>
public interface IBinaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The scalar form.</summary>
    T Invoke(T x, T y);
    /// <summary>The 256-bit vector form.</summary>
    Vector256<T> Invoke(Vector256<T> x, Vector256<T> y);
    /// <summary>The 512-bit vector form.</summary>
    Vector512<T> Invoke(Vector512<T> x, Vector512<T> y);
}

/// <summary>An elementwise function of three values; see <see cref="IUnaryOperator{T}"/>.</summary>
public interface ITernaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The scalar form.</summary>
    T Invoke(T x, T y, T z);
    /// <summary>The 256-bit vector form.</summary>
    Vector256<T> Invoke(Vector256<T> x, Vector256<T> y, Vector256<T> z);
    /// <summary>The 512-bit vector form.</summary>
    Vector512<T> Invoke(Vector512<T> x, Vector512<T> y, Vector512<T> z);
}

/// <summary>
/// An in-place update of three state values from one input, (a, b, c) ← op(x; a, b, c): the shape of an optimizer step
/// (Adam: x = g, a = p, b = m, c = v). The driver loads the state, the operator updates it through the refs, the
/// driver stores it back; see <see cref="IUnaryOperator{T}"/>.
/// </summary>
public interface IStateUpdateOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The scalar form.</summary>
    void Invoke(T x, ref T a, ref T b, ref T c);
    /// <summary>The 256-bit vector form.</summary>
    void Invoke(Vector256<T> x, ref Vector256<T> a, ref Vector256<T> b, ref Vector256<T> c);
    /// <summary>The 512-bit vector form.</summary>
    void Invoke(Vector512<T> x, ref Vector512<T> a, ref Vector512<T> b, ref Vector512<T> c);
}
