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

    /// <summary>Every kernel the driver instantiates: its tile, element size, register file, and the constants worked
    /// out by hand from the sizes above (the arithmetic in each row's comment).</summary>
    private static readonly object[] Kernels =
    [
        // (6 + 16)·4 B = 88 B per k: 24 KiB / 88 = 279.3 → KC 272; 256 KiB / (272·4) = 240.9 → MC 240; 4 MiB / 1088 = 3855 → NC 3840.
        new object[] { "AVX2 float", MicroKernel6x16Avx2<float>.MR, MicroKernel6x16Avx2<float>.NR, sizeof(float), Vector256<float>.Count, 16, 6, 16, 272, 240, 3840 },
        // (6 + 8)·8 B = 112 B per k: 219.4 → 208; 262144 / 1664 = 157.5 → 156; 4194304 / 1664 = 2520.6 → 2520.
        new object[] { "AVX2 double", MicroKernel6x16Avx2<double>.MR, MicroKernel6x16Avx2<double>.NR, sizeof(double), Vector256<double>.Count, 16, 6, 8, 208, 156, 2520 },
        // (8 + 32)·4 B = 160 B per k: 153.6 → 144; 262144 / 576 = 455.1 → 448; 4194304 / 576 = 7281.8 → 7264.
        new object[] { "AVX-512 float", MicroKernel8x32Avx512<float>.MR, MicroKernel8x32Avx512<float>.NR, sizeof(float), Vector512<float>.Count, 32, 8, 32, 144, 448, 7264 },
        // (8 + 16)·8 B = 192 B per k: exactly 128; 262144 / 1024 = exactly 256; 4194304 / 1024 = exactly 4096.
        new object[] { "AVX-512 double", MicroKernel8x32Avx512<double>.MR, MicroKernel8x32Avx512<double>.NR, sizeof(double), Vector512<double>.Count, 32, 8, 16, 128, 256, 4096 },
    ];

    [TestCaseSource(nameof(Kernels))]
    public void Blocking_Kernel_IsTheHandWorkedArithmetic(string name, int mr, int nr, int size, int lanes, int registers,
        int expectedMr, int expectedNr, int expectedKc, int expectedMc, int expectedNc)
    {
        Assert.That((mr, nr), Is.EqualTo((expectedMr, expectedNr)), $"{name}: the micro-tile");
        Assert.That(GemmBlocking.KC(mr, nr, size), Is.EqualTo(expectedKc), $"{name}: KC");
        Assert.That(GemmBlocking.MC(mr, nr, size), Is.EqualTo(expectedMc), $"{name}: MC");
        Assert.That(GemmBlocking.NC(mr, nr, size), Is.EqualTo(expectedNc), $"{name}: NC");
    }

    [TestCaseSource(nameof(Kernels))]
    public void MicroTile_Kernel_FitsTheVectorRegisterFile(string name, int mr, int nr, int size, int lanes, int registers,
        int expectedMr, int expectedNr, int expectedKc, int expectedMc, int expectedNc)
    {
        // The tile lives in registers for the whole k loop: MR·NR/lanes accumulators, NR/lanes vectors of B and one
        // broadcast of A per step. One more row of A would need NR/lanes more accumulators than are left.
        Assert.That(nr % lanes, Is.Zero, $"{name}: NR is whole vectors");
        int live = mr * nr / lanes + nr / lanes + 1;
        Assert.That(live, Is.LessThanOrEqualTo(registers), $"{name}: {live} vector registers live");
    }

    [TestCaseSource(nameof(Kernels))]
    public void KC_Kernel_IsTheLargestMultipleOf16WhoseMicroPanelsFitThreeQuartersOfL1(string name, int mr, int nr, int size,
        int lanes, int registers, int expectedMr, int expectedNr, int expectedKc, int expectedMc, int expectedNc)
    {
        // One MR×KC micro-panel of A and one KC×NR micro-panel of B, together, stay in L1 with a quarter left for C and
        // the lines in flight. Found here by search, not by GemmBlocking's division.
        static int PanelBytes(int kc, int mr, int nr, int size) => (mr * kc + kc * nr) * size;
        int largest = 0;
        for (int kc = 16; PanelBytes(kc, mr, nr, size) <= L1 * 3 / 4; kc += 16)
            largest = kc;
        int actual = GemmBlocking.KC(mr, nr, size);
        Assert.That(actual, Is.EqualTo(largest), name);
        Assert.That(PanelBytes(actual, mr, nr, size), Is.LessThanOrEqualTo(L1 * 3 / 4), $"{name}: the micro-panels fit");
        Assert.That(PanelBytes(actual + 16, mr, nr, size), Is.GreaterThan(L1 * 3 / 4), $"{name}: KC + 16 would not");
    }

    [TestCaseSource(nameof(Kernels))]
    public void MC_Kernel_IsTheLargestMultipleOfMRWhoseBlockOfAFitsHalfOfL2(string name, int mr, int nr, int size,
        int lanes, int registers, int expectedMr, int expectedNr, int expectedKc, int expectedMc, int expectedNc)
    {
        // The packed MC×KC block of A stays in L2 across loop 2 (every B micro-panel of the NC panel streams past it).
        int kc = GemmBlocking.KC(mr, nr, size);
        int mc = GemmBlocking.MC(mr, nr, size);
        Assert.That(mc % mr, Is.Zero, $"{name}: whole micro-panels of A");
        Assert.That((long)mc * kc * size, Is.LessThanOrEqualTo(L2 / 2), $"{name}: the block of A fits");
        Assert.That((long)(mc + mr) * kc * size, Is.GreaterThan(L2 / 2), $"{name}: one more micro-panel would not");
    }

    [TestCaseSource(nameof(Kernels))]
    public void NC_Kernel_IsTheLargestMultipleOfNRWhosePanelOfBFitsItsShareOfL3(string name, int mr, int nr, int size,
        int lanes, int registers, int expectedMr, int expectedNr, int expectedKc, int expectedMc, int expectedNc)
    {
        int kc = GemmBlocking.KC(mr, nr, size);
        int nc = GemmBlocking.NC(mr, nr, size);
        Assert.That(nc % nr, Is.Zero, $"{name}: whole micro-panels of B");
        Assert.That((long)kc * nc * size, Is.LessThanOrEqualTo(L3Share), $"{name}: the panel of B fits");
        Assert.That((long)kc * (nc + nr) * size, Is.GreaterThan(L3Share), $"{name}: one more micro-panel would not");
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
