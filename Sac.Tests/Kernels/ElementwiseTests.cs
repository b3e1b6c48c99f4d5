using System.Numerics;
using Sac.Kernels;

namespace Sac.Tests.Kernels;

/// <summary>Every elementwise kernel against a plain-loop double oracle, on every length 0..112 and every ISA path.</summary>
public class ElementwiseTests
{
    // 0 .. 3 widths of a Vector512<float> (16) past 64: covers empty, pure tails, one vector, several vectors plus tails.
    private static readonly int[] Lengths = Enumerable.Range(0, 64 + 3 * 16 + 1).ToArray();
    private static readonly Isa[] Isas = [Isa.Scalar, Isa.Avx2, Isa.Avx512];

    public delegate void Kernel<T>(T[] x, T[] y, T[] z, T[] destination) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>One row of the table: the kernel (float and double) and what it should compute, element by element.</summary>
    public sealed record Case(string Name, Kernel<float> Float, Kernel<double> Double, Func<double, double, double, double, double> Oracle, bool Accumulates = false)
    {
        public override string ToString() => Name;
    }

    // x ∈ (−3, 3); y ∈ (−3, 3) but for Log/Divide the inputs are made positive; z ∈ (−3, 3); d is the destination's prior value.
    public static IEnumerable<Case> Cases()
    {
        yield return new("Add", (x, y, z, d) => Elementwise.Add<float>(x, y, d), (x, y, z, d) => Elementwise.Add<double>(x, y, d), (x, y, z, d) => x + y);
        yield return new("Subtract", (x, y, z, d) => Elementwise.Subtract<float>(x, y, d), (x, y, z, d) => Elementwise.Subtract<double>(x, y, d), (x, y, z, d) => x - y);
        yield return new("Multiply", (x, y, z, d) => Elementwise.Multiply<float>(x, y, d), (x, y, z, d) => Elementwise.Multiply<double>(x, y, d), (x, y, z, d) => x * y);
        yield return new("Scale", (x, y, z, d) => Elementwise.Scale<float>(x, -1.5f, d), (x, y, z, d) => Elementwise.Scale<double>(x, -1.5, d), (x, y, z, d) => -1.5 * x);
        yield return new("AddScalar", (x, y, z, d) => Elementwise.AddScalar<float>(x, 0.25f, d), (x, y, z, d) => Elementwise.AddScalar<double>(x, 0.25, d), (x, y, z, d) => x + 0.25);
        yield return new("Negate", (x, y, z, d) => Elementwise.Negate<float>(x, d), (x, y, z, d) => Elementwise.Negate<double>(x, d), (x, y, z, d) => -x);
        yield return new("Relu", (x, y, z, d) => Elementwise.Relu<float>(x, d), (x, y, z, d) => Elementwise.Relu<double>(x, d), (x, y, z, d) => Math.Max(x, 0));
        yield return new("Tanh", (x, y, z, d) => Elementwise.Tanh<float>(x, d), (x, y, z, d) => Elementwise.Tanh<double>(x, d), (x, y, z, d) => Math.Tanh(x));
        yield return new("Exp", (x, y, z, d) => Elementwise.Exp<float>(x, d), (x, y, z, d) => Elementwise.Exp<double>(x, d), (x, y, z, d) => Math.Exp(x));
        yield return new("Log", (x, y, z, d) => Elementwise.Log<float>(y, d), (x, y, z, d) => Elementwise.Log<double>(y, d), (x, y, z, d) => Math.Log(y));
        yield return new("Softplus", (x, y, z, d) => Elementwise.Softplus<float>(x, d), (x, y, z, d) => Elementwise.Softplus<double>(x, d), (x, y, z, d) => ElementwiseReference.Softplus(x));
        yield return new("Square", (x, y, z, d) => Elementwise.Square<float>(x, d), (x, y, z, d) => Elementwise.Square<double>(x, d), (x, y, z, d) => x * x);
        yield return new("Clamp", (x, y, z, d) => Elementwise.Clamp<float>(x, -1f, 2f, d), (x, y, z, d) => Elementwise.Clamp<double>(x, -1, 2, d), (x, y, z, d) => Math.Clamp(x, -1, 2));
        yield return new("Min", (x, y, z, d) => Elementwise.Min<float>(x, z, d), (x, y, z, d) => Elementwise.Min<double>(x, z, d), (x, y, z, d) => Math.Min(x, z));
        foreach (bool acc in new[] { false, true })
        {
            string suffix = acc ? "(+=)" : "(=)";
            double Prior(double d) => acc ? d : 0;
            yield return new("Accumulate" + suffix, (x, y, z, d) => Elementwise.Accumulate<float>(x, d, acc), (x, y, z, d) => Elementwise.Accumulate<double>(x, d, acc), (x, y, z, d) => Prior(d) + x, acc);
            yield return new("ScaleAccumulate" + suffix, (x, y, z, d) => Elementwise.ScaleAccumulate<float>(x, 0.5f, d, acc), (x, y, z, d) => Elementwise.ScaleAccumulate<double>(x, 0.5, d, acc), (x, y, z, d) => Prior(d) + 0.5 * x, acc);
            yield return new("MultiplyAccumulate" + suffix, (x, y, z, d) => Elementwise.MultiplyAccumulate<float>(x, z, d, acc), (x, y, z, d) => Elementwise.MultiplyAccumulate<double>(x, z, d, acc), (x, y, z, d) => Prior(d) + x * z, acc);
            yield return new("DivideAccumulate" + suffix, (x, y, z, d) => Elementwise.DivideAccumulate<float>(x, y, d, acc), (x, y, z, d) => Elementwise.DivideAccumulate<double>(x, y, d, acc), (x, y, z, d) => Prior(d) + x / y, acc);
            yield return new("ReluBackward" + suffix, (x, y, z, d) => Elementwise.ReluBackward<float>(x, z, d, acc), (x, y, z, d) => Elementwise.ReluBackward<double>(x, z, d, acc), (x, y, z, d) => Prior(d) + (z > 0 ? x : 0), acc);
            yield return new("TanhBackward" + suffix, (x, y, z, d) => Elementwise.TanhBackward<float>(x, z, d, acc), (x, y, z, d) => Elementwise.TanhBackward<double>(x, z, d, acc), (x, y, z, d) => Prior(d) + x * (1 - z * z), acc);
            yield return new("SoftplusBackward" + suffix, (x, y, z, d) => Elementwise.SoftplusBackward<float>(x, z, d, acc), (x, y, z, d) => Elementwise.SoftplusBackward<double>(x, z, d, acc), (x, y, z, d) => Prior(d) + x * ElementwiseReference.Sigmoid(z), acc);
            yield return new("SquareBackward" + suffix, (x, y, z, d) => Elementwise.SquareBackward<float>(x, z, d, acc), (x, y, z, d) => Elementwise.SquareBackward<double>(x, z, d, acc), (x, y, z, d) => Prior(d) + 2 * z * x, acc);
            yield return new("ClampBackward" + suffix, (x, y, z, d) => Elementwise.ClampBackward<float>(x, z, -1f, 1f, d, acc), (x, y, z, d) => Elementwise.ClampBackward<double>(x, z, -1, 1, d, acc), (x, y, z, d) => Prior(d) + (z >= -1 && z <= 1 ? x : 0), acc);
            yield return new("MinBackwardFirst" + suffix, (x, y, z, d) => Elementwise.MinBackwardFirst<float>(x, y, z, d, acc), (x, y, z, d) => Elementwise.MinBackwardFirst<double>(x, y, z, d, acc), (x, y, z, d) => Prior(d) + (y <= z ? x : 0), acc);
            yield return new("MinBackwardSecond" + suffix, (x, y, z, d) => Elementwise.MinBackwardSecond<float>(x, y, z, d, acc), (x, y, z, d) => Elementwise.MinBackwardSecond<double>(x, y, z, d, acc), (x, y, z, d) => Prior(d) + (z < y ? x : 0), acc);
        }
    }

