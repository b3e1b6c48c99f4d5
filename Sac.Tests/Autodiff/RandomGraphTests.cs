using Sac.Autodiff;

namespace Sac.Tests.Autodiff;

/// <summary>Dozens of seeded random compositions of the ops, each gradient-checked: rules must compose, including reuse.</summary>
public class RandomGraphTests
{
    private const int Rows = 3, Cols = 4;

    [Test]
    public void RandomGraph_Backward_MatchesFiniteDifference([Range(0, 39)] int seed)
    {
        var rng = new Random(seed);
        var inputs = new[]
        {
            TestTensors.Random(rng, Rows, Cols, name: "x0"),
            TestTensors.Random(rng, Rows, Cols, name: "x1"),
            TestTensors.Random(rng, Cols, Cols, -0.7, 0.7, name: "W"),
            TestTensors.Random(rng, 1, Cols, name: "b"),
        };
        var weights = TestTensors.Random(rng, Rows, Cols, requiresGrad: false);
        int depth = 3 + rng.Next(6);
        var choices = Enumerable.Range(0, depth).Select(_ => (Op: rng.Next(15), First: rng.Next(1000), Second: rng.Next(1000))).ToArray();

        Tensor<double> Build(Tape<double> t)
        {
            var pool = new List<Tensor<double>> { inputs[0], inputs[1] };
            foreach (var (op, first, second) in choices)
            {
                var a = pool[first % pool.Count];
                var b = pool[second % pool.Count]; // may be a itself: a tensor used twice
                pool.Add(op switch
                {
                    0 => t.Add(a, b),
                    1 => t.Sub(a, b),
                    2 => t.Mul(a, b),
                    3 => t.Min(a, b),
                    4 => t.Tanh(a),
                    5 => t.Softplus(a),
                    6 => t.Scale(t.Square(a), 0.3),
                    7 => t.Exp(t.Tanh(a)),
                    8 => t.Log(t.AddScalar(t.Square(a), 0.5)),
                    9 => t.Linear(a, inputs[2], inputs[3], Activation.Relu),
                    10 => t.MatMul(a, inputs[2]),
                    11 => t.Clamp(a, -1.2, 0.9),
                    12 => t.SliceColumns(t.ConcatColumns(a, b), 2, Cols),
                    13 => t.Mul(a, inputs[3]),
                    _ => t.Add(t.Relu(a), t.Neg(b)),
                });
            }
            // Use the last result and one earlier one, so several paths reach the loss.
            return t.Add(TestTensors.WeightedSum(t, pool[^1], weights), t.Mean(pool[pool.Count / 2]));
        }

        var result = GradCheck.Run(Build, inputs);
        Assert.That(result.Passed, Is.True, $"graph {string.Join(",", choices.Select(c => c.Op))}: {result}");
    }
}
