using System.Numerics;
using Sac.Autodiff;
using Sac.Kernels;

namespace Sac.Core.Optimization;

/// <summary>
/// Polyak averaging of a target network toward its source, ψ̄ ← τψ + (1 − τ)ψ̄ (the paper's target update), in one
/// pass over the flat parameter buffers: the counterpart of <see cref="Adam{T}"/> for target networks.
/// </summary>
public static class Polyak
{
    /// <summary>
    /// Moves <paramref name="target"/> τ of the way toward <paramref name="source"/>.
    /// CRUCIAL: the direction. The target moves toward the source; the source is only read.
    /// </summary>
    /// <param name="target">ψ̄ (or θ̄): the parameters written.</param>
    /// <param name="source">ψ (or θ): the trained parameters, read only. Same layout as the target.</param>
    /// <param name="tau">τ in [0, 1].</param>
    /// <param name="threads">Threads the pass may use; the result is bitwise identical for any count.</param>
    public static void Update<T>(FlatParameters<T> target, FlatParameters<T> source, double tau, int threads = 1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(source);
        if (target.Count != source.Count)
            throw new ArgumentException($"The target has {target.Count} parameters and the source {source.Count}: they must share one layout.", nameof(target));
        OptimizerKernels.Polyak(target.Values, source.Values, T.CreateChecked(tau), threads);
    }
}
