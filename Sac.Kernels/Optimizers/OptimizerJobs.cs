using System.Numerics;
using Sac.Kernels.Threading;

namespace Sac.Kernels;

/// <summary>
/// An optimizer kernel split over <see cref="WorkerPool"/>: each part updates one contiguous range of the flat buffers.
/// Every element's update depends on that element alone, so the result is bitwise identical for any thread count.
/// One job object per calling thread, reused: a parallel call allocates nothing.
/// </summary>
internal abstract unsafe class RangeJob<T> : WorkerJob where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Below this many elements a second thread costs more to wake than it saves.</summary>
    public const int MinParallelLength = 1 << 14;

    /// <summary>Chunks per part: enough that a thread starting late (its core busy) simply claims fewer.</summary>
    private const int ChunksPerPart = 4;

    /// <summary>Elements in the buffers.</summary>
    public int Length;

    private int _chunks;
    private int _nextChunk;

    /// <summary>Prepares a run in <paramref name="parts"/> parts: resets the chunk counter.</summary>
    public void Prepare(int parts)
    {
        _chunks = parts * ChunksPerPart;
        _nextChunk = 0;
    }

    /// <inheritdoc/>
    public sealed override void Execute(int part, int parts)
    {
        // Chunks start on multiples of 64 elements, so each vector loop covers whole cache lines; every element's update
        // is independent of the others, so which thread claims a chunk never changes a bit.
        int blocks = (Length + 63) / 64;
        while (true)
        {
            int chunk = Interlocked.Increment(ref _nextChunk) - 1;
            if (chunk >= _chunks)
                return;
            int start = Math.Min((int)((long)blocks * chunk / _chunks) * 64, Length);
            int end = Math.Min((int)((long)blocks * (chunk + 1) / _chunks) * 64, Length);
            if (end > start)
                Update(start, end - start);
        }
    }

    /// <summary>Updates elements [start, start + length).</summary>
    protected abstract void Update(int start, int length);
}

/// <summary><see cref="OptimizerKernels.Adam{T}(Span{T}, ReadOnlySpan{T}, Span{T}, Span{T}, T, T, T, T, long, T, int)"/> in parts.</summary>
internal sealed unsafe class AdamJob<T> : RangeJob<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    [ThreadStatic]
    private static AdamJob<T>? t_current;

    /// <summary>The calling thread's job object.</summary>
    public static AdamJob<T> Current => t_current ??= new AdamJob<T>();

    public T* Parameters, Gradient, M, V;
    public T LearningRate, Beta1, Beta2, Epsilon, GradScale;
    public long Step;

    protected override void Update(int start, int length) =>
        OptimizerKernels.AdamRange(new Span<T>(Parameters + start, length), new ReadOnlySpan<T>(Gradient + start, length),
            new Span<T>(M + start, length), new Span<T>(V + start, length), LearningRate, Beta1, Beta2, Epsilon, Step, GradScale);
}

/// <summary><see cref="OptimizerKernels.Polyak{T}(Span{T}, ReadOnlySpan{T}, T, int)"/> in parts.</summary>
internal sealed unsafe class PolyakJob<T> : RangeJob<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    [ThreadStatic]
    private static PolyakJob<T>? t_current;

    /// <summary>The calling thread's job object.</summary>
    public static PolyakJob<T> Current => t_current ??= new PolyakJob<T>();

    public T* Target, Source;
    public T Tau;

    protected override void Update(int start, int length) =>
        OptimizerKernels.PolyakRange(new Span<T>(Target + start, length), new ReadOnlySpan<T>(Source + start, length), Tau);
}

/// <summary>
/// <see cref="OptimizerKernels.AddSumOfSquares{T}(Span{T}, ReadOnlySpan{T}, int)"/> in parts: threads claim fixed chunks,
/// each chunk's sum of squares lands in its own slot, and <see cref="Total"/> adds the slots in chunk order.
/// </summary>
internal sealed unsafe class SumOfSquaresJob<T> : WorkerJob where T : unmanaged, IFloatingPointIeee754<T>
{
    [ThreadStatic]
    private static SumOfSquaresJob<T>? t_current;

    /// <summary>The calling thread's job object.</summary>
    public static SumOfSquaresJob<T> Current => t_current ??= new SumOfSquaresJob<T>();

    private T* _total, _other;
    private int _length, _chunks, _nextChunk;
    private double[] _sums = [];

    /// <summary>Prepares a run over <paramref name="chunks"/> chunks (grows the slots the first time only).</summary>
    public void Start(T* total, T* other, int length, int chunks)
    {
        _total = total;
        _other = other;
        (_length, _chunks, _nextChunk) = (length, chunks, 0);
        if (_sums.Length < chunks)
            _sums = new double[chunks];
    }

    /// <inheritdoc/>
    public override void Execute(int part, int parts)
    {
        while (true)
        {
            int chunk = Interlocked.Increment(ref _nextChunk) - 1;
            if (chunk >= _chunks)
                return;
            int start = chunk * OptimizerKernels.SumChunk;
            int length = Math.Min(OptimizerKernels.SumChunk, _length - start);
            _sums[chunk] = OptimizerKernels.AddSumOfSquares(new Span<T>(_total + start, length), new ReadOnlySpan<T>(_other + start, length));
        }
    }

    /// <summary>Σ of the chunks' sums, in chunk order (after the run has joined).</summary>
    public double Total()
    {
        double sum = 0;
        for (int c = 0; c < _chunks; c++)
            sum += _sums[c];
        return sum;
    }
}
