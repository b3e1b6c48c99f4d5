using Sac.Autodiff;
using Sac.Kernels;

namespace Sac.Tests.Autodiff;

/// <summary>
/// The table of ops for gradient checks: for each op, how to build its inputs for a given shape and how to reduce its
/// output to a scalar. The reduction is Σ(R ⊙ op(…)) with a fixed random R, so every output element gets a different
/// upstream gradient (a plain Σ would hide rules that mix up elements).
/// </summary>
public static class OpCases
{
    public sealed record Case(string Name, Func<Random, int, int, Tensor<double>[]> Inputs, Func<Tape<double>, Tensor<double>[], Tensor<double>> Op)
    {
        public override string ToString() => Name;
    }

    public static Tensor<double> Random(Random rng, int rows, int cols, double low = -2, double high = 2, bool requiresGrad = true, string? name = null)
    {
        var t = new Tensor<double>(rows, cols, requiresGrad) { Name = name };
        var s = t.Span;
        for (int i = 0; i < s.Length; i++) s[i] = low + (high - low) * rng.NextDouble();
        return t;
    }

    private static Tensor<double>[] One(Random r, int m, int n, double lo = -2, double hi = 2) => [Random(r, m, n, lo, hi, name: "a")];
    private static Tensor<double>[] Two(Random r, int m, int n) => [Random(r, m, n, name: "a"), Random(r, m, n, name: "b")];
    private static Tensor<double>[] RowBroadcast(Random r, int m, int n) => [Random(r, m, n, name: "a"), Random(r, 1, n, name: "b")];

    public static IEnumerable<Case> All()
    {
        yield return new("MatMul", (r, m, n) => [Random(r, m, 4, name: "a"), Random(r, 4, n, name: "b")], (t, x) => t.MatMul(x[0], x[1]));
        yield return new("Linear", (r, m, n) => [Random(r, m, 5, name: "x"), Random(r, 5, n, name: "W"), Random(r, 1, n, name: "b")], (t, x) => t.Linear(x[0], x[1], x[2]));
        yield return new("LinearRelu", (r, m, n) => [Random(r, m, 5, name: "x"), Random(r, 5, n, name: "W"), Random(r, 1, n, name: "b")], (t, x) => t.Linear(x[0], x[1], x[2], Activation.Relu));
        yield return new("Add", Two, (t, x) => t.Add(x[0], x[1]));
        yield return new("AddRowBroadcast", RowBroadcast, (t, x) => t.Add(x[0], x[1]));
        yield return new("Sub", Two, (t, x) => t.Sub(x[0], x[1]));
        yield return new("SubRowBroadcast", RowBroadcast, (t, x) => t.Sub(x[0], x[1]));
        yield return new("Mul", Two, (t, x) => t.Mul(x[0], x[1]));
        yield return new("MulRowBroadcast", RowBroadcast, (t, x) => t.Mul(x[0], x[1]));
        yield return new("Neg", (r, m, n) => One(r, m, n), (t, x) => t.Neg(x[0]));
        yield return new("Scale", (r, m, n) => One(r, m, n), (t, x) => t.Scale(x[0], -0.75));
        yield return new("AddScalar", (r, m, n) => One(r, m, n), (t, x) => t.AddScalar(x[0], 1.5));
        yield return new("Relu", (r, m, n) => One(r, m, n), (t, x) => t.Relu(x[0]));
        yield return new("Tanh", (r, m, n) => One(r, m, n), (t, x) => t.Tanh(x[0]));
        yield return new("Exp", (r, m, n) => One(r, m, n), (t, x) => t.Exp(x[0]));
        yield return new("Log", (r, m, n) => One(r, m, n, 0.2, 3), (t, x) => t.Log(x[0]));
        yield return new("Softplus", (r, m, n) => One(r, m, n, -6, 6), (t, x) => t.Softplus(x[0]));
        yield return new("Square", (r, m, n) => One(r, m, n), (t, x) => t.Square(x[0]));
        yield return new("Sum", (r, m, n) => One(r, m, n), (t, x) => t.Sum(x[0]));
        yield return new("Mean", (r, m, n) => One(r, m, n), (t, x) => t.Mean(x[0]));
        yield return new("SumRows", (r, m, n) => One(r, m, n), (t, x) => t.SumRows(x[0]));
        yield return new("MeanRows", (r, m, n) => One(r, m, n), (t, x) => t.MeanRows(x[0]));
        yield return new("Min", Two, (t, x) => t.Min(x[0], x[1]));
        yield return new("Clamp", (r, m, n) => One(r, m, n, -3, 3), (t, x) => t.Clamp(x[0], -1, 1.5));
        yield return new("ConcatColumns", (r, m, n) => [Random(r, m, n, name: "a"), Random(r, m, 3, name: "b")], (t, x) => t.ConcatColumns(x[0], x[1]));
        yield return new("SliceColumns", (r, m, n) => [Random(r, m, n + 3, name: "a")], (t, x) => t.SliceColumns(x[0], 2, x[0].Cols - 3));
    }

    /// <summary>Σ(R ⊙ y) for a fixed R of y's shape: a scalar whose upstream gradient differs per element.</summary>
    public static Tensor<double> WeightedSum(Tape<double> tape, Tensor<double> y, Tensor<double> weights) => tape.Sum(tape.Mul(y, weights));
}
