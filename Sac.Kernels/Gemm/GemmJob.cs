using System.Numerics;
using Sac.Kernels.Threading;

namespace Sac.Kernels;

/// <summary>
/// A GEMM call handed to <see cref="WorkerPool"/>: every part claims chunks of C's rows (or columns), cut on whole
/// tiles, until none are left. One instance per calling thread and kernel, reused, so a parallel call allocates nothing.
/// </summary>
internal sealed unsafe class GemmJob<T, TKernel> : WorkerJob
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
    /// <summary>How many chunks the rows (or columns) are cut into.</summary>
    public int Chunks;
    /// <summary>The next chunk to claim; reset to 0 before each run.</summary>
    public int NextChunk;

    /// <summary>The calling thread's job object.</summary>
    public static GemmJob<T, TKernel> Current => t_current ??= new GemmJob<T, TKernel>();

    /// <inheritdoc/>
    public override void Execute(int part, int parts)
    {
        int extent = SplitN ? Args.N : Args.M;
        long units = (extent + Unit - 1) / Unit;
        while (true)
        {
            // Which thread computes a chunk never changes its bits: every element is summed in the same order anyway.
            int chunk = Interlocked.Increment(ref NextChunk) - 1;
            if (chunk >= Chunks)
                return;
            int start = (int)Math.Min(units * chunk / Chunks * Unit, extent);
            int end = (int)Math.Min(units * (chunk + 1) / Chunks * Unit, extent);
            if (start >= end)
                continue;
            if (SplitN)
                GemmDriver<T, TKernel>.Execute(Args, Path, 0, Args.M, start, end);
            else
                GemmDriver<T, TKernel>.Execute(Args, Path, start, end, 0, Args.N);
        }
    }
}
