using System.Numerics;
using System.Runtime.Intrinsics;

namespace Sac.Kernels;

// The operators behind Elementwise's fused kernels. Each summary is the formula it computes.
// Backward operators take (grad, saved) and return the contribution to the input's gradient.

/// <summary>x (the identity; with an accumulating driver, destination += x).</summary>
public readonly struct IdentityOperator<T> : IUnaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public T Invoke(T x) => x;
    /// <inheritdoc/>
    public Vector256<T> Invoke(Vector256<T> x) => x;
    /// <inheritdoc/>
    public Vector512<T> Invoke(Vector512<T> x) => x;
}

/// <summary>s·x.</summary>
public readonly struct ScaleOperator<T>(T scale) : IUnaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public T Invoke(T x) => scale * x;
    /// <inheritdoc/>
    public Vector256<T> Invoke(Vector256<T> x) => Vector256.Create(scale) * x;
    /// <inheritdoc/>
    public Vector512<T> Invoke(Vector512<T> x) => Vector512.Create(scale) * x;
}

/// <summary>
/// softplus(x) = log(1 + eˣ), computed stably as max(x, 0) + log1p(e^−|x|): no overflow for large x, and full relative
/// precision for very negative x, where the result is ≈ eˣ and a plain log(1 + y) would round to 0.
/// </summary>
public readonly struct SoftplusOperator<T> : IUnaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public T Invoke(T x) => T.Max(x, T.Zero) + Log1P(T.Exp(-T.Abs(x)));

    /// <inheritdoc/>
    public Vector256<T> Invoke(Vector256<T> x)
    {
        var y = VectorMath.Exp(-Vector256.Abs(x));
        // log1p(y) via Kahan's trick: with u = 1 + y rounded, log(u)·y/(u − 1) cancels u's rounding error; u = 1 means y is below ε.
        var u = Vector256<T>.One + y;
        var log1p = Vector256.ConditionalSelect(Vector256.Equals(u, Vector256<T>.One), y, VectorMath.Log(u) * y / (u - Vector256<T>.One));
        return Vector256.Max(x, Vector256<T>.Zero) + log1p;
    }

    /// <inheritdoc/>
    public Vector512<T> Invoke(Vector512<T> x)
    {
        var y = VectorMath.Exp(-Vector512.Abs(x));
        var u = Vector512<T>.One + y;
        var log1p = Vector512.ConditionalSelect(Vector512.Equals(u, Vector512<T>.One), y, VectorMath.Log(u) * y / (u - Vector512<T>.One));
        return Vector512.Max(x, Vector512<T>.Zero) + log1p;
    }

    private static T Log1P(T y)
    {
        T u = T.One + y;
        return u == T.One ? y : T.Log(u) * y / (u - T.One);
    }
}

/// <summary>x².</summary>
public readonly struct SquareOperator<T> : IUnaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public T Invoke(T x) => x * x;
    /// <inheritdoc/>
    public Vector256<T> Invoke(Vector256<T> x) => x * x;
    /// <inheritdoc/>
    public Vector512<T> Invoke(Vector512<T> x) => x * x;
}

/// <summary>x + y.</summary>
public readonly struct AddOperator<T> : IBinaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public T Invoke(T x, T y) => x + y;
    /// <inheritdoc/>
    public Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => x + y;
    /// <inheritdoc/>
    public Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => x + y;
}

/// <summary>x·y.</summary>
public readonly struct MultiplyOperator<T> : IBinaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public T Invoke(T x, T y) => x * y;
    /// <inheritdoc/>
    public Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => x * y;
    /// <inheritdoc/>
    public Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => x * y;
}

/// <summary>x / y.</summary>
public readonly struct DivideOperator<T> : IBinaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public T Invoke(T x, T y) => x / y;
    /// <inheritdoc/>
    public Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => x / y;
    /// <inheritdoc/>
    public Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => x / y;
}

/// <summary>ReLU backward from the saved output: grad · [result &gt; 0] (subgradient 0 at 0, as PyTorch).</summary>
public readonly struct ReluBackwardOperator<T> : IBinaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public T Invoke(T grad, T result) => result > T.Zero ? grad : T.Zero;
    /// <inheritdoc/>
    public Vector256<T> Invoke(Vector256<T> grad, Vector256<T> result) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(result, Vector256<T>.Zero), grad, Vector256<T>.Zero);
    /// <inheritdoc/>
    public Vector512<T> Invoke(Vector512<T> grad, Vector512<T> result) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(result, Vector512<T>.Zero), grad, Vector512<T>.Zero);
}

