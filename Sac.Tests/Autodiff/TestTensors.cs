using Sac.Autodiff;

namespace Sac.Tests.Autodiff;

/// <summary>Random tensors for the autodiff tests that build their own graphs (the per-op cases are <see cref="OpCatalogue"/>'s).</summary>
public static class TestTensors
{
    /// <summary>A rows×cols tensor of values uniform in [low, high).</summary>
    public static Tensor<double> Random(Random rng, int rows, int cols, double low = -2, double high = 2, bool requiresGrad = true, string? name = null)
    {
        var t = new Tensor<double>(rows, cols, requiresGrad) { Name = name };
        var s = t.Span;
        for (int i = 0; i < s.Length; i++) s[i] = low + (high - low) * rng.NextDouble();
        return t;
    }

    /// <summary>Σ(R ⊙ y) for a fixed R of y's shape: a scalar whose upstream gradient differs per element.</summary>
    public static Tensor<double> WeightedSum(Tape<double> tape, Tensor<double> y, Tensor<double> weights) => tape.Sum(tape.Mul(y, weights));
}
