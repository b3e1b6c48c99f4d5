using System.Numerics;
using Sac.Kernels.Threading;

namespace Sac.Kernels;

/// <summary>
/// An elementwise optimizer kernel over <see cref="WorkerPool"/>: chunk c of C covers a contiguous range of the flat
/// buffers, cut on 64-element blocks. Every element's update depends on that element alone, and every range starts on a
/// multiple of every vector width, so each element takes the same path (vector or tail) whatever the cut: the result is
/// bitwise identical for any chunk and thread count. One job object per calling thread, reused: a parallel call allocates
/// nothing.
/// </summary>
internal abstract class RangeJob : ChunkedJob
{
    /// <summary>Elements in the buffers.</summary>
    public int Length;

    /// <inheritdoc/>
    protected sealed override void RunChunk(int chunk)
    {
        // Chunks start on multiples of 64 elements, so each vector loop covers whole cache lines.
        int blocks = (Length + 63) / 64;
        int start = Math.Min((int)((long)blocks * chunk / Chunks) * 64, Length);
        int end = Math.Min((int)((long)blocks * (chunk + 1) / Chunks) * 64, Length);
        if (end > start)
            Update(start, end - start);
    }

    /// <summary>Updates elements [start, start + length).</summary>
    protected abstract void Update(int start, int length);
}

/// <summary><see cref="OptimizerKernels.Adam{T}(Span{T}, ReadOnlySpan{T}, Span{T}, Span{T}, T, T, T, T, long, T, int)"/> in chunks.</summary>
internal sealed unsafe class AdamJob<T> : RangeJob where T : unmanaged, IFloatingPointIeee754<T>
{
    [ThreadStatic]
    private static AdamJob<T>? t_current;

    /// <summary>The calling thread's job object.</summary>
    public static AdamJob<T> Current => t_current ??= new AdamJob<T>();

    public T* Parameters, Gradient, M, V;
    public AdamOperator<T> Operator;

    protected override void Update(int start, int length) =>
        ElementwiseDriver.Update(Operator, new ReadOnlySpan<T>(Gradient + start, length),
            new Span<T>(Parameters + start, length), new Span<T>(M + start, length), new Span<T>(V + start, length));
}

/// <summary><see cref="OptimizerKernels.Polyak{T}(Span{T}, ReadOnlySpan{T}, T, int)"/> in chunks.</summary>
internal sealed unsafe class PolyakJob<T> : RangeJob where T : unmanaged, IFloatingPointIeee754<T>
{
    [ThreadStatic]
    private static PolyakJob<T>? t_current;

    /// <summary>The calling thread's job object.</summary>
    public static PolyakJob<T> Current => t_current ??= new PolyakJob<T>();

    public T* Target, Source;
    public PolyakOperator<T> Operator;

    protected override void Update(int start, int length)
    {
        var target = new Span<T>(Target + start, length);
        ElementwiseDriver.Binary(Operator, target, new ReadOnlySpan<T>(Source + start, length), target);
    }
}

/// <summary>
/// <see cref="OptimizerKernels.AddSumOfSquares{T}(Span{T}, ReadOnlySpan{T}, int)"/> in chunks of
/// <see cref="OptimizerKernels.SumChunk"/> elements, fixed by the length alone: each chunk's sum of squares lands in its
/// own slot, and <see cref="Total"/> adds the slots in chunk order.
/// </summary>
internal sealed unsafe class SumOfSquaresJob<T> : ChunkedJob where T : unmanaged, IFloatingPointIeee754<T>
{
    [ThreadStatic]
    private static SumOfSquaresJob<T>? t_current;

    /// <summary>The calling thread's job object.</summary>
    public static SumOfSquaresJob<T> Current => t_current ??= new SumOfSquaresJob<T>();

    private T* _total, _other;
    private int _length;
    private double[] _sums = [];

    /// <summary>The chunks of the buffers given to <see cref="Start"/>.</summary>
    public int ChunkCount => (_length + OptimizerKernels.SumChunk - 1) / OptimizerKernels.SumChunk;

    /// <summary>Prepares a run over <paramref name="length"/> elements (grows the slots the first time only).</summary>
    public void Start(T* total, T* other, int length)
    {
        _total = total;
        _other = other;
        _length = length;
        if (_sums.Length < ChunkCount)
            _sums = new double[ChunkCount];
    }

    /// <inheritdoc/>
    protected override void RunChunk(int chunk)
    {
        int start = chunk * OptimizerKernels.SumChunk;
        int length = Math.Min(OptimizerKernels.SumChunk, _length - start);
        _sums[chunk] = OptimizerKernels.AddSumOfSquares(new Span<T>(_total + start, length), new ReadOnlySpan<T>(_other + start, length));
    }

    /// <summary>Σ of the chunks' sums, in chunk order (after the run has joined).</summary>
    public double Total()
    {
        double sum = 0;
        for (int c = 0; c < ChunkCount; c++)
            sum += _sums[c];
        return sum;
    }
}
