using System.Numerics;
using Sac.Kernels.Threading;

namespace Sac.Kernels;

/// <summary>
/// A GEMM call handed to <see cref="WorkerPool"/>: C's rows (or columns) cut into chunks on whole tiles, which the
/// threads claim (<see cref="ChunkedJob"/>). One instance per calling thread and kernel, reused, so a parallel call
/// allocates nothing.
/// </summary>
internal sealed unsafe class GemmJob<T, TKernel> : ChunkedJob
    where T : unmanaged, IFloatingPointIeee754<T>
    where TKernel : struct, IMicroKernel<T>
{
    [ThreadStatic]
    private static GemmJob<T, TKernel>? t_current;

    public GemmArgs<T> Args;
    public GemmPath Path;
    public bool SplitN;
    /// <summary>Chunks start and end on multiples of this many rows (or columns): whole tiles or GEMV blocks.</summary>
    public int Unit;

    /// <summary>The calling thread's job object.</summary>
    public static GemmJob<T, TKernel> Current => t_current ??= new GemmJob<T, TKernel>();

    /// <inheritdoc/>
    protected override void RunChunk(int chunk)
    {
        // Which thread computes a chunk never changes its bits: every element is summed in the same order anyway.
        int extent = SplitN ? Args.N : Args.M;
        long units = (extent + Unit - 1) / Unit;
        int start = (int)Math.Min(units * chunk / Chunks * Unit, extent);
        int end = (int)Math.Min(units * (chunk + 1) / Chunks * Unit, extent);
        if (start >= end)
            return;
        if (SplitN)
            GemmDriver<T, TKernel>.Execute(Args, Path, 0, Args.M, start, end);
        else
            GemmDriver<T, TKernel>.Execute(Args, Path, start, end, 0, Args.N);
    }
}
