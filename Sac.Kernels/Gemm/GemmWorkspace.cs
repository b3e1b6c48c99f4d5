using System.Runtime.CompilerServices;

namespace Sac.Kernels;

/// <summary>
/// Per-thread pack buffers: one pinned byte array per thread, grown (never shrunk) to the largest request seen, so calls
/// after warm-up allocate nothing. Per thread, so concurrent single-threaded GEMMs on different threads never share one.
/// </summary>
internal sealed unsafe class GemmWorkspace
{
    /// <summary>Alignment of the buffer start and of every region handed out: one cache line (and one zmm).</summary>
    public const int Alignment = 64;

    [ThreadStatic]
    private static GemmWorkspace? t_current;

    private byte[]? _buffer;
    private byte* _start;
    private nint _capacity;

    /// <summary>The calling thread's workspace (created on the thread's first GEMM).</summary>
    public static GemmWorkspace Current => t_current ??= new GemmWorkspace();

    /// <summary>Rounds a byte count up to <see cref="Alignment"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nint Align(nint bytes) => (bytes + (Alignment - 1)) & ~(nint)(Alignment - 1);

    /// <summary>Returns a 64-byte-aligned buffer of at least <paramref name="bytes"/> bytes, valid until the next call on this thread.</summary>
    public byte* Reserve(nint bytes)
    {
        if (bytes > _capacity)
        {
            // Pinned (POH) so the pointer is stable without `fixed`; collected with the thread's workspace.
            _buffer = GC.AllocateUninitializedArray<byte>(checked((int)(bytes + Alignment)), pinned: true);
            byte* raw = (byte*)Unsafe.AsPointer(ref _buffer[0]);
            _start = (byte*)Align((nint)raw);
            _capacity = bytes;
        }
        return _start;
    }
}
