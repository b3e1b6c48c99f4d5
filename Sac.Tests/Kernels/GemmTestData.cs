using System.Numerics;
using Sac.Kernels;

namespace Sac.Tests.Kernels;

/// <summary>One GEMM problem with fixed-seed data: operands as stored (transposes applied), C's starting contents and a bias.</summary>
internal sealed class GemmTestData<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Extra elements after C's m·n, filled with <see cref="Sentinel"/>: a GEMM must never write them.</summary>
    public const int Guard = 17;

    public static readonly T Sentinel = T.CreateTruncating(12345.0);

    public int M, N, K;
    public Transpose TransA, TransB;
    public T[] A = [], B = [], C0 = [], Bias = [];

    public static GemmTestData<T> Create(int m, int n, int k, Transpose transA, Transpose transB, int seed = 0)
    {
        // A fixed seed per shape, so every run (and every ISA in one run) sees the same numbers.
        var rng = new Random(HashCode.Combine(m, n, k, transA, transB, seed) & 0x7fffffff);
        return new GemmTestData<T>
        {
            M = m, N = n, K = k, TransA = transA, TransB = transB,
            A = Uniform(rng, m * k), B = Uniform(rng, k * n), C0 = Uniform(rng, m * n), Bias = Uniform(rng, n),
        };
    }

    /// <summary>C's starting contents for <paramref name="output"/>: C0 to accumulate into, or NaN garbage to be ignored.</summary>
    public T[] StartingC(GemmOutput output)
    {
        var c = new T[M * N + Guard];
        for (int i = 0; i < M * N; i++)
            c[i] = output == GemmOutput.Accumulate ? C0[i] : T.NaN;
        for (int i = M * N; i < c.Length; i++)
            c[i] = Sentinel;
        return c;
    }

    public T[] Run(GemmOutput output, bool withBias, Activation activation, int threads = 1)
    {
        var c = StartingC(output);
        Gemm.Multiply<T>(TransA, TransB, M, N, K, A, B, c, output, withBias ? Bias : default, activation, threads);
        return c;
    }

    public T[] Reference(GemmOutput output, bool withBias, Activation activation)
    {
        var c = StartingC(output);
        GemmReference.Multiply<T>(TransA, TransB, M, N, K, A, B, c, output, withBias ? Bias : default, activation);
        return c;
    }

    /// <summary>
    /// The scale of each element's rounding error: Σ_p |a_ip||b_pj| + |β·c_ij| + |bias_j|, computed by the reference on
    /// absolute values. Any summation order stays within (k + 2)·u of it (Higham's γ bound), u the unit roundoff.
    /// </summary>
    public double[] Magnitude(GemmOutput output, bool withBias)
    {
        var c = new double[M * N];
        for (int i = 0; i < c.Length; i++)
            c[i] = output == GemmOutput.Accumulate ? Math.Abs(double.CreateTruncating(C0[i])) : 0;
        GemmReference.Multiply<double>(TransA, TransB, M, N, K, Abs(A), Abs(B), c, GemmOutput.Accumulate,
            withBias ? Abs(Bias) : default);
        return c;
    }

    private static T[] Uniform(Random rng, int count)
    {
        var values = new T[count];
        for (int i = 0; i < count; i++)
            values[i] = T.CreateTruncating(rng.NextDouble() * 2 - 1);
        return values;
    }

    private static double[] Abs(T[] values) => values.Select(v => Math.Abs(double.CreateTruncating(v))).ToArray();
}

/// <summary>GEMM test cases over (element type, m, n, k, transA, transB).</summary>
internal static class GemmTestCases
{
    /// <summary>
    /// Float and double cases of one shape, named <c>Multiply_Single_255x257x129_TN_{expectation}</c>. The first argument
    /// is a zero of the element type: NUnit infers a generic test method's T from it.
    /// </summary>
    public static IEnumerable<TestCaseData> BothTypes(int m, int n, int k, Transpose transA, Transpose transB, string expectation)
    {
        foreach (object zero in new object[] { 0f, 0d })
        {
            yield return new TestCaseData(zero, m, n, k, transA, transB)
                .SetName($"Multiply_{zero.GetType().Name}_{m}x{n}x{k}_{Letter(transA)}{Letter(transB)}_{expectation}");
        }
    }

    private static char Letter(Transpose t) => t == Transpose.No ? 'N' : 'T';
}
