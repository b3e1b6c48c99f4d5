using Sac.Kernels;

namespace Sac.Tests.Kernels;

/// <summary>The blocking constants follow from the cache sizes as <see cref="GemmBlocking"/> documents.</summary>
public class GemmBlockingTests
{
    [Test]
    public void KC_Avx2Float_FitsAPanelsInThreeQuartersOfL1()
    {
        int kc = GemmBlocking.KC(6, 16, sizeof(float));
        // (6 + 16)·4 B·KC ≤ 24 KiB, KC a multiple of 16, and the next multiple of 16 would not fit.
        Assert.That(kc, Is.EqualTo(272));
        Assert.That((6 + 16) * sizeof(float) * kc, Is.LessThanOrEqualTo(GemmBlocking.L1Bytes * 3 / 4));
        Assert.That((6 + 16) * sizeof(float) * (kc + 16), Is.GreaterThan(GemmBlocking.L1Bytes * 3 / 4));
    }

    [Test]
    public void MC_Avx2Float_IsAMultipleOfMRAndFitsHalfOfL2()
    {
        int mc = GemmBlocking.MC(6, 16, sizeof(float));
        Assert.That(mc % 6, Is.Zero);
        Assert.That(mc * GemmBlocking.KC(6, 16, sizeof(float)) * sizeof(float), Is.LessThanOrEqualTo(GemmBlocking.L2Bytes / 2));
        Assert.That(mc, Is.EqualTo(240));
    }

    [Test]
    public void NC_Avx2Double_IsAMultipleOfNR() =>
        Assert.That(GemmBlocking.NC(6, 8, sizeof(double)) % 8, Is.Zero);

    [TestCase(1, 272, 1)]
    [TestCase(256, 272, 256)]
    [TestCase(272, 272, 272)]
    [TestCase(273, 272, 137)]
    [TestCase(300, 272, 150)]
    [TestCase(600, 272, 200)]
    public void KStep_Depth_SplitsIntoFewestEvenPasses(int k, int kcMax, int expected) =>
        Assert.That(GemmBlocking.KStep(k, kcMax), Is.EqualTo(expected));
}
