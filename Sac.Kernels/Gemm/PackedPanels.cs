using System.Numerics;
using System.Runtime.CompilerServices;

namespace Sac.Kernels;

/// <summary>
/// op(B) of a k×n product packed once, in the micro-panels the active micro-kernel reads, for many products that share
/// B (MKL's <c>cblas_sgemm_pack</c> / <c>cblas_sgemm_compute</c>). A network's weight matrix is the B of every forward
/// product (X·W) and of every input gradient (G·Wᵀ) of its layer; within one update step the weights do not change, so
/// each is packed once per layout instead of once per product.
/// </summary>
/// <remarks>
/// It holds a copy: it stays valid until B's values change, which only its owner can know. Products given it compute
/// exactly what they compute from B itself (packing moves bits, the loops and their order are the same), so using it
/// never changes a result.
/// Layout: pass p of loop 4 (the k range [p·KStep, p·KStep + kc)) starts at <c>p·KStep·⌈n/NR⌉·NR</c>, and holds
/// ⌈n/NR⌉ micro-panels of kc×NR, zero-padded past n: the layout <c>GemmPacking.PackB</c> writes, for the whole of n.
/// </remarks>
public sealed unsafe class PackedPanels<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private T[] _storage = [];
    private T* _data;
    private int _capacity;

    /// <summary>Rows of op(B) (the products' depth).</summary>
    public int K { get; private set; }

    /// <summary>Columns of op(B).</summary>
    public int N { get; private set; }

    /// <summary>Whether B was stored n×k (op(B) = Bᵀ).</summary>
    public Transpose Transpose { get; private set; }

    /// <summary>The micro-kernel it was packed for; a product on another ISA packs B as usual instead.</summary>
    public Isa Isa { get; private set; }

    /// <summary>True once <see cref="Pack"/> has run.</summary>
    public bool IsPacked { get; private set; }

    /// <summary>The packed panels (null before <see cref="Pack"/>).</summary>
    internal T* Data => _data;

    /// <summary>
    /// Packs op(<paramref name="b"/>) for k×n products on <see cref="KernelIsa.Active"/>. Allocates only when the
    /// panels outgrow the storage (the first call for a shape), never after that.
    /// </summary>
    public void Pack(Transpose transB, int k, int n, ReadOnlySpan<T> b)
    {
        if (k < 1 || n < 1)
            throw new ArgumentOutOfRangeException(nameof(k), $"A packed B must be at least 1×1, got {k}×{n}.");
        if (b.Length < (long)k * n)
            throw new ArgumentException($"B holds {b.Length} elements but op(B) is {k}x{n}.", nameof(b));
        IsPacked = false;
        Isa isa = KernelIsa.Active;
        int nr = isa switch
        {
            Isa.Avx512 => MicroKernel8x32Avx512<T>.NR,
            Isa.Avx2 => MicroKernel6x16Avx2<T>.NR,
            _ => MicroKernel4x4Scalar<T>.NR,
        };
        int size = checked((n + nr - 1) / nr * nr * k);
        if (size > _capacity)
        {
            // Pinned (POH): the pointer stays valid without `fixed` while products on other threads read it.
            _storage = GC.AllocateUninitializedArray<T>(size + GemmWorkspace.Alignment / sizeof(T), pinned: true);
            _data = (T*)GemmWorkspace.Align((nint)Unsafe.AsPointer(ref _storage[0]));
            _capacity = size;
        }
        fixed (T* pb = b)
        {
            var args = new GemmArgs<T>(Transpose.No, transB, 1, n, k, null, pb, null, null, GemmOutput.Overwrite, Activation.None);
            switch (isa)
            {
                case Isa.Avx512:
                    GemmDriver<T, MicroKernel8x32Avx512<T>>.PackWhole(args, _data);
                    break;
                case Isa.Avx2:
                    GemmDriver<T, MicroKernel6x16Avx2<T>>.PackWhole(args, _data);
                    break;
                default:
                    GemmDriver<T, MicroKernel4x4Scalar<T>>.PackWhole(args, _data);
                    break;
            }
        }
        (K, N, Transpose, Isa, IsPacked) = (k, n, transB, isa, true);
    }

    /// <summary>Whether a k×n product with <paramref name="transB"/> on the active ISA can read these panels.</summary>
    internal bool Fits(Transpose transB, int k, int n) =>
        IsPacked && K == k && N == n && Transpose == transB && Isa == KernelIsa.Active;
}
