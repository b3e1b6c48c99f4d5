using Sac.Kernels;

namespace Sac.Tests.Kernels;

/// <summary>
/// Fused Adam against Kingma and Ba's algorithm written out; Polyak's exact τ fraction; every kernel on every ISA path
/// against a plain float loop in the documented order of operations, bit for bit.
/// </summary>
public class OptimizerKernelTests
{
    private static readonly Isa[] Isas = [Isa.Scalar, Isa.Avx2, Isa.Avx512];

    /// <summary>Lengths 0 … 4·16 + 6: every count of whole Vector512s and Vector256s up to four, with every tail.</summary>
    private const int MaxLength = 4 * 16 + 6;

    [Test]
    public void Adam_EveryIsaAndLength_MatchesScalarLoopBitwise([ValueSource(nameof(Isas))] Isa isa) =>
        ForEveryLength(isa, seed: 21, (n, rng) =>
        {
            float[] p = Floats(rng, n, -1, 1), pRef = (float[])p.Clone();
            float[] m = new float[n], v = new float[n], mRef = new float[n], vRef = new float[n];
            for (long t = 1; t <= 3; t++)
            {
                float[] g = Floats(rng, n, -3, 3);
                OptimizerKernels.Adam<float>(p, g, m, v, 1e-3f, 0.9f, 0.999f, 1e-8f, t, 0.5f);
                ScalarAdam(pRef, g, mRef, vRef, 1e-3f, 0.9f, 0.999f, 1e-8f, t, 0.5f);
            }
            AssertBitwise(p, pRef, $"{isa}, n = {n}: parameters");
            AssertBitwise(m, mRef, $"{isa}, n = {n}: first moments");
            AssertBitwise(v, vRef, $"{isa}, n = {n}: second moments");
        });

    [Test]
    public void Polyak_EveryIsaAndLength_MatchesScalarLoopBitwise([ValueSource(nameof(Isas))] Isa isa) =>
        ForEveryLength(isa, seed: 22, (n, rng) =>
        {
            const float tau = 0.005f;
            float[] target = Floats(rng, n, -1, 1), source = Floats(rng, n, -1, 1);
            // The documented order: target·(1 − τ) + τ·source.
            float[] expected = target.Zip(source, (t, s) => t * (1 - tau) + tau * s).ToArray();
            OptimizerKernels.Polyak<float>(target, source, tau);
            AssertBitwise(target, expected, $"{isa}, n = {n}");
        });

    [Test]
    public void AddSumOfSquares_EveryIsaAndLength_MatchesScalarLoop([ValueSource(nameof(Isas))] Isa isa) =>
        ForEveryLength(isa, seed: 23, (n, rng) =>
        {
            float[] total = Floats(rng, n, -2, 2), other = Floats(rng, n, -2, 2);
            float[] expected = total.Zip(other, (a, b) => a + b).ToArray();
            double exact = expected.Sum(x => (double)x * x);
            double sum = OptimizerKernels.AddSumOfSquares<float>(total, other);
            AssertBitwise(total, expected, $"{isa}, n = {n}: total += other");
            // The kernel squares and sums in float, per lane, then adds the lanes: under 2·(n + 16) roundings, each within
            // float's unit roundoff (6e-8) of the sum. A term lost or counted twice (≈ 1.3 on average) is off by far more.
            Assert.That(sum, Is.EqualTo(exact).Within(2 * (n + 16) * 6e-8 * exact), $"{isa}, n = {n}: Σ total²");
        });

    /// <summary>Runs <paramref name="check"/> on <paramref name="isa"/>'s path for every length 0 … <see cref="MaxLength"/>, a fixed seed per length.</summary>
    private static void ForEveryLength(Isa isa, int seed, Action<int, Random> check)
    {
        using var _ = KernelIsa.Force(isa);
        for (int n = 0; n <= MaxLength; n++)
            check(n, new Random(seed + n));
    }

    /// <summary>Adam as its documentation writes it, left to right, one element at a time, in float.</summary>
    private static void ScalarAdam(float[] p, float[] g, float[] m, float[] v, float lr, float b1, float b2, float eps, long t, float gradScale)
    {
        float stepSize = lr / (1 - MathF.Pow(b1, t));
        float biasCorrection2Sqrt = MathF.Sqrt(1 - MathF.Pow(b2, t));
        for (int i = 0; i < p.Length; i++)
        {
            float gi = gradScale * g[i];
            m[i] = m[i] + (1 - b1) * (gi - m[i]);
            v[i] = b2 * v[i] + (1 - b2) * (gi * gi);
            p[i] = p[i] - stepSize * m[i] / (MathF.Sqrt(v[i]) / biasCorrection2Sqrt + eps);
        }
    }

    private static float[] Floats(Random rng, int n, double low, double high) => ElementwiseTests.ToFloat(ElementwiseTests.Values(rng, n, low, high));

