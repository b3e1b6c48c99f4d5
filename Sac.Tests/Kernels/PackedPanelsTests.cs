using System.Numerics;
using Sac.Kernels;

namespace Sac.Tests.Kernels;

/// <summary>
/// A B packed once (<see cref="PackedPanels{T}"/>) gives bitwise the products B itself gives, on every ISA path, for
/// shapes with several k passes and partial micro-panels, on one thread and split over several; and is refused for a
/// product it was not packed for.
/// </summary>
public class PackedPanelsTests
{
    private static readonly Isa[] Isas = [Isa.Scalar, Isa.Avx2, Isa.Avx512];

    private static IEnumerable<TestCaseData> Cases()
    {
        (int M, int N, int K, Transpose A, Transpose B)[] shapes =
        [
            // SAC's layers: forward X·W (NN) and the input gradient G·Wᵀ (NT), on a shard's 128 rows and on a few rows.
            (128, 256, 256, Transpose.No, Transpose.No), (128, 256, 256, Transpose.No, Transpose.Yes),
            (128, 256, 23, Transpose.No, Transpose.No), (128, 23, 256, Transpose.No, Transpose.Yes),
            (128, 12, 256, Transpose.No, Transpose.No), (128, 256, 12, Transpose.No, Transpose.Yes),
            (5, 256, 256, Transpose.No, Transpose.No),
            // Several k passes, n not a multiple of any NR, A transposed.
            (97, 257, 600, Transpose.No, Transpose.No), (97, 257, 600, Transpose.Yes, Transpose.Yes),
            (61, 47, 301, Transpose.Yes, Transpose.No), (33, 2, 1000, Transpose.No, Transpose.Yes),
        ];
        foreach (var (m, n, k, transA, transB) in shapes)
        {
            yield return new TestCaseData(typeof(float), m, n, k, transA, transB)
                .SetName($"Multiply_float_{m}x{n}x{k}_{(transA == Transpose.No ? "N" : "T")}{(transB == Transpose.No ? "N" : "T")}_WithPackedB_IsBitwiseTheSame");
        }
        yield return new TestCaseData(typeof(double), 97, 257, 600, Transpose.No, Transpose.Yes)
            .SetName("Multiply_double_97x257x600_NT_WithPackedB_IsBitwiseTheSame");
    }

    [TestCaseSource(nameof(Cases))]
    public void Multiply_WithPackedB_IsBitwiseTheSame(Type type, int m, int n, int k, Transpose transA, Transpose transB)
    {
        if (type == typeof(float))
            Check<float>(m, n, k, transA, transB);
        else
            Check<double>(m, n, k, transA, transB);
    }

    private static void Check<T>(int m, int n, int k, Transpose transA, Transpose transB)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var data = GemmTestData<T>.Create(m, n, k, transA, transB);
        var packed = new PackedPanels<T>();
        foreach (var isa in Isas)
        {
            using var _ = KernelIsa.Force(isa);
            packed.Pack(transB, k, n, data.B);
            Assert.That(packed.Isa, Is.EqualTo(isa));
            foreach (var (output, withBias, activation) in new[] { (GemmOutput.Overwrite, false, Activation.None), (GemmOutput.Accumulate, true, Activation.Relu) })
            {
                var plain = data.Run(output, withBias, activation);
                foreach (int threads in new[] { 1, 3 })
                {
                    var c = data.StartingC(output);
                    Gemm.Multiply<T>(transA, transB, m, n, k, data.A, data.B, c, output, withBias ? data.Bias : default, activation, threads, packed);
                    Assert.That(c, Is.EqualTo(plain), $"{isa}, {output}, threads={threads}");
                }
            }
        }
    }

    [Test]
    public void Multiply_PackedFromOtherValues_ReadsThePanels()
    {
        // The products really read the panels (not B): packed from B′, they give A·B′. This is why a packed B is only
        // valid while B is unchanged (the caller's promise, PackedWeights' epochs).
        var data = GemmTestData<float>.Create(64, 64, 64, Transpose.No, Transpose.No);
        var other = GemmTestData<float>.Create(64, 64, 64, Transpose.No, Transpose.No, seed: 1);
        var packed = new PackedPanels<float>();
        packed.Pack(Transpose.No, 64, 64, other.B);
        var c = new float[64 * 64];
        Gemm.Multiply<float>(Transpose.No, Transpose.No, 64, 64, 64, data.A, data.B, c, packedB: packed);
        var expected = new float[64 * 64];
        Gemm.Multiply<float>(Transpose.No, Transpose.No, 64, 64, 64, data.A, other.B, expected);
        Assert.That(c, Is.EqualTo(expected));
    }

    [Test]
    public void Multiply_PackedOnAnotherIsa_PacksBInstead()
    {
        var data = GemmTestData<float>.Create(64, 96, 80, Transpose.No, Transpose.Yes);
        var packed = new PackedPanels<float>();
        using (KernelIsa.Force(Isa.Scalar))
            packed.Pack(Transpose.Yes, 80, 96, data.B);
        var plain = data.Run(GemmOutput.Overwrite, false, Activation.None);
        var c = data.StartingC(GemmOutput.Overwrite);
        Gemm.Multiply<float>(Transpose.No, Transpose.Yes, 64, 96, 80, data.A, data.B, c, packedB: packed);
        Assert.That(c, Is.EqualTo(plain));
    }

    [TestCase(80, 96, Transpose.No)]
    [TestCase(96, 80, Transpose.Yes)]
    [TestCase(81, 96, Transpose.Yes)]
    public void Multiply_PackedForAnotherShape_IsRefused(int k, int n, Transpose transB)
    {
        var b = new float[81 * 96];
        var packed = new PackedPanels<float>();
        packed.Pack(transB, k, n, b);
        var ex = Assert.Throws<ArgumentException>(() =>
            Gemm.Multiply<float>(Transpose.No, Transpose.Yes, 4, 96, 80, new float[4 * 80], b, new float[4 * 96], packedB: packed));
        Assert.That(ex!.ParamName, Is.EqualTo("packedB"));
    }

    [Test]
    public void Pack_BadShapes_AreRefused()
    {
        var packed = new PackedPanels<float>();
        Assert.Throws<ArgumentOutOfRangeException>(() => packed.Pack(Transpose.No, 0, 4, new float[4]));
        Assert.Throws<ArgumentException>(() => packed.Pack(Transpose.No, 4, 4, new float[15]));
        Assert.That(packed.IsPacked, Is.False);
    }

    [Test]
    public void Pack_SameShapeAgain_AllocatesNothing()
    {
        var b = new float[256 * 256];
        var packed = new PackedPanels<float>();
        packed.Pack(Transpose.Yes, 256, 256, b);
        long before = GC.GetAllocatedBytesForCurrentThread();
        packed.Pack(Transpose.Yes, 256, 256, b);
        packed.Pack(Transpose.No, 256, 256, b);
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }
}
