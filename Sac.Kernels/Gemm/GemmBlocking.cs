namespace Sac.Kernels;

/// <summary>
/// The one place the GEMM blocking constants are derived (Goto and van de Geijn; BLIS's analytical model).
/// MR×NR is fixed by the micro-kernel (<see cref="IMicroKernel{T}"/>); KC, MC and NC follow from the caches.
/// </summary>
/// <remarks>
/// The development machine is an AMD EPYC (Zen 3, family 25): 32 KiB L1d and 512 KiB L2 per core
/// (lscpu: "L1d 64 KiB (2 instances)", "L2 1 MiB (2 instances)"), 32 MiB shared L3.
/// <list type="bullet">
/// <item>KC: one MR×KC micro-panel of A plus one KC×NR micro-panel of B fill at most 3/4 of L1, leaving the rest for the
/// C tile and lines in flight, so the B micro-panel stays in L1 across the whole loop 1 over A micro-panels.
/// Rounded down to a multiple of 16. AVX2 float: (6 + 16)·4 B·KC ≤ 24 KiB → KC = 272 (k = 256 is one pass).</item>
/// <item>MC: the MC×KC block of A takes at most half of L2, so it stays in L2 across loop 2. AVX2 float: MC = 240.</item>
/// <item>NC: the KC×NC panel of B takes at most 4 MiB (an eighth of the shared L3). AVX2 float: NC = 3840.</item>
/// </list>
/// KC only changes when partial sums are added to C, so it depends on k, the element type and the ISA — never on the
/// thread count; that is what keeps results bitwise identical for any <c>threads</c>.
/// </remarks>
internal static class GemmBlocking
{
    /// <summary>L1 data cache per core, bytes.</summary>
    public const int L1Bytes = 32 * 1024;

    /// <summary>L2 cache per core, bytes.</summary>
    public const int L2Bytes = 512 * 1024;

    /// <summary>The share of L3 one KC×NC panel of B may use, bytes.</summary>
    public const int L3ShareBytes = 4 * 1024 * 1024;

    /// <summary>
    /// Up to this depth (K = obs + act in SAC's first layers) A is read in place whatever its layout: packing it would
    /// cost about as much as the multiply. Deeper, A stored transposed (k×m) is packed.
    /// </summary>
    public const int SmallK = 32;

    /// <summary>
    /// B (stored k×n) is read in place rather than packed when at most this many A micro-panels (of MR rows) use it:
    /// packing costs a pass over B, which only pays off when each packed micro-panel is reused often enough.
    /// </summary>
    public const int InPlaceBMaxPanels = 4;

    /// <summary>The KC blocking constant for a micro-kernel of <paramref name="mr"/>×<paramref name="nr"/> elements of <paramref name="elementSize"/> bytes.</summary>
    public static int KC(int mr, int nr, int elementSize) => RoundDown(L1Bytes * 3 / 4 / ((mr + nr) * elementSize), 16);

    /// <summary>The MC blocking constant: a multiple of <paramref name="mr"/>.</summary>
    public static int MC(int mr, int nr, int elementSize) => RoundDown(L2Bytes / 2 / (KC(mr, nr, elementSize) * elementSize), mr);

    /// <summary>The NC blocking constant: a multiple of <paramref name="nr"/>.</summary>
    public static int NC(int mr, int nr, int elementSize) => RoundDown(L3ShareBytes / (KC(mr, nr, elementSize) * elementSize), nr);

    /// <summary>
    /// The depth of each pass of loop 4: k split into the fewest KC-sized passes, as evenly as possible
    /// (k = 300 → 150 + 150 rather than 272 + 28). Depends on k only, never on the thread count.
    /// </summary>
    public static int KStep(int k, int kcMax)
    {
        if (k <= kcMax)
            return Math.Max(k, 1);
        int passes = (k + kcMax - 1) / kcMax;
        return (k + passes - 1) / passes;
    }

    private static int RoundDown(int value, int multiple) => Math.Max(multiple, value / multiple * multiple);
}