    private static void AssertBitwise(float[] actual, float[] expected, string what)
    {
        Assert.That(actual.Length, Is.EqualTo(expected.Length), what);
        for (int i = 0; i < expected.Length; i++)
            Assert.That(BitConverter.SingleToInt32Bits(actual[i]), Is.EqualTo(BitConverter.SingleToInt32Bits(expected[i])),
                $"{what}, element {i}: {actual[i]:R} vs {expected[i]:R}");
    }

    [Test, Combinatorial]
    public void Adam_TenSteps_MatchesReferenceAlgorithm([ValueSource(nameof(Isas))] Isa isa, [Values(0, 1, 7, 8, 9, 16, 17, 67)] int n, [Values(1.0, 0.25)] double gradScale)
    {
        using var _ = KernelIsa.Force(isa);
        var rng = new Random(11 + n);
        double[] p = ElementwiseTests.Values(rng, n, -1, 1), pRef = (double[])p.Clone();
        double[] m = new double[n], v = new double[n], mRef = new double[n], vRef = new double[n];
        for (long t = 1; t <= 10; t++)
        {
            double[] g = ElementwiseTests.Values(rng, n, -3, 3);
            OptimizerKernels.Adam<double>(p, g, m, v, 3e-4, 0.9, 0.999, 1e-8, t, gradScale);
            ElementwiseReference.Adam(pRef, g, mRef, vRef, 3e-4, 0.9, 0.999, 1e-8, t, gradScale);
        }
        for (int i = 0; i < n; i++)
        {
            Assert.That(p[i], Is.EqualTo(pRef[i]).Within(1e-13), $"parameter {i}");
            Assert.That(m[i], Is.EqualTo(mRef[i]).Within(1e-13), $"first moment {i}");
            Assert.That(v[i], Is.EqualTo(vRef[i]).Within(1e-13), $"second moment {i}");
        }
    }

    [Test]
    public void Adam_FirstStep_MovesEachParameterByLearningRate()
    {
        // Closed form: at t = 1, m̂ = g and v̂ = g², so the step is lr·g/(|g| + ε) ≈ lr·sign(g) for |g| ≫ ε.
        double[] p = [0, 0, 0], g = [2, -0.5, 1e-3], m = new double[3], v = new double[3];
        OptimizerKernels.Adam<double>(p, g, m, v, 0.01, 0.9, 0.999, 1e-8, 1, 1.0);
        for (int i = 0; i < 3; i++)
            Assert.That(p[i], Is.EqualTo(-0.01 * g[i] / (Math.Abs(g[i]) + 1e-8)).Within(1e-15));
    }

    [Test, Combinatorial]
    public void Polyak_MovesTargetByTauOfTheDifference([ValueSource(nameof(Isas))] Isa isa, [Values(0, 5, 8, 33)] int n)
    {
        using var _ = KernelIsa.Force(isa);
        var rng = new Random(12);
        double[] target = ElementwiseTests.Values(rng, n, -1, 1), source = ElementwiseTests.Values(rng, n, -1, 1);
        double[] before = (double[])target.Clone(), sourceBefore = (double[])source.Clone();
        OptimizerKernels.Polyak<double>(target, source, 0.005);
        for (int i = 0; i < n; i++)
            Assert.That(target[i] - before[i], Is.EqualTo(0.005 * (source[i] - before[i])).Within(1e-15), $"element {i}");
        Assert.That(source, Is.EqualTo(sourceBefore), "Polyak must never write the source network.");
    }

    [Test, Combinatorial]
    public void AdamAndPolyak_AnyThreadCount_AreBitwiseIdentical([ValueSource(nameof(Isas))] Isa isa, [Values(2, 3, 5)] int threads)
    {
        using var _ = KernelIsa.Force(isa);
        // 100,003 elements: above the parallel threshold, and not a multiple of any range alignment.
        const int n = 100_003;
        var rng = new Random(13);
        float[] p = ElementwiseTests.ToFloat(ElementwiseTests.Values(rng, n, -1, 1)), g = ElementwiseTests.ToFloat(ElementwiseTests.Values(rng, n, -2, 2));
        float[] p1 = (float[])p.Clone(), m1 = new float[n], v1 = new float[n];
        float[] pt = (float[])p.Clone(), mt = new float[n], vt = new float[n];
        for (long t = 1; t <= 3; t++)
        {
            OptimizerKernels.Adam<float>(p1, g, m1, v1, 1e-3f, 0.9f, 0.999f, 1e-8f, t, 0.5f);
            OptimizerKernels.Adam<float>(pt, g, mt, vt, 1e-3f, 0.9f, 0.999f, 1e-8f, t, 0.5f, threads);
        }
        Assert.That(pt, Is.EqualTo(p1));
        Assert.That(mt, Is.EqualTo(m1));
        Assert.That(vt, Is.EqualTo(v1));

        float[] target1 = (float[])g.Clone(), targetT = (float[])g.Clone();
        OptimizerKernels.Polyak<float>(target1, p, 0.005f);
        OptimizerKernels.Polyak<float>(targetT, p, 0.005f, threads);
        Assert.That(targetT, Is.EqualTo(target1));
    }

