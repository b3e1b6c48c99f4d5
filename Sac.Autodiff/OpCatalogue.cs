namespace Sac.Autodiff;

/// <summary>
/// One input of an <see cref="OpCase"/>: its name, its shape as a function of the case's (m, n), and the range its
/// values are drawn from: where the op is smooth, so a central difference measures its derivative (log of positives,
/// softplus within ±6 where float64 keeps its digits, clamp straddling its bounds).
/// </summary>
/// <param name="Name">Shown in <see cref="GradCheckResult.WorstInputName"/>.</param>
/// <param name="Shape">(rows, cols) for the case's m rows and n columns.</param>
/// <param name="Low">Values are drawn uniformly from [Low, High).</param>
/// <param name="High">See <paramref name="Low"/>.</param>
public sealed record OpInput(string Name, Func<int, int, (int Rows, int Cols)> Shape, double Low = -2, double High = 2);

/// <summary>
/// One op of the tape as the gradient checks exercise it: its inputs and how to apply it. <see cref="Check"/> reduces
/// the output to a scalar as Σ(R ⊙ y) with a fixed random R of y's shape, so every output element gets a different
/// upstream gradient (a plain Σ would hide rules that mix elements up), and compares the tape's gradient of every input
/// with float64 central differences.
/// </summary>
/// <param name="Name">The op, as `sac gradcheck` prints it.</param>
/// <param name="Inputs">Its inputs, all requiring a gradient.</param>
/// <param name="Apply">The op on the tape.</param>
public sealed record OpCase(string Name, IReadOnlyList<OpInput> Inputs, Func<Tape<double>, Tensor<double>[], Tensor<double>> Apply)
{
    /// <summary>Fresh inputs of shapes (m, n), drawn from <paramref name="seed"/>.</summary>
    public Tensor<double>[] CreateInputs(int m, int n, ulong seed)
    {
        var random = new SplitMix64(seed);
        return Inputs.Select(input =>
        {
            var (rows, cols) = input.Shape(m, n);
            return random.Fill(new Tensor<double>(rows, cols, requiresGrad: true) { Name = input.Name }, input.Low, input.High);
        }).ToArray();
    }

    /// <summary>Gradient-checks the op at shapes (m, n) on inputs and upstream weights drawn from <paramref name="seed"/>.</summary>
    public GradCheckResult Check(int m, int n, ulong seed, GradCheckOptions? options = null)
    {
        var inputs = CreateInputs(m, n, seed);
        // The upstream weights R have the op's output shape: find it with a dry run that records nothing.
        var probe = new Tape<double>();
        Tensor<double> shape;
        using (probe.NoGrad())
            shape = Apply(probe, inputs);
        var weights = new SplitMix64(~seed).Fill(new Tensor<double>(shape.Rows, shape.Cols), -2, 2);
        return GradCheck.Run(tape => tape.Sum(tape.Mul(Apply(tape, inputs), weights)), inputs, options ?? GradCheckOptions.Float64);
    }

    /// <inheritdoc/>
    public override string ToString() => Name;

    /// <summary>A small, fixed random stream for the inputs (Sebastiano Vigna's SplitMix64), so a case is reproducible anywhere.</summary>
    private struct SplitMix64(ulong seed)
    {
        private ulong _state = seed;

        public Tensor<double> Fill(Tensor<double> t, double low, double high)
        {
            foreach (ref double v in t.Span)
                v = low + (high - low) * (Next() >> 11) * (1.0 / (1UL << 53));
            return t;
        }

        private ulong Next()
        {
            ulong z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}

/// <summary>
/// Every op of the tape, once: what `sac gradcheck` and the test suite check, so neither keeps its own list. A new op
/// belongs here (a test fails on an <c>OpCode</c> without a case).
/// </summary>
public static class OpCatalogue
{
    private static (int, int) Mn(int m, int n) => (m, n);
    private static (int, int) Row(int m, int n) => (1, n);

    private static OpInput[] One(double low = -2, double high = 2) => [new("A", Mn, low, high)];
    private static readonly OpInput[] Two = [new("A", Mn), new("B", Mn)];
    private static readonly OpInput[] RowBroadcast = [new("A", Mn), new("b", Row)];
    private static readonly OpInput[] Layer = [new("X", (m, _) => (m, 4)), new("W", (_, n) => (4, n)), new("b", Row)];

    /// <summary>The cases, in the order of the op list in Tape.cs.</summary>
    public static IReadOnlyList<OpCase> All { get; } =
    [
        new("MatMul", [new("A", (m, _) => (m, 4)), new("B", (_, n) => (4, n))], (t, x) => t.MatMul(x[0], x[1])),
        new("Linear", Layer, (t, x) => t.Linear(x[0], x[1], x[2])),
        new("Linear+ReLU", Layer, (t, x) => t.Linear(x[0], x[1], x[2], Activation.Relu)),
        new("Linear+Tanh", Layer, (t, x) => t.Linear(x[0], x[1], x[2], Activation.Tanh)),
        new("Add", Two, (t, x) => t.Add(x[0], x[1])),
        new("Add (row broadcast)", RowBroadcast, (t, x) => t.Add(x[0], x[1])),
        new("Sub", Two, (t, x) => t.Sub(x[0], x[1])),
        new("Sub (row broadcast)", RowBroadcast, (t, x) => t.Sub(x[0], x[1])),
        new("Mul", Two, (t, x) => t.Mul(x[0], x[1])),
        new("Mul (row broadcast)", RowBroadcast, (t, x) => t.Mul(x[0], x[1])),
        new("Neg", One(), (t, x) => t.Neg(x[0])),
        new("Scale", One(), (t, x) => t.Scale(x[0], -0.75)),
        new("AddScalar", One(), (t, x) => t.AddScalar(x[0], 1.5)),
        new("ReLU", One(), (t, x) => t.Relu(x[0])),
        new("Tanh", One(), (t, x) => t.Tanh(x[0])),
        new("Exp", One(), (t, x) => t.Exp(x[0])),
        new("Log", One(0.2, 3), (t, x) => t.Log(x[0])),
        new("Softplus", One(-6, 6), (t, x) => t.Softplus(x[0])),
        new("Square", One(), (t, x) => t.Square(x[0])),
        new("Sum", One(), (t, x) => t.Sum(x[0])),
        new("Mean", One(), (t, x) => t.Mean(x[0])),
        new("SumRows", One(), (t, x) => t.SumRows(x[0])),
        new("MeanRows", One(), (t, x) => t.MeanRows(x[0])),
        new("Min", Two, (t, x) => t.Min(x[0], x[1])),
        new("Clamp", One(-3, 3), (t, x) => t.Clamp(x[0], -1, 1.5)),
        new("ConcatColumns", [new("A", Mn), new("B", (m, _) => (m, 3))], (t, x) => t.ConcatColumns(x[0], x[1])),
        new("SliceColumns", [new("A", (m, n) => (m, n + 3))], (t, x) => t.SliceColumns(x[0], 2, x[0].Cols - 3)),
    ];
}
