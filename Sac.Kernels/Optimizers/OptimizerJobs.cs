using System.Numerics;
using Sac.Kernels.Threading;

namespace Sac.Kernels;

/// <summary>
/// The optimizer kernels split over <see cref="WorkerPool"/>: each part updates a contiguous range of the flat buffers.
/// Every element's update depends on that element alone, so the result is bitwise identical for any thread count.
/// One job object per calling thread, reused: a parallel call allocates nothing.
/// </summary>
internal sealed unsafe class OptimizerJob<T> : WorkerJob where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Below this many elements a second thread costs more to wake than it saves.</summary>
    public const int MinParallelLength = 1 << 14;

    [ThreadStatic]
    private static OptimizerJob<T>? t_current;

    public bool IsAdam;
    public int Length;
    public T* P, G, M, V;
    public T LearningRate, Beta1, Beta2, Epsilon, GradScale, Tau;
    public long Step;

    /// <summary>The calling thread's job object.</summary>
    public static OptimizerJob<T> Current => t_current ??= new OptimizerJob<T>();

    /// <inheritdoc/>
    public override void Execute(int part, int parts)
    {
        // Ranges start on multiples of 64 elements, so each part's vector loop covers whole cache lines.
        int blocks = (Length + 63) / 64;
        int start = Math.Min(blocks * part / parts * 64, Length);
        int end = Math.Min(blocks * (part + 1) / parts * 64, Length);
        int n = end - start;
        if (n <= 0)
            return;
        if (IsAdam)
            OptimizerKernels.Adam(new Span<T>(P + start, n), new ReadOnlySpan<T>(G + start, n), new Span<T>(M + start, n), new Span<T>(V + start, n),
                LearningRate, Beta1, Beta2, Epsilon, Step, GradScale);
        else
            OptimizerKernels.Polyak(new Span<T>(P + start, n), new ReadOnlySpan<T>(G + start, n), Tau);
    }
}
