using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Sac.Kernels;

// The operators behind OptimizerKernels, run by ElementwiseDriver. Each summary is the formula it computes.
// NOTE: the scalar and vector forms perform the same IEEE operations in the same order (the JIT fuses no multiply-add
// on its own, and a vector square root or division rounds as the scalar one), so an element's bits do not depend on
// the ISA path or on whether it falls in a vector or in the tail.

/// <summary>
/// One Adam step of one element in PyTorch's formulation (x = gradient; a = p, b = m, c = v updated in place):
/// <code>
/// g  = gradScale · gradient
/// m ← m + (1 − β1)·(g − m)
/// v ← β2·v + (1 − β2)·g²
/// p ← p − (lr / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + ε)
/// </code>
/// The step's constants are computed once, in the constructor.
/// </summary>
/// <remarks>
/// NOTE: the constants are kept broadcast (Vector512; the 256-bit form reads their lower half, the scalar form their
/// first lane), so the loop broadcasts nothing per vector: the JIT does not hoist a <c>Vector256.Create</c> out of a loop
/// with this many live vectors, and reading a lower half folds into the arithmetic's memory operand.
/// </remarks>
public readonly struct AdamOperator<T> : IStateUpdateOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Vector512<T> _gradScale, _oneMinusBeta1, _beta2, _oneMinusBeta2, _biasCorrection2Sqrt, _epsilon, _stepSize;

    /// <summary>The operator of step <paramref name="step"/> (t, from 1).</summary>
    public AdamOperator(T learningRate, T beta1, T beta2, T epsilon, long step, T gradScale)
    {
        if (step < 1)
            throw new ArgumentOutOfRangeException(nameof(step), step, "Adam's step count starts at 1.");
        T biasCorrection1 = T.One - T.Pow(beta1, T.CreateChecked(step));
        T biasCorrection2Sqrt = T.Sqrt(T.One - T.Pow(beta2, T.CreateChecked(step)));
        _stepSize = Vector512.Create(learningRate / biasCorrection1);
        _biasCorrection2Sqrt = Vector512.Create(biasCorrection2Sqrt);
        _oneMinusBeta1 = Vector512.Create(T.One - beta1);
        _oneMinusBeta2 = Vector512.Create(T.One - beta2);
        _gradScale = Vector512.Create(gradScale);
        _beta2 = Vector512.Create(beta2);
        _epsilon = Vector512.Create(epsilon);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // larger than the inliner takes on its own; a call per vector would spill the state
    public void Invoke(T gradient, ref T p, ref T m, ref T v)
    {
        T g = gradient * _gradScale.ToScalar();
        m += _oneMinusBeta1.ToScalar() * (g - m);
        v = _beta2.ToScalar() * v + _oneMinusBeta2.ToScalar() * (g * g);
        T denom = T.Sqrt(v) / _biasCorrection2Sqrt.ToScalar() + _epsilon.ToScalar();
        p -= _stepSize.ToScalar() * m / denom;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke(Vector256<T> gradient, ref Vector256<T> p, ref Vector256<T> m, ref Vector256<T> v)
    {
        var g = gradient * _gradScale.GetLower();
        m += _oneMinusBeta1.GetLower() * (g - m);
        v = _beta2.GetLower() * v + _oneMinusBeta2.GetLower() * (g * g);
        var denom = Vector256.Sqrt(v) / _biasCorrection2Sqrt.GetLower() + _epsilon.GetLower();
        p -= _stepSize.GetLower() * m / denom;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke(Vector512<T> gradient, ref Vector512<T> p, ref Vector512<T> m, ref Vector512<T> v)
    {
        var g = gradient * _gradScale;
        m += _oneMinusBeta1 * (g - m);
        v = _beta2 * v + _oneMinusBeta2 * (g * g);
        var denom = Vector512.Sqrt(v) / _biasCorrection2Sqrt + _epsilon;
        p -= _stepSize * m / denom;
    }
}

/// <summary>
/// Polyak averaging of one element, target·(1 − τ) + τ·source (x = target, y = source).
/// CRUCIAL: the direction. The result replaces the target; the source is only read.
/// </summary>
/// <remarks>NOTE: τ and 1 − τ are kept broadcast, as <see cref="AdamOperator{T}"/>'s constants are, and for the same reason.</remarks>
public readonly struct PolyakOperator<T> : IBinaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Vector512<T> _keep, _tau;

    /// <summary>The operator for τ = <paramref name="tau"/> (in [0, 1]; the kernel checks it).</summary>
    public PolyakOperator(T tau) => (_keep, _tau) = (Vector512.Create(T.One - tau), Vector512.Create(tau));

    /// <inheritdoc/>
    public T Invoke(T target, T source) => target * _keep.ToScalar() + _tau.ToScalar() * source;
    /// <inheritdoc/>
    public Vector256<T> Invoke(Vector256<T> target, Vector256<T> source) => target * _keep.GetLower() + _tau.GetLower() * source;
    /// <inheritdoc/>
    public Vector512<T> Invoke(Vector512<T> target, Vector512<T> source) => target * _keep + _tau * source;
}