    [Test, Combinatorial]
    public void AddSumOfSquares_AddsInPlace_AndReturnsTheSumOfSquares([ValueSource(nameof(Isas))] Isa isa, [Values(0, 1, 7, 8, 15, 16, 17, 33, 100)] int n)
    {
        using var _ = KernelIsa.Force(isa);
        var rng = new Random(14 + n);
        double[] total = ElementwiseTests.Values(rng, n, -2, 2), other = ElementwiseTests.Values(rng, n, -2, 2);
        double[] expected = total.Zip(other, (a, b) => a + b).ToArray(), otherBefore = (double[])other.Clone();
        double sum = OptimizerKernels.AddSumOfSquares<double>(total, other);
        Assert.That(total, Is.EqualTo(expected), "total += other, exactly (one addition per element)");
        Assert.That(other, Is.EqualTo(otherBefore), "the other buffer is only read");
        Assert.That(sum, Is.EqualTo(expected.Sum(x => x * x)).Within(1e-12 * Math.Max(1, n)));
    }

    [Test]
    public void AddSumOfSquares_Threaded_IsBitwiseTheSameForAnyThreadCount_AndSumsInChunks([Values(0, 1, 8191, 8192, 8193, 144_000)] int n)
    {
        var rng = new Random(15 + n);
        float[] a = new float[n], b = new float[n];
        for (int i = 0; i < n; i++)
            (a[i], b[i]) = ((float)(rng.NextDouble() * 4 - 2), (float)(rng.NextDouble() * 4 - 2));

        // The oracle: the one-pass kernel on each fixed chunk, the chunks' sums added in order in double.
        float[] expectedTotal = (float[])a.Clone();
        double expected = 0;
        for (int start = 0; start < n; start += OptimizerKernels.SumChunk)
        {
            int length = Math.Min(OptimizerKernels.SumChunk, n - start);
            expected += OptimizerKernels.AddSumOfSquares<float>(expectedTotal.AsSpan(start, length), b.AsSpan(start, length));
        }
        foreach (int threads in new[] { 1, 2, 3, 8 })
        {
            float[] total = (float[])a.Clone();
            double sum = OptimizerKernels.AddSumOfSquares<float>(total, b, threads);
            Assert.That(total, Is.EqualTo(expectedTotal), $"threads={threads}: total += other");
            Assert.That(BitConverter.DoubleToInt64Bits(sum), Is.EqualTo(BitConverter.DoubleToInt64Bits(expected)), $"threads={threads}");
        }
        double exact = a.Zip(b, (x, y) => (double)(x + y) * (x + y)).Sum();
        Assert.That(expected, Is.EqualTo(exact).Within(1e-5 * Math.Max(1, exact)));
    }

    [Test]
    public void Optimizers_Threaded_AfterWarmUp_AllocateNothing()
    {
        float[] a = new float[100_000], b = new float[100_000], m = new float[100_000], v = new float[100_000];
        void Step()
        {
            OptimizerKernels.AddSumOfSquares<float>(a, b, 2);
            OptimizerKernels.Adam<float>(a, b, m, v, 1e-3f, 0.9f, 0.999f, 1e-8f, 1, 1f, 2);
            OptimizerKernels.Polyak<float>(m, a, 0.005f, 2);
        }
        Step();
        long allocated = GemmThreadingTests.AllocatedByTenCalls(() =>
        {
            for (int i = 0; i < 10; i++)
                Step();
        });
        Assert.That(allocated, Is.Zero);
    }

    [Test]
    public void Optimizers_BadArguments_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => OptimizerKernels.Polyak<float>(new float[2], new float[2], 1.5f));
        Assert.Throws<ArgumentException>(() => OptimizerKernels.Adam<float>(new float[2], new float[3], new float[2], new float[2], 1e-3f, 0.9f, 0.999f, 1e-8f, 1, 1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => OptimizerKernels.Adam<float>(new float[2], new float[2], new float[2], new float[2], 1e-3f, 0.9f, 0.999f, 1e-8f, 0, 1f));
        Assert.Throws<ArgumentException>(() => OptimizerKernels.AddSumOfSquares<float>(new float[2], new float[3]));
        Assert.Throws<ArgumentException>(() => OptimizerKernels.AddSumOfSquares<float>(new float[2], new float[3], 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => OptimizerKernels.AddSumOfSquares<float>(new float[2], new float[2], 0));
    }
}
