namespace Sac.Kernels.Threading;

/// <summary>
/// Work cut into a fixed number of chunks that threads claim one at a time until none is left: the one "claim a chunk"
/// loop of everything that splits work over <see cref="WorkerPool"/>. A thread that starts late (its core busy with
/// another process) simply claims fewer chunks, and the caller runs any part no worker has picked up, so a run never
/// waits for a thread that has not started.
/// </summary>
/// <remarks>
/// <para>
/// To use it: derive, put the run's inputs in fields, and implement <see cref="RunChunk"/>. Keep one instance per
/// calling thread (a <c>[ThreadStatic]</c>) or per owner, and reuse it: set the fields, then call
/// <see cref="Run"/>. A run allocates nothing (no delegate, no closure, no per-run object).
/// </para>
/// <para>
/// Which thread runs a chunk, and in what order the chunks run, changes from run to run. The result is bitwise the same
/// for any thread count when (1) what a chunk computes depends on its index and the job's fields alone, never on the
/// thread or on how many threads there are, and (2) every chunk writes its own place (its own rows, its own slot of
/// partial sums), with anything that combines chunks done after <see cref="Run"/> returns, in chunk order. Choosing
/// the chunk count from the thread count is fine when (1) holds for any cut (an elementwise update); a reduction must
/// cut by the length alone (<c>OptimizerKernels.AddSumOfSquares</c>).
/// </para>
/// </remarks>
public abstract class ChunkedJob : WorkerJob
{
    private int _chunks;
    private int _nextChunk;

    /// <summary>The number of chunks of the current run (what <see cref="Run"/> was given).</summary>
    protected int Chunks => _chunks;

    /// <summary>
    /// Runs chunks 0 … <paramref name="chunks"/> − 1, each exactly once, on up to <paramref name="threads"/> threads of
    /// <paramref name="pool"/> (<see cref="WorkerPool.Shared"/> when null; never more threads than chunks or than
    /// <see cref="WorkerPool.MaxParts"/>), and returns when all are done. The calling thread takes part. With one thread,
    /// or one chunk, the chunks run in order on the calling thread and the pool is not touched.
    /// Rethrows the first exception a chunk threw; chunks claimed after it by other threads still run, and after an
    /// exception on a single thread the later chunks do not.
    /// </summary>
    public void Run(int chunks, int threads, WorkerPool? pool = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(chunks);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        _chunks = chunks;
        _nextChunk = 0;
        int parts = Math.Min(Math.Min(threads, chunks), WorkerPool.MaxParts);
        if (parts <= 1)
            Execute(0, 1);
        else
            (pool ?? WorkerPool.Shared).Run(this, parts);
    }

    /// <summary>Claims chunks until none is left (the part number plays no role: any part may run any chunk).</summary>
    public sealed override void Execute(int part, int parts)
    {
        while (true)
        {
            int chunk = Interlocked.Increment(ref _nextChunk) - 1;
            if (chunk >= _chunks)
                return;
            RunChunk(chunk);
        }
    }

    /// <summary>Runs chunk <paramref name="chunk"/> (0 ≤ chunk &lt; <see cref="Chunks"/>), on whichever thread claimed it.</summary>
    protected abstract void RunChunk(int chunk);
}
