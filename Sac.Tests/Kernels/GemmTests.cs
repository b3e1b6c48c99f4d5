using System.Numerics;
using Sac.Kernels;

namespace Sac.Tests.Kernels;

/// <summary>
/// <see cref="Gemm.Multiply{T}"/> against <see cref="GemmReference"/> on every ISA path (forced with
/// <see cref="KernelIsa.Force"/>), all four transpose combinations, both β modes, with and without bias and ReLU,
/// float and double, on shapes that are not multiples of any block size and on SAC's own shapes.
/// </summary>
public class GemmTests
{
    private static readonly Isa[] Isas = [Isa.Scalar, Isa.Avx2, Isa.Avx512];

    private static readonly (int M, int N, int K)[] Shapes =
    [
        (1, 1, 1), (3, 5, 7), (17, 23, 256), (255, 257, 129), (256, 256, 256),
        // Empty dimensions.
        (0, 5, 7), (5, 0, 7), (5, 7, 0), (0, 0, 0),
        // SAC: first layer forward (k = obs + act), value/Q head (n = 1), policy head (n = 12), first-layer dW (m = 23),
        // dX of a head (k = 1), a single sample (m = 1).
        (256, 256, 23), (256, 256, 4), (256, 1, 256), (256, 12, 256), (23, 256, 256), (256, 256, 1), (1, 256, 256), (1, 1, 300),
        // Around the block boundaries: k at and just past the small-k limit, k past KC (several passes of loop 4),
        // n between one and two vectors, m and n of one tile plus one.
        (13, 17, 32), (7, 33, 33), (31, 47, 600), (9, 9, 2), (7, 17, 64), (2, 3, 1),
        // Narrow C (a policy head: n below one tile, every tile an edge tile), m not a multiple of any MR, several k passes.
        (37, 16, 300), (129, 15, 65), (16, 8, 40), (200, 2, 64), (17, 9, 500),
    ];

    private static readonly (GemmOutput Output, bool Bias, Activation Activation)[] AllEpilogues =
    [
        (GemmOutput.Overwrite, false, Activation.None), (GemmOutput.Overwrite, true, Activation.None),
        (GemmOutput.Overwrite, false, Activation.Relu), (GemmOutput.Overwrite, true, Activation.Relu),
        (GemmOutput.Accumulate, false, Activation.None), (GemmOutput.Accumulate, true, Activation.None),
        (GemmOutput.Accumulate, false, Activation.Relu), (GemmOutput.Accumulate, true, Activation.Relu),
    ];

    /// <summary>Large shapes try three epilogues, which between them still cover both β modes, bias and ReLU.</summary>
    private static readonly (GemmOutput Output, bool Bias, Activation Activation)[] SomeEpilogues =
    [
        (GemmOutput.Overwrite, false, Activation.None), (GemmOutput.Overwrite, true, Activation.Relu),
        (GemmOutput.Accumulate, true, Activation.None),
    ];

    private static IEnumerable<TestCaseData> Cases()
    {
        foreach (var (m, n, k) in Shapes)
        {
            foreach (var transA in new[] { Transpose.No, Transpose.Yes })
            {
                foreach (var transB in new[] { Transpose.No, Transpose.Yes })
                {
                    foreach (var testCase in GemmTestCases.BothTypes(m, n, k, transA, transB, "MatchesReferenceOnEveryIsa"))
                        yield return testCase;
                }
            }
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void Multiply_Shape_MatchesReferenceOnEveryIsa<T>(T zero, int m, int n, int k, Transpose transA, Transpose transB)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var data = GemmTestData<T>.Create(m, n, k, transA, transB);
        var epilogues = (long)m * n * k <= 1 << 16 ? AllEpilogues : SomeEpilogues;
        foreach (var (output, withBias, activation) in epilogues)
        {
            var expected = data.Reference(output, withBias, activation);
            var magnitude = data.Magnitude(output, withBias);
            foreach (var isa in Isas)
            {
                T[] actual;
                using (KernelIsa.Force(isa))
                    actual = data.Run(output, withBias, activation);
                AssertClose(actual, expected, magnitude, k, $"{isa}, {output}, bias={withBias}, {activation}");
            }
        }
    }

    /// <summary>
    /// |actual − expected| ≤ 2·(k + 2)·u·magnitude element-wise: both sides are within (k + 2)·u·magnitude of the exact
    /// value whatever their summation order. A NaN (garbage leaking through β = 0) fails, and so does any write to the
    /// guard elements after C.
    /// </summary>
    internal static void AssertClose<T>(T[] actual, T[] expected, double[] magnitude, int k, string what)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double u = typeof(T) == typeof(float) ? Math.ScaleB(1, -24) : Math.ScaleB(1, -53);
        double tolerance = 2 * (k + 2) * u;
        for (int i = 0; i < magnitude.Length; i++)
        {
            double error = Math.Abs(double.CreateTruncating(actual[i]) - double.CreateTruncating(expected[i]));
            if (!(error <= tolerance * magnitude[i]))
                Assert.Fail($"{what}: C[{i}] = {actual[i]}, reference {expected[i]} (error {error:G3}, allowed {tolerance * magnitude[i]:G3}).");
        }
        for (int i = magnitude.Length; i < actual.Length; i++)
        {
            // Past C's m·n elements: must still hold the sentinel.
            Assert.That(actual[i], Is.EqualTo(GemmTestData<T>.Sentinel), $"{what}: wrote past C, at element {i}.");
        }
    }

