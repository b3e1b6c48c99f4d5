using Sac.Autodiff;

namespace Sac.Tests.Autodiff;

/// <summary>Tier 2 and 3 of the gradient tests: every op, several shapes, float64 central differences at torch's tolerances.</summary>
public class GradCheckTests
{
    private static readonly (int Rows, int Cols)[] Shapes = [(1, 1), (3, 5), (7, 9), (2, 17)];

    private static IEnumerable<OpCase> Ops => OpCatalogue.All;

    [Test, Combinatorial]
    public void Op_Backward_MatchesFiniteDifference([ValueSource(nameof(Ops))] OpCase op, [Values(0, 1, 2, 3)] int shape)
    {
        var (rows, cols) = Shapes[shape];
        var result = op.Check(rows, cols, seed: (ulong)(100 + shape));
        Assert.That(result.Passed, Is.True, result.ToString());
    }

    [Test]
    public void OpCatalogue_CoversEveryOpCode()
    {
        // A new op without a case would go unchecked by both the tests and `sac gradcheck`.
        var names = OpCatalogue.All.Select(c => c.Name.Replace("ReLU", "Relu")).ToArray();
        foreach (var code in Enum.GetNames<OpCode>())
            Assert.That(names.Any(n => n.StartsWith(code, StringComparison.Ordinal)), Is.True, $"no catalogue case for {code}");
    }

    [Test]
    public void GradCheck_StrayDetach_IsCaught()
    {
        // f(x) = Σ x ⊙ detach(x) = Σ x², whose derivative is 2x; the stray detach makes the tape return x, half of it.
        // The most common real autodiff bug: the checker must fail and point at the input.
        var x = TestTensors.Random(new Random(1), 3, 4, 0.5, 2, name: "x");
        var result = GradCheck.Run(tape => tape.Sum(tape.Mul(x, x.Detach())), [x]);
        Assert.That(result.Passed, Is.False);
        Assert.That(result.WorstInputName, Is.EqualTo("x"));
        Assert.That(result.Analytic / result.Numeric, Is.EqualTo(0.5).Within(1e-6));
    }

    [Test]
    public void GradCheck_GradientThatDisagreesWithTheFunction_IsCaught()
    {
        // What a wrong backward rule produces, built from correct ops: the recorded pass computes Σx² (gradient 2x) while
        // the function the central difference evaluates is Σ 1.5·x² (derivative 3x). The checker sees analytic = 2/3·numeric.
        var x = TestTensors.Random(new Random(2), 3, 4, 0.5, 2, name: "x");
        var result = GradCheck.Run(tape => tape.IsRecording ? tape.Sum(tape.Square(x)) : tape.Scale(tape.Sum(tape.Square(x)), 1.5), [x]);
        Assert.That(result.Passed, Is.False);
        Assert.That(result.WorstInputName, Is.EqualTo("x"));
        Assert.That(result.Analytic / result.Numeric, Is.EqualTo(2.0 / 3).Within(1e-6));
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
