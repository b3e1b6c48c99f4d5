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

    /// <summary>
    /// Every case the catalogue must hold, by its exact name, with the ops it records in order (so the backward rules it
    /// checks). Written out here, not read from the catalogue: removing a case fails, even one whose name another case
    /// starts with (Sum and SumRows, Mean and MeanRows, Add and AddScalar or Add (row broadcast)).
    /// </summary>
    private static readonly (string Name, OpCode[] Records)[] ExpectedCases =
    [
        ("MatMul", [OpCode.MatMul]),
        ("Linear", [OpCode.Linear]),
        ("Linear+ReLU", [OpCode.Linear]), // the ReLU is fused into the Linear node's epilogue and backward rule
        ("Linear+Tanh", [OpCode.Linear, OpCode.Tanh]),
        ("Add", [OpCode.Add]),
        ("Add (row broadcast)", [OpCode.Add]),
        ("Sub", [OpCode.Sub]),
        ("Sub (row broadcast)", [OpCode.Sub]),
        ("Mul", [OpCode.Mul]),
        ("Mul (row broadcast)", [OpCode.Mul]),
        ("Neg", [OpCode.Neg]),
        ("Scale", [OpCode.Scale]),
        ("AddScalar", [OpCode.AddScalar]),
        ("ReLU", [OpCode.Relu]),
        ("Tanh", [OpCode.Tanh]),
        ("Exp", [OpCode.Exp]),
        ("Log", [OpCode.Log]),
        ("Softplus", [OpCode.Softplus]),
        ("Square", [OpCode.Square]),
        ("Sum", [OpCode.Sum]),
        ("Mean", [OpCode.Mean]),
        ("SumRows", [OpCode.SumRows]),
        ("MeanRows", [OpCode.SumRows, OpCode.Scale]), // derived: SumRows, then Scale by 1/n
        ("Min", [OpCode.Min]),
        ("Clamp", [OpCode.Clamp]),
        ("ConcatColumns", [OpCode.ConcatColumns]),
        ("SliceColumns", [OpCode.SliceColumns]),
    ];

    private static IEnumerable<string> ExpectedCaseNames => ExpectedCases.Select(c => c.Name);

    [Test]
    public void OpCatalogue_CaseNames_AreExactlyTheExpectedOnes()
    {
        // A case removed, renamed or added without its line above fails here, by name.
        string[] names = OpCatalogue.All.Select(c => c.Name).ToArray(), expected = ExpectedCases.Select(c => c.Name).ToArray();
        Assert.That(expected.Except(names), Is.Empty, "expected cases missing from the catalogue");
        Assert.That(names.Except(expected), Is.Empty, "catalogue cases without a line in ExpectedCases");
        Assert.That(names, Is.Unique, "a case twice");
    }

    [TestCaseSource(nameof(ExpectedCaseNames))]
    public void OpCatalogue_Case_RecordsTheOpsItIsNamedFor(string name)
    {
        var op = OpCatalogue.All.SingleOrDefault(c => c.Name == name);
        Assert.That(op, Is.Not.Null, $"no catalogue case named exactly \"{name}\"");
        Assert.That(Recorded(op!, 3, 5), Is.EqualTo(ExpectedCases.Single(c => c.Name == name).Records));
    }

    [Test]
    public void OpCatalogue_CoversEveryOpCode()
    {
        // A new op without a case would go unchecked by both the tests and `sac gradcheck`: every op code must be recorded
        // by some case when it runs (what the cases record, not what they are called).
        var covered = OpCatalogue.All.SelectMany(c => Recorded(c, 3, 5)).ToHashSet();
        Assert.That(Enum.GetValues<OpCode>().Where(code => !covered.Contains(code)), Is.Empty);
    }

    [Test]
    public void OpCatalogue_RowBroadcastCases_BroadcastARow()
    {
        // At 3×5 a "(row broadcast)" case's B is 1×5 and its A 3×5: the broadcast branch of Add/Sub/Mul's rules runs.
        var cases = OpCatalogue.All.Where(c => c.Name.EndsWith("(row broadcast)", StringComparison.Ordinal)).ToArray();
        Assert.That(cases.Select(c => c.Name), Is.EquivalentTo(new[] { "Add (row broadcast)", "Sub (row broadcast)", "Mul (row broadcast)" }));
        foreach (var c in cases)
            Assert.That(c.Inputs.Select(i => i.Shape(3, 5)), Is.EqualTo(new[] { (3, 5), (1, 5) }), c.Name);
    }

    /// <summary>The ops <paramref name="op"/> records on a fresh tape at shapes (m, n), in order.</summary>
    private static OpCode[] Recorded(OpCase op, int m, int n)
    {
        var tape = new Tape<double>();
        op.Apply(tape, op.CreateInputs(m, n, seed: 1));
        return Enumerable.Range(0, tape.RecordedOps).Select(tape.RecordedOp).ToArray();
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
