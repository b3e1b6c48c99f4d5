using Sac.Autodiff;
using Sac.Core.Algorithms;
using Sac.Kernels;

namespace Sac.Core.Diagnostics;

/// <summary>One row of <see cref="GradCheckSuite"/>: what was checked, and the checker's verdict.</summary>
/// <param name="Name">The op or loss, e.g. "Linear+ReLU" or "J_Q(θ) v2".</param>
/// <param name="Result">The float64 gradient check against central differences (torch's tolerances).</param>
public sealed record GradCheckRow(string Name, GradCheckResult Result);

/// <summary>
/// GradCheck over every op of the tape and every SAC loss (with respect to the parameters it trains), on small random
/// float64 inputs from a fixed seed: what `sac gradcheck` prints. Each op's output is reduced to a scalar as Σ(R ⊙ y)
/// with a fixed random R, so each output element gets a different upstream gradient.
/// </summary>
public static class GradCheckSuite
{
    /// <summary>Runs every check; <paramref name="seed"/> fixes the inputs.</summary>
    public static IEnumerable<GradCheckRow> Run(int seed = 0)
    {
        var rng = new Rng((ulong)seed);
        Tensor<double> R(int rows, int cols, double low = -2, double high = 2, bool grad = true, string? name = null)
        {
            var t = new Tensor<double>(rows, cols, grad) { Name = name };
            foreach (ref var v in t.Span) v = rng.Uniform(low, high);
            return t;
        }
        GradCheckRow Op(string name, Tensor<double>[] inputs, Func<Tape<double>, Tensor<double>[], Tensor<double>> op)
        {
            var probe = new Tape<double>();
            Tensor<double> shape;
            using (probe.NoGrad())
                shape = op(probe, inputs);
            var weights = R(shape.Rows, shape.Cols, grad: false);
            return new GradCheckRow(name, GradCheck.Run(t => t.Sum(t.Mul(op(t, inputs), weights)), inputs));
        }
        const int m = 3, n = 5;
        yield return Op("MatMul", [R(m, 4, name: "A"), R(4, n, name: "B")], (t, x) => t.MatMul(x[0], x[1]));
        yield return Op("Linear", [R(m, 4, name: "X"), R(4, n, name: "W"), R(1, n, name: "b")], (t, x) => t.Linear(x[0], x[1], x[2]));
        yield return Op("Linear+ReLU", [R(m, 4, name: "X"), R(4, n, name: "W"), R(1, n, name: "b")], (t, x) => t.Linear(x[0], x[1], x[2], Activation.Relu));
        yield return Op("Add", [R(m, n, name: "A"), R(m, n, name: "B")], (t, x) => t.Add(x[0], x[1]));
        yield return Op("Add (row broadcast)", [R(m, n, name: "A"), R(1, n, name: "b")], (t, x) => t.Add(x[0], x[1]));
        yield return Op("Sub", [R(m, n, name: "A"), R(m, n, name: "B")], (t, x) => t.Sub(x[0], x[1]));
        yield return Op("Sub (row broadcast)", [R(m, n, name: "A"), R(1, n, name: "b")], (t, x) => t.Sub(x[0], x[1]));
        yield return Op("Mul", [R(m, n, name: "A"), R(m, n, name: "B")], (t, x) => t.Mul(x[0], x[1]));
        yield return Op("Mul (row broadcast)", [R(m, n, name: "A"), R(1, n, name: "b")], (t, x) => t.Mul(x[0], x[1]));
        yield return Op("Neg", [R(m, n, name: "A")], (t, x) => t.Neg(x[0]));
        yield return Op("Scale", [R(m, n, name: "A")], (t, x) => t.Scale(x[0], -0.75));
        yield return Op("AddScalar", [R(m, n, name: "A")], (t, x) => t.AddScalar(x[0], 1.5));
        yield return Op("ReLU", [R(m, n, name: "A")], (t, x) => t.Relu(x[0]));
        yield return Op("Tanh", [R(m, n, name: "A")], (t, x) => t.Tanh(x[0]));
        yield return Op("Exp", [R(m, n, name: "A")], (t, x) => t.Exp(x[0]));
        yield return Op("Log", [R(m, n, 0.2, 3, name: "A")], (t, x) => t.Log(x[0]));
        yield return Op("Softplus", [R(m, n, -6, 6, name: "A")], (t, x) => t.Softplus(x[0]));
        yield return Op("Square", [R(m, n, name: "A")], (t, x) => t.Square(x[0]));
        yield return Op("Sum", [R(m, n, name: "A")], (t, x) => t.Sum(x[0]));
        yield return Op("Mean", [R(m, n, name: "A")], (t, x) => t.Mean(x[0]));
        yield return Op("SumRows", [R(m, n, name: "A")], (t, x) => t.SumRows(x[0]));
        yield return Op("MeanRows", [R(m, n, name: "A")], (t, x) => t.MeanRows(x[0]));
        yield return Op("Min", [R(m, n, name: "A"), R(m, n, name: "B")], (t, x) => t.Min(x[0], x[1]));
        yield return Op("Clamp", [R(m, n, -3, 3, name: "A")], (t, x) => t.Clamp(x[0], -1, 1.5));
        yield return Op("ConcatColumns", [R(m, n, name: "A"), R(m, 2, name: "B")], (t, x) => t.ConcatColumns(x[0], x[1]));
        yield return Op("SliceColumns", [R(m, n + 3, name: "A")], (t, x) => t.SliceColumns(x[0], 2, n));

        foreach (var row in SacLosses(rng))
            yield return row;
    }

