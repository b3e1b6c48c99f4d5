using Sac.Kernels;

namespace Sac.Tests.Kernels;

/// <summary>Packing lays op(A) and op(B) out in micro-panel order, whatever the transposes, zero-padding the edge.</summary>
public class GemmPackingTests
{
    /// <summary>A (as stored) with element value 100·i + p for op(A)(i, p), so a packed slot names its source.</summary>
    private static float[] LabelledA(int m, int k, Transpose trans)
    {
        var a = new float[m * k];
        for (int i = 0; i < m; i++)
            for (int p = 0; p < k; p++)
                a[trans == Transpose.No ? i * k + p : p * m + i] = 100 * i + p;
        return a;
    }

    [TestCase(Transpose.No)]
    [TestCase(Transpose.Yes)]
    public void PackA_EitherLayout_WritesMRRowMicroPanelsWithZeroPadding(Transpose trans)
    {
        const int m = 5, k = 3, mr = 4;
        var a = LabelledA(m, k, trans);
        var packed = new float[2 * mr * k];
        GemmPacking<float>.PackA(trans, m, k, a, mr, 0, m, 0, k, packed);
        // Panel 0 = rows 0-3, panel 1 = row 4 then three zero rows; within a panel, k-major: (p, i) at p·MR + i.
        float[] expected =
        [
            0, 100, 200, 300, 1, 101, 201, 301, 2, 102, 202, 302,
            400, 0, 0, 0, 401, 0, 0, 0, 402, 0, 0, 0,
        ];
        Assert.That(packed, Is.EqualTo(expected));
    }

    [TestCase(Transpose.No)]
    [TestCase(Transpose.Yes)]
    public void PackB_EitherLayout_WritesNRColumnMicroPanelsWithZeroPadding(Transpose trans)
    {
        const int k = 2, n = 3, nr = 2;
        // op(B)(p, j) = 10·p + j.
        var b = new float[k * n];
        for (int p = 0; p < k; p++)
            for (int j = 0; j < n; j++)
                b[trans == Transpose.No ? p * n + j : j * k + p] = 10 * p + j;
        var packed = new float[2 * nr * k];
        GemmPacking<float>.PackB(trans, k, n, b, nr, 0, n, 0, k, packed);
        // Panel 0 = columns 0-1, panel 1 = column 2 and a zero column; within a panel, (p, j) at p·NR + j.
        Assert.That(packed, Is.EqualTo(new float[] { 0, 1, 10, 11, 2, 0, 12, 0 }));
    }

    [Test]
    public void PackA_Offsets_PacksTheRequestedBlockOnly()
    {
        const int m = 6, k = 5, mr = 2;
        var a = LabelledA(m, k, Transpose.No);
        var packed = new float[mr * 2];
        // Rows 3-4, k steps 2-3.
        GemmPacking<float>.PackA(Transpose.No, m, k, a, mr, 3, 2, 2, 2, packed);
        Assert.That(packed, Is.EqualTo(new float[] { 302, 402, 303, 403 }));
    }

    [TestCase(4, 16)]
    [TestCase(4, 19)]
    [TestCase(8, 16)]
    [TestCase(16, 19)]
    public void PackB_TransposedPanelsOfAnyWidth_WriteOnlyTheirPanels(int nr, int k)
    {
        // op(B) = Bᵀ with B stored n×k, n = 2·NR, k a whole number of 8-deep blocks or not: every packed value must be
        // right and nothing may be written past the two panels, whatever the width (4 is narrower than a float vector).
        int n = 2 * nr;
        var b = new float[n * k];
        for (int j = 0; j < n; j++)
            for (int p = 0; p < k; p++)
                b[j * k + p] = 100 * p + j;
        var packed = new float[n * k + 8];
        Array.Fill(packed, -1f);
        GemmPacking<float>.PackB(Transpose.Yes, k, n, b, nr, 0, n, 0, k, packed);
        for (int q = 0; q < 2; q++)
            for (int p = 0; p < k; p++)
                for (int j = 0; j < nr; j++)
                    Assert.That(packed[q * nr * k + p * nr + j], Is.EqualTo(100 * p + q * nr + j), $"panel {q}, p = {p}, j = {j}");
        // The guard after the panels keeps its fill.
        Assert.That(packed.Skip(n * k), Is.All.EqualTo(-1f));
    }
}
