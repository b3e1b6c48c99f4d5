using Sac.Kernels;

namespace Sac.Tests.Kernels;

/// <summary>Row-vector broadcasts, column/row sums and column copies against plain loops, on odd shapes and every ISA.</summary>
public class MatricesTests
{
    private static readonly (int Rows, int Cols)[] Shapes = [(0, 0), (0, 5), (1, 1), (1, 17), (3, 1), (5, 7), (17, 33), (64, 65), (256, 6), (7, 112)];
    private static readonly Isa[] Isas = [Isa.Scalar, Isa.Avx2, Isa.Avx512];

    [Test, Combinatorial]
    public void RowVectorBroadcasts_OddShapes_MatchLoops([ValueSource(nameof(Isas))] Isa isa)
    {
        using var _ = KernelIsa.Force(isa);
        var rng = new Random(7);
        foreach (var (rows, cols) in Shapes)
        {
            double[] x = ElementwiseTests.Values(rng, rows * cols, -2, 2), b = ElementwiseTests.Values(rng, cols, -2, 2);
            double[] add = new double[x.Length], sub = new double[x.Length], mul = new double[x.Length];
            Matrices.AddRowVector<double>(x, b, add, rows, cols);
            Matrices.SubtractRowVector<double>(x, b, sub, rows, cols);
            Matrices.MultiplyRowVector<double>(x, b, mul, rows, cols);
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < cols; c++)
                {
                    int i = r * cols + c;
                    Assert.That(add[i], Is.EqualTo(x[i] + b[c]), $"add {rows}x{cols} [{r},{c}]");
                    Assert.That(sub[i], Is.EqualTo(x[i] - b[c]), $"sub {rows}x{cols} [{r},{c}]");
                    Assert.That(mul[i], Is.EqualTo(x[i] * b[c]), $"mul {rows}x{cols} [{r},{c}]");
                }
        }
    }

    [Test, Combinatorial]
    public void ColumnAndRowSums_OddShapes_MatchLoops([ValueSource(nameof(Isas))] Isa isa, [Values] bool accumulate)
    {
        using var _ = KernelIsa.Force(isa);
        var rng = new Random(8);
        foreach (var (rows, cols) in Shapes)
        {
            double[] x = ElementwiseTests.Values(rng, rows * cols, -2, 2);
            double[] colPrior = ElementwiseTests.Values(rng, cols, -1, 1), rowPrior = ElementwiseTests.Values(rng, rows, -1, 1);
            double[] colSums = (double[])colPrior.Clone(), scaled = (double[])colPrior.Clone(), rowSums = (double[])rowPrior.Clone();
            Matrices.ColumnSums<double>(x, colSums, rows, cols, accumulate, 1.0);
            Matrices.ColumnSums<double>(x, scaled, rows, cols, accumulate, -0.5);
            Matrices.RowSums<double>(x, rowSums, rows, cols, accumulate);
            for (int c = 0; c < cols; c++)
            {
                double sum = 0;
                for (int r = 0; r < rows; r++) sum += x[r * cols + c];
                double prior = accumulate ? colPrior[c] : 0;
                Assert.That(colSums[c], Is.EqualTo(prior + sum).Within(1e-12), $"column {c} of {rows}x{cols}");
                Assert.That(scaled[c], Is.EqualTo(prior - 0.5 * sum).Within(1e-12), $"scaled column {c} of {rows}x{cols}");
            }
            for (int r = 0; r < rows; r++)
            {
                double sum = 0;
                for (int c = 0; c < cols; c++) sum += x[r * cols + c];
                Assert.That(rowSums[r], Is.EqualTo((accumulate ? rowPrior[r] : 0) + sum).Within(1e-12), $"row {r} of {rows}x{cols}");
            }
        }
    }

    [Test, Combinatorial]
    public void ReluBackwardColumnSums_OddShapes_MatchesMaskThenSum([ValueSource(nameof(Isas))] Isa isa, [Values] bool accumulate)
    {
        using var _ = KernelIsa.Force(isa);
        var rng = new Random(11);
        foreach (var (rows, cols) in Shapes)
        {
            double[] grad = ElementwiseTests.Values(rng, rows * cols, -2, 2), result = ElementwiseTests.Values(rng, rows * cols, -1, 1);
            double[] prior = ElementwiseTests.Values(rng, cols, -1, 1), sums = (double[])prior.Clone(), masked = new double[rows * cols];
            Matrices.ReluBackwardColumnSums<double>(grad, result, masked, sums, rows, cols, accumulate);
            for (int c = 0; c < cols; c++)
            {
                double sum = accumulate ? prior[c] : 0;
                for (int r = 0; r < rows; r++)
                {
                    int i = r * cols + c;
                    double expected = result[i] > 0 ? grad[i] : 0; // the ReLU mask from the saved output
                    Assert.That(masked[i], Is.EqualTo(expected), $"mask [{r},{c}] of {rows}x{cols}");
                    sum += expected;
                }
                Assert.That(sums[c], Is.EqualTo(sum), $"column {c} of {rows}x{cols}: rows added in order 0, 1, …, bit for bit");
            }
        }
    }

    [Test]
    public void BroadcastColumn_BothModes_MatchesLoop([Values] bool accumulate)
    {
        var rng = new Random(9);
        foreach (var (rows, cols) in Shapes)
        {
            double[] column = ElementwiseTests.Values(rng, rows, -2, 2), prior = ElementwiseTests.Values(rng, rows * cols, -1, 1);
            double[] d = (double[])prior.Clone();
            Matrices.BroadcastColumn<double>(column, d, rows, cols, accumulate);
            for (int i = 0; i < d.Length; i++)
                Assert.That(d[i], Is.EqualTo((accumulate ? prior[i] : 0) + column[i / cols]));
        }
    }

    [Test]
    public void CopyColumns_ConcatThenSlice_RoundTrips([Values] bool accumulate)
    {
        // [s ‖ a]: copy 3 columns of s and 2 of a into a 5-column matrix, then slice a back out (accumulating onto a prior).
        const int rows = 9;
        var rng = new Random(10);
        double[] s = ElementwiseTests.Values(rng, rows * 3, -1, 1), a = ElementwiseTests.Values(rng, rows * 2, -1, 1);
        double[] sa = new double[rows * 5];
        Matrices.CopyColumns<double>(s, 3, 0, sa, 5, 0, rows, 3, false);
        Matrices.CopyColumns<double>(a, 2, 0, sa, 5, 3, rows, 2, false);
        for (int r = 0; r < rows; r++)
        {
            Assert.That(sa.AsSpan(r * 5, 3).ToArray(), Is.EqualTo(s.AsSpan(r * 3, 3).ToArray()));
            Assert.That(sa.AsSpan(r * 5 + 3, 2).ToArray(), Is.EqualTo(a.AsSpan(r * 2, 2).ToArray()));
        }
        double[] back = Enumerable.Repeat(1.0, rows * 2).ToArray();
        Matrices.CopyColumns<double>(sa, 5, 3, back, 2, 0, rows, 2, accumulate);
        for (int i = 0; i < back.Length; i++)
            Assert.That(back[i], Is.EqualTo(a[i] + (accumulate ? 1.0 : 0.0)));
    }

    [Test]
    public void CopyColumns_OutOfRange_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Matrices.CopyColumns<float>(new float[6], 3, 2, new float[6], 3, 0, 2, 2, false));
    }
}
