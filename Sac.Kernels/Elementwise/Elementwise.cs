using System.Numerics;
using System.Numerics.Tensors;

namespace Sac.Kernels;

/// <summary>
/// The elementwise kernels a SAC step needs, forward and backward, on spans. Forward kernels overwrite their destination
/// (which may be an input, in place). Backward kernels take <c>accumulate</c>: false writes the gradient contribution,
/// true adds it (β = 1), because a tensor used twice receives both contributions.
/// Where TensorPrimitives already does the job it is called directly; the fused backward rules use
/// <see cref="ElementwiseDriver"/> with the operators in ElementwiseOperators.cs.
/// </summary>
public static class Elementwise
{
    // ---- forward ------------------------------------------------------------------------------------------------

    /// <summary>Effectively computes destination[i] = x[i] + y[i].</summary>
    public static void Add<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>
        => TensorPrimitives.Add(x, y, destination);

    /// <summary>Effectively computes destination[i] = x[i] − y[i].</summary>
    public static void Subtract<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>
        => TensorPrimitives.Subtract(x, y, destination);

    /// <summary>Effectively computes destination[i] = x[i] · y[i].</summary>
    public static void Multiply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>
        => TensorPrimitives.Multiply(x, y, destination);

    /// <summary>Effectively computes destination[i] = s · x[i].</summary>
    public static void Scale<T>(ReadOnlySpan<T> x, T s, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>
        => TensorPrimitives.Multiply(x, s, destination);

    /// <summary>Effectively computes destination[i] = x[i] + s.</summary>
    public static void AddScalar<T>(ReadOnlySpan<T> x, T s, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>
        => TensorPrimitives.Add(x, s, destination);

    /// <summary>Effectively computes destination[i] = −x[i].</summary>
    public static void Negate<T>(ReadOnlySpan<T> x, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>
        => TensorPrimitives.Negate(x, destination);

    /// <summary>Effectively computes destination[i] = max(x[i], 0).</summary>
    public static void Relu<T>(ReadOnlySpan<T> x, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>
        => TensorPrimitives.Max(x, T.Zero, destination);

    /// <summary>Effectively computes destination[i] = tanh(x[i]).</summary>
    public static void Tanh<T>(ReadOnlySpan<T> x, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>
        => TensorPrimitives.Tanh(x, destination);

    /// <summary>Effectively computes destination[i] = eˣ⁽ⁱ⁾.</summary>
    public static void Exp<T>(ReadOnlySpan<T> x, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>
        => TensorPrimitives.Exp(x, destination);

    /// <summary>Effectively computes destination[i] = ln x[i].</summary>
    public static void Log<T>(ReadOnlySpan<T> x, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>
        => TensorPrimitives.Log(x, destination);

    /// <summary>Effectively computes destination[i] = log(1 + e^x[i]), stably (see <see cref="SoftplusOperator{T}"/>).</summary>
    public static void Softplus<T>(ReadOnlySpan<T> x, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>
        => ElementwiseDriver.Unary(new SoftplusOperator<T>(), x, destination);

    /// <summary>Effectively computes destination[i] = x[i]².</summary>
    public static void Square<T>(ReadOnlySpan<T> x, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>
        => TensorPrimitives.Multiply(x, x, destination);

    /// <summary>Effectively computes destination[i] = min(max(x[i], low), high).</summary>
    public static void Clamp<T>(ReadOnlySpan<T> x, T low, T high, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (low > high)
            throw new ArgumentException($"The clamp's low bound ({low}) exceeds its high bound ({high}).", nameof(low));
        TensorPrimitives.Max(x, low, destination);
        TensorPrimitives.Min(destination, high, destination);
    }

    /// <summary>Effectively computes destination[i] = min(x[i], y[i]) (the twin-Q minimum).</summary>
    public static void Min<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>
        => TensorPrimitives.Min(x, y, destination);

    // ---- backward -----------------------------------------------------------------------------------------------

    /// <summary>Effectively computes destination[i] (+)= source[i] (the gradient of an identity-like op).</summary>
    public static void Accumulate<T>(ReadOnlySpan<T> source, Span<T> destination, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T>
        => ElementwiseDriver.Unary(new IdentityOperator<T>(), source, destination, accumulate);

    /// <summary>Effectively computes destination[i] (+)= s · source[i].</summary>
    public static void ScaleAccumulate<T>(ReadOnlySpan<T> source, T s, Span<T> destination, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T>
        => ElementwiseDriver.Unary(new ScaleOperator<T>(s), source, destination, accumulate);

    /// <summary>Effectively computes destination[i] (+)= grad[i] · y[i] (Mul's backward; Exp's, with y = its result).</summary>
    public static void MultiplyAccumulate<T>(ReadOnlySpan<T> grad, ReadOnlySpan<T> y, Span<T> destination, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T>
        => ElementwiseDriver.Binary(new MultiplyOperator<T>(), grad, y, destination, accumulate);

    /// <summary>Effectively computes destination[i] (+)= grad[i] / y[i] (Log's backward, with y = its input).</summary>
    public static void DivideAccumulate<T>(ReadOnlySpan<T> grad, ReadOnlySpan<T> y, Span<T> destination, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T>
        => ElementwiseDriver.Binary(new DivideOperator<T>(), grad, y, destination, accumulate);

    /// <summary>Effectively computes destination[i] (+)= grad[i] · [result[i] &gt; 0] (ReLU's mask-multiply).</summary>
    public static void ReluBackward<T>(ReadOnlySpan<T> grad, ReadOnlySpan<T> result, Span<T> destination, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T>
        => ElementwiseDriver.Binary(new ReluBackwardOperator<T>(), grad, result, destination, accumulate);

    /// <summary>Effectively computes destination[i] (+)= grad[i] · (1 − result[i]²).</summary>
    public static void TanhBackward<T>(ReadOnlySpan<T> grad, ReadOnlySpan<T> result, Span<T> destination, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T>
        => ElementwiseDriver.Binary(new TanhBackwardOperator<T>(), grad, result, destination, accumulate);

    /// <summary>Effectively computes destination[i] (+)= grad[i] · σ(x[i]).</summary>
    public static void SoftplusBackward<T>(ReadOnlySpan<T> grad, ReadOnlySpan<T> x, Span<T> destination, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T>
        => ElementwiseDriver.Binary(new SoftplusBackwardOperator<T>(), grad, x, destination, accumulate);

    /// <summary>Effectively computes destination[i] (+)= 2·x[i]·grad[i].</summary>
    public static void SquareBackward<T>(ReadOnlySpan<T> grad, ReadOnlySpan<T> x, Span<T> destination, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T>
        => ElementwiseDriver.Binary(new SquareBackwardOperator<T>(), grad, x, destination, accumulate);

    /// <summary>Effectively computes destination[i] (+)= grad[i] · [low ≤ x[i] ≤ high].</summary>
    public static void ClampBackward<T>(ReadOnlySpan<T> grad, ReadOnlySpan<T> x, T low, T high, Span<T> destination, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T>
        => ElementwiseDriver.Binary(new ClampBackwardOperator<T>(low, high), grad, x, destination, accumulate);

    /// <summary>Effectively computes destination[i] (+)= grad[i] · [a[i] ≤ b[i]] (min's gradient into its first argument; ties go here).</summary>
    public static void MinBackwardFirst<T>(ReadOnlySpan<T> grad, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> destination, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T>
        => ElementwiseDriver.Ternary(new MinBackwardFirstOperator<T>(), grad, a, b, destination, accumulate);

    /// <summary>Effectively computes destination[i] (+)= grad[i] · [b[i] &lt; a[i]] (min's gradient into its second argument).</summary>
    public static void MinBackwardSecond<T>(ReadOnlySpan<T> grad, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> destination, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T>
        => ElementwiseDriver.Ternary(new MinBackwardSecondOperator<T>(), grad, a, b, destination, accumulate);
}