/// <summary>tanh backward from the saved output: grad · (1 − result²).</summary>
public readonly struct TanhBackwardOperator<T> : IBinaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public T Invoke(T grad, T result) => grad * (T.One - result * result);
    /// <inheritdoc/>
    public Vector256<T> Invoke(Vector256<T> grad, Vector256<T> result) => grad * (Vector256<T>.One - result * result);
    /// <inheritdoc/>
    public Vector512<T> Invoke(Vector512<T> grad, Vector512<T> result) => grad * (Vector512<T>.One - result * result);
}

/// <summary>softplus backward from the input: grad · σ(x), σ(x) = 1 / (1 + e^−x).</summary>
public readonly struct SoftplusBackwardOperator<T> : IBinaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public T Invoke(T grad, T x) => grad / (T.One + T.Exp(-x));
    /// <inheritdoc/>
    public Vector256<T> Invoke(Vector256<T> grad, Vector256<T> x) => grad / (Vector256<T>.One + VectorMath.Exp(-x));
    /// <inheritdoc/>
    public Vector512<T> Invoke(Vector512<T> grad, Vector512<T> x) => grad / (Vector512<T>.One + VectorMath.Exp(-x));
}

/// <summary>square backward from the input: 2·x·grad.</summary>
public readonly struct SquareBackwardOperator<T> : IBinaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public T Invoke(T grad, T x) => (x + x) * grad;
    /// <inheritdoc/>
    public Vector256<T> Invoke(Vector256<T> grad, Vector256<T> x) => (x + x) * grad;
    /// <inheritdoc/>
    public Vector512<T> Invoke(Vector512<T> grad, Vector512<T> x) => (x + x) * grad;
}

/// <summary>
/// clamp backward from the input: grad · [low ≤ x ≤ high]. Subgradient choice (as PyTorch): the bounds themselves pass
/// the gradient; only strictly outside them is it zero.
/// </summary>
public readonly struct ClampBackwardOperator<T>(T low, T high) : IBinaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public T Invoke(T grad, T x) => x >= low && x <= high ? grad : T.Zero;
    /// <inheritdoc/>
    public Vector256<T> Invoke(Vector256<T> grad, Vector256<T> x) =>
        Vector256.ConditionalSelect(
            Vector256.GreaterThanOrEqual(x, Vector256.Create(low)) & Vector256.LessThanOrEqual(x, Vector256.Create(high)),
            grad, Vector256<T>.Zero);
    /// <inheritdoc/>
    public Vector512<T> Invoke(Vector512<T> grad, Vector512<T> x) =>
        Vector512.ConditionalSelect(
            Vector512.GreaterThanOrEqual(x, Vector512.Create(low)) & Vector512.LessThanOrEqual(x, Vector512.Create(high)),
            grad, Vector512<T>.Zero);
}

/// <summary>
/// min backward, the first argument's share: grad · [a ≤ b]. Tie rule: on a = b the whole gradient goes to the first
/// argument (a valid subgradient; PyTorch's <c>torch.min(a, b)</c> splits it in halves instead).
/// </summary>
public readonly struct MinBackwardFirstOperator<T> : ITernaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public T Invoke(T grad, T a, T b) => a <= b ? grad : T.Zero;
    /// <inheritdoc/>
    public Vector256<T> Invoke(Vector256<T> grad, Vector256<T> a, Vector256<T> b) =>
        Vector256.ConditionalSelect(Vector256.LessThanOrEqual(a, b), grad, Vector256<T>.Zero);
    /// <inheritdoc/>
    public Vector512<T> Invoke(Vector512<T> grad, Vector512<T> a, Vector512<T> b) =>
        Vector512.ConditionalSelect(Vector512.LessThanOrEqual(a, b), grad, Vector512<T>.Zero);
}

/// <summary>min backward, the second argument's share: grad · [b &lt; a] (the complement of <see cref="MinBackwardFirstOperator{T}"/>).</summary>
public readonly struct MinBackwardSecondOperator<T> : ITernaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public T Invoke(T grad, T a, T b) => b < a ? grad : T.Zero;
    /// <inheritdoc/>
    public Vector256<T> Invoke(Vector256<T> grad, Vector256<T> a, Vector256<T> b) =>
        Vector256.ConditionalSelect(Vector256.LessThan(b, a), grad, Vector256<T>.Zero);
    /// <inheritdoc/>
    public Vector512<T> Invoke(Vector512<T> grad, Vector512<T> a, Vector512<T> b) =>
        Vector512.ConditionalSelect(Vector512.LessThan(b, a), grad, Vector512<T>.Zero);
}
