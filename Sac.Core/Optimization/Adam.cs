using System.Numerics;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using Sac.Autodiff;
using Sac.Kernels;

namespace Sac.Core.Optimization;

/// <summary>Adam's hyperparameters, with PyTorch's defaults (torch.optim.Adam).</summary>
/// <param name="LearningRate">Step size lr (3e-4 in the SAC paper, Table 1).</param>
/// <param name="Beta1">First-moment decay β1 (0.9, PyTorch).</param>
/// <param name="Beta2">Second-moment decay β2 (0.999, PyTorch).</param>
/// <param name="Epsilon">ε added to √v̂ (1e-8, PyTorch).</param>
/// <param name="MaxGradNorm">If set, gradients are scaled so their global L2 norm is at most this (torch.nn.utils.clip_grad_norm_).</param>
public sealed record AdamOptions(double LearningRate = 3e-4, double Beta1 = 0.9, double Beta2 = 0.999, double Epsilon = 1e-8, double? MaxGradNorm = null);

/// <summary>Raised instead of updating weights from a NaN or infinite gradient; the weights are left exactly as they were.</summary>
public sealed class NonFiniteGradientException(string message) : Exception(message);

/// <summary>
/// Adam over one <see cref="FlatParameters{T}"/>, with PyTorch's semantics: bias-corrected moments, ε outside the square
/// root. One optimizer per network (actor, critic, value, temperature), so each has its own learning rate.
/// A step is one pass over the gradient (its norm: for clipping, and to refuse NaN/Inf) and one fused Adam pass.
/// </summary>
public sealed class Adam<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[] _m;
    private readonly T[] _v;

    /// <summary>Creates the optimizer with zeroed moments.</summary>
    public Adam(FlatParameters<T> parameters, AdamOptions options, string name = "parameters")
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(options);
        if (!(options.LearningRate > 0) || !(options.Beta1 is >= 0 and < 1) || !(options.Beta2 is >= 0 and < 1) || !(options.Epsilon > 0) || options.MaxGradNorm is <= 0)
            throw new ArgumentOutOfRangeException(nameof(options), $"Invalid Adam options {options}: need lr > 0, β1 and β2 in [0, 1), ε > 0, max grad norm > 0.");
        Parameters = parameters;
        Options = options;
        Name = name;
        _m = new T[parameters.Count];
        _v = new T[parameters.Count];
    }

    /// <summary>The parameters this optimizer updates.</summary>
    public FlatParameters<T> Parameters { get; }

    /// <summary>The hyperparameters.</summary>
    public AdamOptions Options { get; }

    /// <summary>Names the network in error messages.</summary>
    public string Name { get; }

    /// <summary>Number of steps taken (t in the bias corrections).</summary>
    public long Step { get; private set; }

    /// <summary>First moments m, aligned with <see cref="FlatParameters{T}.Values"/> (for checkpoints).</summary>
    public Span<T> FirstMoments => _m;

    /// <summary>Second moments v, aligned with <see cref="FlatParameters{T}.Values"/> (for checkpoints).</summary>
    public Span<T> SecondMoments => _v;

    /// <summary>Threads the update may use (≥ 1); the result is bitwise identical for any value.</summary>
    public int Threads
    {
        get => _threads;
        set => _threads = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "Threads must be at least 1.");
    }

    private int _threads = 1;

    /// <summary>The global L2 norm of the gradient at the last step, before clipping.</summary>
    public double LastGradNorm { get; private set; }

    /// <summary>Restores the step count (with the moments, through <see cref="FirstMoments"/>/<see cref="SecondMoments"/>) from a checkpoint.</summary>
    public void Restore(long step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        Step = step;
    }

    /// <summary>
    /// Returns the global L2 norm of the current gradient, or throws <see cref="NonFiniteGradientException"/> if it is
    /// NaN or infinite. Lets a caller that steps several networks check them all before changing any.
    /// </summary>
    public double EnsureFinite() => EnsureFinite(double.CreateChecked(TensorPrimitives.SumOfSquares<T>(Parameters.Grads)));

    /// <summary>
    /// <see cref="EnsureFinite()"/> from the gradient's sum of squares, computed by the caller in a pass it makes anyway
    /// (the sum of several threads' gradients).
    /// </summary>
    public double EnsureFinite(double sumOfSquares)
    {
        double norm = Math.Sqrt(sumOfSquares);
        LastGradNorm = norm;
        if (!double.IsFinite(norm))
            throw new NonFiniteGradientException(
                $"The gradient of {Name} is not finite (norm {norm}); the update was refused and no weight changed. Inputs or losses are diverging (check rewards and observations for NaN or huge values, or lower the learning rate).");
        return norm;
    }

    /// <summary>
    /// Applies one update from the gradients currently in <see cref="Parameters"/>. Throws
    /// <see cref="NonFiniteGradientException"/>, changing nothing, if any gradient is NaN or infinite.
    /// </summary>
    public void Apply() => ApplyChecked(EnsureFinite());

    /// <summary>
    /// Applies one update given the gradient's norm from <see cref="EnsureFinite()"/> (which must have been called on the
    /// current gradient): how a caller that checked several networks first avoids a second pass over each gradient.
    /// </summary>
    internal void ApplyChecked(double norm)
    {
        var grads = Parameters.Grads;
        // torch.nn.utils.clip_grad_norm_: coefficient max_norm / (norm + 1e-6), clamped to at most 1.
        double scale = Options.MaxGradNorm is double max ? Math.Min(1.0, max / (norm + 1e-6)) : 1.0;
        Step++;
        OptimizerKernels.Adam(Parameters.Values, grads, _m, _v,
            T.CreateChecked(Options.LearningRate), T.CreateChecked(Options.Beta1), T.CreateChecked(Options.Beta2),
            T.CreateChecked(Options.Epsilon), Step, T.CreateChecked(scale), _threads);
    }
}
