using System.Numerics;

namespace Sac.Kernels;

/// <summary>
/// Optimizer updates fused into one pass over flat buffers: Adam (PyTorch's semantics), Polyak averaging, and the sum of
/// two gradients with its squared norm. Each is an operator (<see cref="AdamOperator{T}"/>,
/// <see cref="PolyakOperator{T}"/>, <see cref="AddOperator{T}"/> with <see cref="SquareOperator{T}"/>) run by
/// <see cref="ElementwiseDriver"/>, which owns the loops and the ISA dispatch; the threaded overloads split the buffers
/// into chunks that the threads claim (OptimizerJobs.cs).
/// </summary>
public static unsafe class OptimizerKernels
{
    /// <summary>Below this many elements a second thread costs more to wake than it saves.</summary>
    private const int MinParallelLength = 1 << 14;

    /// <summary>Chunks per thread of Adam and Polyak: enough that a thread starting late (its core busy) simply claims fewer.</summary>
    private const int ChunksPerPart = 4;

    /// <summary>
    /// One Adam step (Kingma and Ba 2015) in PyTorch's formulation (torch.optim.Adam, no weight decay, no amsgrad), in one pass:
    /// <code>
    /// g  = gradScale · gradient                    (gradScale ≠ 1 is how gradient-norm clipping is applied)
    /// m ← m + (1 − β1)·(g − m)                     (= β1·m + (1 − β1)·g, as torch's lerp)
    /// v ← β2·v + (1 − β2)·g²
    /// p ← p − (lr / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + ε)     (bias correction; ε outside the square root)
    /// </code>
    /// <paramref name="step"/> is t, counted from 1 for the first update.
    /// </summary>
    public static void Adam<T>(Span<T> parameters, ReadOnlySpan<T> gradient, Span<T> m, Span<T> v,
        T learningRate, T beta1, T beta2, T epsilon, long step, T gradScale)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Adam(parameters, gradient, m, v, learningRate, beta1, beta2, epsilon, step, gradScale, threads: 1);
    }

    /// <summary>
    /// <see cref="Adam{T}(Span{T}, ReadOnlySpan{T}, Span{T}, Span{T}, T, T, T, T, long, T)"/> split over up to
    /// <paramref name="threads"/> threads (contiguous ranges; bitwise identical for any thread count).
    /// </summary>
    public static void Adam<T>(Span<T> parameters, ReadOnlySpan<T> gradient, Span<T> m, Span<T> v,
        T learningRate, T beta1, T beta2, T epsilon, long step, T gradScale, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = parameters.Length;
        if (gradient.Length != n || m.Length != n || v.Length != n)
            throw new ArgumentException($"Adam buffers differ in length (parameters {n}, gradient {gradient.Length}, m {m.Length}, v {v.Length}).");
        var op = new AdamOperator<T>(learningRate, beta1, beta2, epsilon, step, gradScale);
        int parts = Parts(n, threads);
        if (parts == 1)
        {
            ElementwiseDriver.Update(op, gradient, parameters, m, v);
            return;
        }
        fixed (T* p = parameters, g = gradient, pm = m, pv = v)
        {
            var job = AdamJob<T>.Current;
            job.Length = n;
            job.Parameters = p;
            job.Gradient = g;
            job.M = pm;
            job.V = pv;
            job.Operator = op;
            job.Run(parts * ChunksPerPart, parts);
        }
    }

    /// <summary>
    /// Polyak averaging, target ← (1 − τ)·target + τ·source, in one pass (SB3's polyak_update; the source is only read).
    /// CRUCIAL: the direction. The target moves τ of the way toward the source, never the reverse.
    /// </summary>
    public static void Polyak<T>(Span<T> target, ReadOnlySpan<T> source, T tau) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Polyak(target, source, tau, threads: 1);
    }

    /// <summary><see cref="Polyak{T}(Span{T}, ReadOnlySpan{T}, T)"/> split over up to <paramref name="threads"/> threads
    /// (contiguous ranges; bitwise identical for any thread count).</summary>
    public static void Polyak<T>(Span<T> target, ReadOnlySpan<T> source, T tau, int threads) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (target.Length != source.Length)
            throw new ArgumentException($"Polyak buffers differ in length (target {target.Length}, source {source.Length}).");
        if (!(tau >= T.Zero && tau <= T.One))
            throw new ArgumentOutOfRangeException(nameof(tau), tau, "τ must lie in [0, 1].");
        var op = new PolyakOperator<T>(tau);
        int parts = Parts(target.Length, threads);
        if (parts == 1)
        {
            ElementwiseDriver.Binary(op, target, source, target);
            return;
        }
        fixed (T* t = target, s = source)
        {
            var job = PolyakJob<T>.Current;
            job.Length = target.Length;
            job.Target = t;
            job.Source = s;
            job.Operator = op;
            job.Run(parts * ChunksPerPart, parts);
        }
    }

    /// <summary>
    /// Effectively computes total[i] += other[i] for every i and returns Σ total[i]² (after the add), in one pass: the sum
    /// of two threads' gradients and the squared norm an optimizer checks it with. The squares are summed per vector lane
    /// and the lanes then in order (<see cref="ElementwiseDriver.BinaryAndSum"/>), so the result depends on the ISA and
    /// the length only.
    /// </summary>
    public static double AddSumOfSquares<T>(Span<T> total, ReadOnlySpan<T> other) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (total.Length != other.Length)
            throw new ArgumentException($"The buffers differ in length ({total.Length} and {other.Length}).");
        return double.CreateChecked(ElementwiseDriver.BinaryAndSum(new AddOperator<T>(), new SquareOperator<T>(), total, other, total));
    }

    /// <summary>
    /// <see cref="AddSumOfSquares{T}(Span{T}, ReadOnlySpan{T})"/> in fixed chunks of <see cref="SumChunk"/> elements, over
    /// up to <paramref name="threads"/> threads: each chunk's squares are summed as that overload sums them, and the
    /// chunks' sums then in chunk order, in double. The chunks depend on the length only, so the result is bitwise
    /// identical for any thread count (not to the one-chunk overload's, which sums every lane to the end in T).
    /// </summary>
    public static double AddSumOfSquares<T>(Span<T> total, ReadOnlySpan<T> other, int threads) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (total.Length != other.Length)
            throw new ArgumentException($"The buffers differ in length ({total.Length} and {other.Length}).");
        int parts = Parts(total.Length, threads);
        fixed (T* t = total, o = other)
        {
            var job = SumOfSquaresJob<T>.Current;
            job.Start(t, o, total.Length);
            job.Run(job.ChunkCount, parts);
            return job.Total();
        }
    }

    /// <summary>Elements per chunk of the threaded <see cref="AddSumOfSquares{T}(Span{T}, ReadOnlySpan{T}, int)"/>: a
    /// multiple of every vector width, and of 64 elements (whole cache lines). Part of the arithmetic: never change it
    /// with the thread count.</summary>
    public const int SumChunk = 8192;

    /// <summary>Threads worth using on <paramref name="length"/> elements (a speed choice: the results do not depend on it).</summary>
    private static int Parts(int length, int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        return length < MinParallelLength ? 1 : Math.Min(threads, Threading.WorkerPool.MaxParts);
    }
}
