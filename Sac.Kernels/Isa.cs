using System.Runtime.Intrinsics;

namespace Sac.Kernels;

/// <summary>The instruction-set paths a kernel can take, widest first.</summary>
public enum Isa
{
    /// <summary>Plain scalar loops: runs anywhere.</summary>
    Scalar = 0,
    /// <summary>256-bit vectors with fused multiply-add (AVX2 + FMA3 on x64).</summary>
    Avx2 = 1,
    /// <summary>512-bit vectors (AVX-512F on x64).</summary>
    Avx512 = 2,
}

/// <summary>
/// Which ISA the kernels dispatch to. <see cref="Detected"/> is what the CPU (as the runtime sees it) reports;
/// <see cref="Active"/> is what the kernels use, which a test can lower to exercise the narrower paths on a wide machine.
/// </summary>
public static class KernelIsa
{
    /// <summary>The widest path the hardware accelerates, as reported by the runtime. .NET 10 lowers it with
    /// <c>DOTNET_EnableAVX512=0</c> or <c>DOTNET_PreferredVectorBitWidth=256</c> (to AVX2) and <c>DOTNET_EnableAVX2=0</c>
    /// (to scalar); the pre-.NET 10 <c>DOTNET_EnableAVX512F</c> is no longer read.</summary>
    public static Isa Detected { get; } =
        Vector512.IsHardwareAccelerated ? Isa.Avx512 :
        Vector256.IsHardwareAccelerated && System.Runtime.Intrinsics.X86.Fma.IsSupported ? Isa.Avx2 :
        Isa.Scalar;

    /// <summary>The path the kernels take: <see cref="Detected"/> unless lowered by <see cref="Force"/>.</summary>
    public static Isa Active { get; private set; } = Detected;

    /// <summary>
    /// Forces the kernels onto <paramref name="isa"/> until the returned scope is disposed. Wider paths than the hardware
    /// has still compute correctly (the runtime emulates the vectors) but slowly; this exists so tests cover every path.
    /// Not thread-safe: for tests, not for concurrent training.
    /// </summary>
    public static IDisposable Force(Isa isa)
    {
        var previous = Active;
        Active = isa;
        return new Restore(previous);
    }

    private sealed class Restore(Isa previous) : IDisposable
    {
        public void Dispose() => Active = previous;
    }

    /// <summary>Floats one fused multiply-add instruction processes on <paramref name="isa"/>'s path (16, 8 or 1).</summary>
    public static int FmaWidth(Isa isa) => isa switch
    {
        Isa.Avx512 => Vector512<float>.Count,
        Isa.Avx2 => Vector256<float>.Count,
        _ => 1,
    };
}