    /// <summary>A tiny float64 agent (obs 3, act 2, hidden 8×8, α₀ = 0.5) and a batch of 5 with one terminal transition and drawn noise.</summary>
    internal static (SoftActorCritic<double> Agent, SacBatch<double> Batch) TinyAgent(SacVersion version, Rng rng)
    {
        var agent = new SoftActorCritic<double>(3, 2, new SacOptions { Version = version, HiddenSizes = [8, 8], InitialAlpha = 0.5 }, rng.Fork());
        var batch = new SacBatch<double>(5, 3, 2);
        foreach (var t in new[] { batch.Observations, batch.NextObservations, batch.Rewards })
            foreach (ref var v in t.Span) v = rng.Normal();
        foreach (ref var v in batch.Actions.Span) v = rng.Uniform(-0.95, 0.95);
        batch.Terminated.Span[1] = 1;
        batch.DrawNoise(rng);
        return (agent, batch);
    }

    private static IEnumerable<GradCheckRow> SacLosses(Rng rng)
    {
        var (v1, b1) = TinyAgent(SacVersion.V1, rng);
        var (v2, b2) = TinyAgent(SacVersion.V2, rng);
        yield return new("J_V(ψ) v1", GradCheck.Run(t =>
        {
            var (a, logProb) = v1.Policy.Sample(t, b1.Observations, b1.Noise);
            return v1.ValueLoss(t, b1.Observations, v1.MinQ(t, b1.Observations, a, detachParameters: true), logProb, 0.2);
        }, v1.V!.Parameters.Tensors.ToArray()));
        yield return new("J_Q(θ) v1", GradCheck.Run(t => v1.CriticLoss(t, b1, v1.ValueBackup(t, b1)), v1.Critic.Tensors.ToArray()));
        yield return new("J_π(φ) v1", GradCheck.Run(t =>
        {
            var (a, logProb) = v1.Policy.Sample(t, b1.Observations, b1.Noise);
            return v1.PolicyLoss(t, logProb, v1.MinQ(t, b1.Observations, a, detachParameters: true), 0.2);
        }, v1.Policy.Network.Parameters.Tensors.ToArray()));
        yield return new("J_Q(θ) v2", GradCheck.Run(t => v2.CriticLoss(t, b2, v2.SoftQBackup(t, b2, 0.5)), v2.Critic.Tensors.ToArray()));
        yield return new("J_π(φ) v2", GradCheck.Run(t =>
        {
            var (a, logProb) = v2.Policy.Sample(t, b2.Observations, b2.Noise);
            return v2.PolicyLoss(t, logProb, v2.MinQ(t, b2.Observations, a, detachParameters: true), 0.5);
        }, v2.Policy.Network.Parameters.Tensors.ToArray()));
        yield return new("J(α) v2", GradCheck.Run(t => v2.TemperatureLoss(t, v2.Policy.Sample(t, b2.Observations, b2.Noise).LogProb), v2.Temperature!.Tensors.ToArray()));
    }
}
