using Sac.Autodiff;
using Sac.Kernels;

namespace Sac.Tests.Autodiff;

/// <summary>Tier 2 and 3 of the gradient tests: every op, several shapes, float64 central differences at torch's tolerances.</summary>
public class GradCheckTests
{
    private static readonly (int Rows, int Cols)[] Shapes = [(1, 1), (3, 5), (7, 9), (2, 17)];

    [Test, Combinatorial]
    public void Op_Backward_MatchesFiniteDifference([ValueSource(typeof(OpCases), nameof(OpCases.All))] OpCases.Case op, [Values(0, 1, 2, 3)] int shape)
    {
        var (rows, cols) = Shapes[shape];
        var rng = new Random(100 + shape);
        var inputs = op.Inputs(rng, rows, cols);
        // The upstream weights R have the op's output shape: find it with a no-grad dry run.
        var probe = new Tape<double>();
        Tensor<double> output;
        using (probe.NoGrad())
            output = op.Op(probe, inputs);
        var weights = OpCases.Random(rng, output.Rows, output.Cols, requiresGrad: false);

        var result = GradCheck.Run(tape => OpCases.WeightedSum(tape, op.Op(tape, inputs), weights), inputs);

        Assert.That(result.Passed, Is.True, result.ToString());
    }

    [Test]
    public void GradCheck_WrongBackwardRule_IsCaught()
    {
        // BrokenSquare's forward is x², its backward claims 3x·grad instead of 2x·grad: the checker must fail, and point at it.
        var x = OpCases.Random(new Random(1), 3, 4, 0.5, 2, name: "x");
        var result = GradCheck.Run(tape => tape.Sum(tape.BrokenSquare(x)), [x]);
        Assert.That(result.Passed, Is.False);
        Assert.That(result.WorstInputName, Is.EqualTo("x"));
        // At the worst element the analytic value is 1.5× the true derivative 2x.
        Assert.That(result.Analytic / result.Numeric, Is.EqualTo(1.5).Within(1e-6));
    }

    [Test]
    public void GradCheck_Float32Mode_PassesOnAMlpLoss()
    {
        var rng = new Random(5);
        Tensor<float> R(int m, int n, string name) { var t = new Tensor<float>(m, n, true) { Name = name }; foreach (ref var v in t.Span) v = (float)(rng.NextDouble() * 2 - 1); return t; }
        var x = R(4, 3, "x");
        var w1 = R(3, 6, "W1");
        var b1 = R(1, 6, "b1");
        var w2 = R(6, 2, "W2");
        var b2 = R(1, 2, "b2");
        var result = GradCheck.Run(t => t.Mean(t.Square(t.Linear(t.Linear(x, w1, b1, Activation.Relu), w2, b2))), [x, w1, b1, w2, b2]);
        Assert.That(result.Passed, Is.True, result.ToString());
    }

    [Test]
    public void GradCheck_InputNotRequiringGrad_Throws()
    {
        var x = new Tensor<double>(2, 2);
        Assert.Throws<ArgumentException>(() => GradCheck.Run(t => t.Sum(x), [x]));
    }
}
