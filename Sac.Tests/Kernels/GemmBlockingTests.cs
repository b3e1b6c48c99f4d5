using System.Runtime.Intrinsics;
using Sac.Kernels;

namespace Sac.Tests.Kernels;

/// <summary>
/// The blocking constants against the cache arithmetic, redone here from the design machine's stated cache sizes (not
/// read from <see cref="GemmBlocking"/>): each packed panel fits the level it is meant for, the next larger size
/// would not, the micro-tile fits the register file, and the depth passes are the fewest and even.
/// </summary>
public class GemmBlockingTests
{
    // The design machine (GemmBlocking's remarks, docs/benchmarks.md): AMD EPYC Zen 3, per core.
    private const int L1 = 32 * 1024;
    private const int L2 = 512 * 1024;
    private const int L3Share = 4 * 1024 * 1024; // an eighth of the 32 MiB shared L3

    /// <summary>A kernel the driver instantiates, with the tile and constants worked out by hand for it.</summary>
    public sealed record KernelCase(string Name, int MR, int NR, int ElementSize, int Lanes, int Registers,
        int ExpectedMR, int ExpectedNR, int ExpectedKC, int ExpectedMC, int ExpectedNC)
    {
        /// <inheritdoc/>
        public override string ToString() => Name;
    }

    private static readonly KernelCase[] Kernels =
    [
        // (6 + 16)·4 B = 88 B per k: 24 KiB / 88 = 279.3 → KC 272; 256 KiB / (272·4) = 240.9 → MC 240; 4 MiB / 1088 = 3855 → NC 3840.
        new("AVX2 float", MicroKernel6x16Avx2<float>.MR, MicroKernel6x16Avx2<float>.NR, sizeof(float), Vector256<float>.Count, 16, 6, 16, 272, 240, 3840),
        // (6 + 8)·8 B = 112 B per k: 219.4 → 208; 262144 / 1664 = 157.5 → 156; 4194304 / 1664 = 2520.6 → 2520.
        new("AVX2 double", MicroKernel6x16Avx2<double>.MR, MicroKernel6x16Avx2<double>.NR, sizeof(double), Vector256<double>.Count, 16, 6, 8, 208, 156, 2520),
        // (8 + 32)·4 B = 160 B per k: 153.6 → 144; 262144 / 576 = 455.1 → 448; 4194304 / 576 = 7281.8 → 7264.
        new("AVX-512 float", MicroKernel8x32Avx512<float>.MR, MicroKernel8x32Avx512<float>.NR, sizeof(float), Vector512<float>.Count, 32, 8, 32, 144, 448, 7264),
        // (8 + 16)·8 B = 192 B per k: exactly 128; 262144 / 1024 = exactly 256; 4194304 / 1024 = exactly 4096.
        new("AVX-512 double", MicroKernel8x32Avx512<double>.MR, MicroKernel8x32Avx512<double>.NR, sizeof(double), Vector512<double>.Count, 32, 8, 16, 128, 256, 4096),
    ];

    [TestCaseSource(nameof(Kernels))]
    public void Blocking_Kernel_IsTheHandWorkedArithmetic(KernelCase c)
    {
        Assert.That((c.MR, c.NR), Is.EqualTo((c.ExpectedMR, c.ExpectedNR)), "the micro-tile");
        Assert.That(GemmBlocking.KC(c.MR, c.NR, c.ElementSize), Is.EqualTo(c.ExpectedKC), "KC");
        Assert.That(GemmBlocking.MC(c.MR, c.NR, c.ElementSize), Is.EqualTo(c.ExpectedMC), "MC");
        Assert.That(GemmBlocking.NC(c.MR, c.NR, c.ElementSize), Is.EqualTo(c.ExpectedNC), "NC");
    }

    [TestCaseSource(nameof(Kernels))]
    public void MicroTile_Kernel_FitsTheVectorRegisterFile(KernelCase c)
    {
        // The tile lives in registers for the whole k loop: MR·NR/lanes accumulators, NR/lanes vectors of B and one
        // broadcast of A per step. One more row of A would need NR/lanes more accumulators than are left.
        Assert.That(c.NR % c.Lanes, Is.Zero, "NR is whole vectors");
        int live = c.MR * c.NR / c.Lanes + c.NR / c.Lanes + 1;
        Assert.That(live, Is.LessThanOrEqualTo(c.Registers), $"{live} vector registers live");
    }