    [Test]
    public void Multiply_Overwrite_IgnoresNaNInC()
    {
        // 0·NaN would be NaN: β = 0 must not multiply the garbage, it must not read it at all.
        var data = GemmTestData<float>.Create(19, 21, 40, Transpose.No, Transpose.No);
        foreach (var isa in Isas)
        {
            using (KernelIsa.Force(isa))
            {
                var c = data.Run(GemmOutput.Overwrite, withBias: true, Activation.None);
                Assert.That(c.Take(19 * 21).Count(float.IsNaN), Is.Zero, $"{isa}: NaN leaked from C into the result.");
            }
        }
    }

    [Test]
    public void Multiply_Relu_ClampsNegativesToZero()
    {
        // A = -I (3×3), B = I: the product is -I; with bias 0.5 the diagonal is -0.5 → 0 and the rest 0.5.
        float[] a = [-1, 0, 0, 0, -1, 0, 0, 0, -1];
        float[] b = [1, 0, 0, 0, 1, 0, 0, 0, 1];
        float[] bias = [0.5f, 0.5f, 0.5f];
        foreach (var isa in Isas)
        {
            var c = new float[9];
            using (KernelIsa.Force(isa))
                Gemm.Multiply<float>(Transpose.No, Transpose.No, 3, 3, 3, a, b, c, GemmOutput.Overwrite, bias, Activation.Relu);
            Assert.That(c, Is.EqualTo(new float[] { 0, 0.5f, 0.5f, 0.5f, 0, 0.5f, 0.5f, 0.5f, 0 }), $"{isa}");
        }
    }

    [Test]
    public void Multiply_Accumulate_AddsToC()
    {
        // dW += Xᵀ·dY twice equals 2·Xᵀ·dY: β = 1 must add, never assign.
        var data = GemmTestData<double>.Create(23, 40, 64, Transpose.Yes, Transpose.No);
        foreach (var isa in Isas)
        {
            var once = new double[23 * 40];
            var twice = new double[23 * 40];
            using (KernelIsa.Force(isa))
            {
                Gemm.Multiply<double>(Transpose.Yes, Transpose.No, 23, 40, 64, data.A, data.B, once);
                Gemm.Multiply<double>(Transpose.Yes, Transpose.No, 23, 40, 64, data.A, data.B, twice, GemmOutput.Accumulate);
                Gemm.Multiply<double>(Transpose.Yes, Transpose.No, 23, 40, 64, data.A, data.B, twice, GemmOutput.Accumulate);
            }
            // x + x = 2x exactly in binary floating point.
            Assert.That(twice, Is.EqualTo(once.Select(x => 2 * x).ToArray()), $"{isa}");
        }
    }

    [Test]
    public void Multiply_EmptyOutput_WritesNothing()
    {
        // m = 0 or n = 0: C has no elements, so the guard elements must keep their sentinel.
        var c = new float[] { 7, 7, 7 };
        Gemm.Multiply<float>(Transpose.No, Transpose.No, 0, 3, 4, new float[0], new float[12], c, threads: 2);
        Gemm.Multiply<float>(Transpose.No, Transpose.No, 3, 0, 4, new float[12], new float[0], c, threads: 2);
        Assert.That(c, Is.EqualTo(new float[] { 7, 7, 7 }));
    }

    [Test]
    public void Multiply_ZeroDepth_IsBiasAndActivationOfBetaC()
    {
        // k = 0: the product is empty (0), so C = act(β·C + bias).
        float[] c = [float.NaN, float.NaN, float.NaN, float.NaN];
        float[] bias = [-1, 2];
        Gemm.Multiply<float>(Transpose.No, Transpose.No, 2, 2, 0, [], [], c, GemmOutput.Overwrite, bias, Activation.Relu);
        Assert.That(c, Is.EqualTo(new float[] { 0, 2, 0, 2 }));
        float[] d = [1, 1, 1, 1];
        Gemm.Multiply<float>(Transpose.No, Transpose.No, 2, 2, 0, [], [], d, GemmOutput.Accumulate, bias);
        Assert.That(d, Is.EqualTo(new float[] { 0, 3, 0, 3 }));
    }
}
