namespace Sac.Kernels.Threading;

/// <summary>
/// Work that <see cref="WorkerPool"/> runs in parts, one part per thread. Callers keep and reuse their job objects
/// (set fields, then <see cref="WorkerPool.Run"/>), so dispatch allocates nothing: no delegates, no closures.
/// </summary>
public abstract class WorkerJob
{
    /// <summary>Runs part <paramref name="part"/> (0-based) of <paramref name="parts"/>. Part 0 runs on the calling thread.</summary>
    public abstract void Execute(int part, int parts);
}
