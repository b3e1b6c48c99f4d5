using System.Numerics;
using Sac.Kernels;

namespace Sac.Autodiff;

/// <summary>
/// Weight matrices packed for the GEMM once per epoch and shared by every tape packing through this store: the row
/// shards of one SAC update, run one after another or on two threads, then pack each of a layer's two layouts (W for
/// X·W, Wᵀ for G·Wᵀ) once instead of once per shard and product. Results are bitwise the same with or without it.
/// </summary>
/// <remarks>
/// CRUCIAL: a packed copy is only valid while the weights it was packed from are unchanged. The owner calls
/// <see cref="Invalidate"/> after any weight may have changed (an optimizer step, a Polyak update, a load) and before
/// the next tape uses the store; a tape uses it only inside <see cref="Tape{T}.PackingWeightsIn"/>, a scope in which
/// no weight may be written.
/// Weights are recognised by their storage (buffer and offset), so a shard's views of the agent's parameters and
/// their detached views all find the one entry. After the first epoch's lookups the store allocates nothing.
/// </remarks>
public sealed class PackedWeights<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private sealed class Entry(T[] buffer, int offset, Transpose transpose, int k, int n)
    {
        public readonly T[] Buffer = buffer;
        public readonly int Offset = offset;
        public readonly Transpose Transpose = transpose;
        public readonly int K = k, N = n;
        public readonly PackedPanels<T> Panels = new();
        /// <summary>The epoch a thread claimed the packing for, and the epoch whose packing is complete.</summary>
        public long Claimed, Ready;
    }

    private volatile Entry[] _entries = [];
    private readonly Lock _adding = new();
    private long _epoch = 1;

    /// <summary>Weight layouts packed so far (each packed again at its first use in every epoch).</summary>
    public int Count => _entries.Length;

    /// <summary>
    /// Starts a new epoch: every weight is packed again at its next use. Call it, with no tape using the store, whenever
    /// any weight may have changed.
    /// </summary>
    public void Invalidate() => Interlocked.Increment(ref _epoch);

    /// <summary>
    /// The panels of op(B) = <paramref name="w"/> (transposed when <paramref name="transB"/> says so) for a k×n product,
    /// packed in this epoch: packed now by the calling thread if none has been; or null while another thread is
    /// packing them (the caller then packs as usual rather than wait for a thread whose core may be busy).
    /// </summary>
    internal PackedPanels<T>? Find(Tensor<T> w, Transpose transB, int k, int n)
    {
        var (buffer, offset) = w.Storage;
        var entry = Lookup(buffer, offset, transB, k, n) ?? Add(buffer, offset, transB, k, n);
        long epoch = Volatile.Read(ref _epoch);
        if (Volatile.Read(ref entry.Ready) == epoch)
            return entry.Panels;
        long claimed = Volatile.Read(ref entry.Claimed);
        if (claimed == epoch || Interlocked.CompareExchange(ref entry.Claimed, epoch, claimed) != claimed)
            return null;
        entry.Panels.Pack(transB, k, n, w.Span);
        // Release: a thread that reads Ready == epoch then sees every packed element.
        Volatile.Write(ref entry.Ready, epoch);
        return entry.Panels;
    }

    private Entry? Lookup(T[] buffer, int offset, Transpose transB, int k, int n)
    {
        foreach (var e in _entries)
        {
            if (ReferenceEquals(e.Buffer, buffer) && e.Offset == offset && e.Transpose == transB && e.K == k && e.N == n)
                return e;
        }
        return null;
    }

    private Entry Add(T[] buffer, int offset, Transpose transB, int k, int n)
    {
        lock (_adding)
        {
            if (Lookup(buffer, offset, transB, k, n) is { } existing)
                return existing;
            var entry = new Entry(buffer, offset, transB, k, n);
            _entries = [.. _entries, entry];
            return entry;
        }
    }
}