    [Test, Combinatorial]
    public void Kernel_EveryLengthAndIsa_MatchesReference([ValueSource(nameof(Cases))] Case c, [ValueSource(nameof(Isas))] Isa isa)
    {
        using var _ = KernelIsa.Force(isa);
        var rng = new Random(1234);
        foreach (int n in Lengths)
        {
            double[] x = Values(rng, n, -3, 3), y = Values(rng, n, 0.1, 3), z = Values(rng, n, -3, 3), d = Values(rng, n, -3, 3);
            // Exact ties and the clamp bounds, so subgradient rules are exercised: z[i] = y[i] and z at ±1 at a few indices.
            for (int i = 0; i < n; i += 7) z[i] = y[i];
            for (int i = 3; i < n; i += 11) z[i] = (i % 2 == 0) ? 1 : -1;

            double[] dd = (double[])d.Clone();
            c.Double(x, y, z, dd);
            float[] xf = ToFloat(x), yf = ToFloat(y), zf = ToFloat(z), df = ToFloat(d);
            c.Float(xf, yf, zf, df);
            for (int i = 0; i < n; i++)
            {
                double expected = c.Oracle(x[i], y[i], z[i], d[i]);
                Assert.That(dd[i], Is.EqualTo(expected).Within(1e-13 * (1 + Math.Abs(expected))), $"{c.Name} double, n={n}, i={i}");
                double expectedF = c.Oracle(xf[i], yf[i], zf[i], (float)d[i]);
                Assert.That(df[i], Is.EqualTo(expectedF).Within(2e-6 * (1 + Math.Abs(expectedF))), $"{c.Name} float, n={n}, i={i}");
            }
        }
    }

    [Test]
    public void Softplus_LargeMagnitudes_IsStable()
    {
        // softplus(x) → x for large x (no overflow of eˣ), → eˣ for very negative x; both finite.
        double[] x = [-800, -40, -1e-3, 0, 1e-3, 40, 800];
        double[] y = new double[x.Length];
        Elementwise.Softplus<double>(x, y);
        Assert.That(y[0], Is.EqualTo(0).Within(1e-300));
        Assert.That(y[1], Is.EqualTo(Math.Exp(-40)).Within(1e-30));
        Assert.That(y[3], Is.EqualTo(Math.Log(2)).Within(1e-15));
        Assert.That(y[5], Is.EqualTo(40).Within(1e-14));
        Assert.That(y[6], Is.EqualTo(800)); // log(1 + e^800) overflows if computed directly
    }

    [Test]
    public void Elementwise_MismatchedLengths_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => Elementwise.ReluBackward<float>(new float[3], new float[4], new float[3], false));
        Assert.Throws<ArgumentException>(() => Elementwise.Clamp<float>(new float[3], 2f, 1f, new float[3]));
    }

    internal static double[] Values(Random rng, int n, double low, double high)
    {
        var v = new double[n];
        for (int i = 0; i < n; i++) v[i] = low + (high - low) * rng.NextDouble();
        return v;
    }

    internal static float[] ToFloat(double[] v) => v.Select(e => (float)e).ToArray();
}