    [TestCaseSource(nameof(Kernels))]
    public void KC_Kernel_IsTheLargestMultipleOf16WhoseMicroPanelsFitThreeQuartersOfL1(KernelCase c) =>
        // One MR×KC micro-panel of A and one KC×NR micro-panel of B, together, stay in L1 with a quarter left for C and
        // the lines in flight.
        AssertLargestFitting(GemmBlocking.KC(c.MR, c.NR, c.ElementSize), unit: 16, bytesPerUnit: (c.MR + c.NR) * c.ElementSize, L1 * 3 / 4);

    [TestCaseSource(nameof(Kernels))]
    public void MC_Kernel_IsTheLargestMultipleOfMRWhoseBlockOfAFitsHalfOfL2(KernelCase c) =>
        // The packed MC×KC block of A stays in L2 across loop 2 (every B micro-panel of the NC panel streams past it).
        AssertLargestFitting(GemmBlocking.MC(c.MR, c.NR, c.ElementSize), unit: c.MR, bytesPerUnit: GemmBlocking.KC(c.MR, c.NR, c.ElementSize) * c.ElementSize, L2 / 2);

    [TestCaseSource(nameof(Kernels))]
    public void NC_Kernel_IsTheLargestMultipleOfNRWhosePanelOfBFitsItsShareOfL3(KernelCase c) =>
        AssertLargestFitting(GemmBlocking.NC(c.MR, c.NR, c.ElementSize), unit: c.NR, bytesPerUnit: GemmBlocking.KC(c.MR, c.NR, c.ElementSize) * c.ElementSize, L3Share);

    /// <summary>
    /// <paramref name="size"/> is a multiple of <paramref name="unit"/> whose panel (size · bytesPerUnit bytes) fits
    /// <paramref name="budget"/>, and one unit more would not.
    /// </summary>
    private static void AssertLargestFitting(int size, int unit, long bytesPerUnit, long budget)
    {
        Assert.That(size % unit, Is.Zero, $"{size}: a multiple of {unit}");
        Assert.That(size * bytesPerUnit, Is.LessThanOrEqualTo(budget), $"{size}: the panel fits");
        Assert.That((size + unit) * bytesPerUnit, Is.GreaterThan(budget), $"{size} + {unit}: would not fit");
    }

    [Test]
    public void CacheSizes_AreTheDesignMachines()
    {
        // KC decides where partial sums are added to C, so it is part of the arithmetic: it must come from these fixed
        // sizes on every machine (results are bitwise the same on Zen 3, 4 and 5), never from the cache of the one running.
        Assert.That((GemmBlocking.L1Bytes, GemmBlocking.L2Bytes, GemmBlocking.L3ShareBytes), Is.EqualTo((L1, L2, L3Share)));
    }

    [TestCase(272)]
    [TestCase(208)]
    [TestCase(144)]
    [TestCase(128)]
    public void KStep_EveryDepth_FewestPassesAsEvenAsPossible(int kcMax)
    {
        for (int k = 0; k <= 4 * kcMax + 7; k++)
        {
            int step = GemmBlocking.KStep(k, kcMax);
            int fewest = Math.Max(1, (k + kcMax - 1) / kcMax);
            Assert.That(step, Is.InRange(1, kcMax), $"k = {k}: a pass is at most KC deep");
            int passes = Math.Max(1, (k + step - 1) / step);
            Assert.That(passes, Is.EqualTo(fewest), $"k = {k}, step {step}: no more passes than KC forces");
            // Even: all passes but the last are `step` deep; the last differs from them by less than one element per pass
            // (k = 300 → 150 + 150, never 272 + 28).
            int last = k - (passes - 1) * step;
            if (k > 0)
                Assert.That(step - last, Is.InRange(0, passes - 1), $"k = {k}, step {step}: last pass {last}");
        }
    }
}
