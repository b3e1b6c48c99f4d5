using System.Globalization;

namespace Sac.Walkthrough;

// Section 3: the backward pass through Q_θ1 for J_Q's first term, one rule at a time, and the tanh rule.
public sealed partial class WorkedExample
{
    private WalkthroughSection Section3()
    {
        var o = Options;
        int batchSize = Setup.Batch.Size;
        var qHat = _hf.QHat;
        // The first term of J_Q: J = ½·mean_b (Q_θ1(s_b, a_b) − Q̂_b)², through X = [s ‖ a], Z = X·W₀ + b₀, H = relu(Z), Q = H·W₁ + b₁.
        var trace = _hf.Replay.Q1;
        var q = HandSac.Column(trace.Output);
        double loss = HandSac.HalfMeanSquaredError(q, qHat);
        var dQ = q.Select((qb, b) => (qb - qHat[b]) / batchSize).ToArray();
        var hand = _n.Q1.Backward(trace, HandSac.AsColumn(dQ));
        var engine = EngineRun.CriticTrace(Setup);
        var x = trace.Inputs[0];
        var z = trace.PreActivations[0];
        var h = trace.Inputs[1];

        double LossOfQ(double[] values) => HandSac.HalfMeanSquaredError(values, qHat);
        double LossOfParameters(HandNetworks n) =>
            HandSac.HalfMeanSquaredError(HandSac.Column(n.Q1.Forward(x).Output), HandSac.ValueBackup(n, Setup.Batch, o.Gamma, out _));

        var rows = new List<GradientRow>();
        for (int b = 0; b < batchSize; b++)
            rows.Add(new($"∂J/∂Q[{b}] = (Q[{b}] − Q̂[{b}])/B", dQ[b], engine.DQ[b, 0], FiniteDifference.OfEntry(q, b, LossOfQ)));
        void Parameter(ParameterRef p, string formula) =>
            rows.Add(new($"{p.Label} {formula}", Entry(hand, p), engine.ParameterGradients.Entry(p.Tensor, p.Row, p.Col), FiniteDifference.OfParameter(_n, p, LossOfParameters)));
        for (int j = 0; j < WorkedExampleSetup.HiddenUnits; j++)
            Parameter(ParameterRef.W("q1", 1, j, 0), $"= Σ_b H[b,{j}]·∂J/∂Q[b]");
        Parameter(ParameterRef.B("q1", 1, 0), "= Σ_b ∂J/∂Q[b]");
        for (int b = 0; b < batchSize; b++)
            for (int j = 0; j < WorkedExampleSetup.HiddenUnits; j++)
                rows.Add(new($"∂J/∂H[{b},{j}] = ∂J/∂Q[{b}]·W₁[{j},0]", hand.Outputs[0][b, j], engine.DH[b, j],
                    FiniteDifference.OfEntry(h, b, j, m => LossOfQ(HandSac.Column(_n.Q1.OutputFromInput(1, m))))));
        for (int b = 0; b < batchSize; b++)
            for (int j = 0; j < WorkedExampleSetup.HiddenUnits; j++)
                rows.Add(new($"∂J/∂Z[{b},{j}] = ∂J/∂H[{b},{j}]·[Z[{b},{j}] > 0]", hand.PreActivations[0][b, j], engine.DZ[b, j],
                    FiniteDifference.OfEntry(z, b, j, m => LossOfQ(HandSac.Column(_n.Q1.OutputFromPreActivation(0, m))))));
        Parameter(ParameterRef.W("q1", 0, 0, 0), "= Σ_b X[b,0]·∂J/∂Z[b,0]");
        Parameter(ParameterRef.W("q1", 0, 2, 1), "= Σ_b X[b,2]·∂J/∂Z[b,1]");
        for (int j = 0; j < WorkedExampleSetup.HiddenUnits; j++)
            Parameter(ParameterRef.B("q1", 0, j), $"= Σ_b ∂J/∂Z[b,{j}]");
        for (int i = 0; i < x.GetLength(1); i++)
            rows.Add(new($"∂J/∂X[0,{i}] = Σ_j ∂J/∂Z[0,j]·W₀[{i},j]", hand.Input[0, i], engine.DX[0, i],
                FiniteDifference.OfEntry(x, 0, i, m => LossOfQ(HandSac.Column(_n.Q1.OutputFromInput(0, m))))));

        var forwardRows = Enumerable.Range(0, batchSize).Select(b => new[]
        {
            b.ToString(CultureInfo.InvariantCulture), Format.Vector(Row(x, b)), Format.Vector(Row(z, b)),
            Format.Vector(Enumerable.Range(0, z.GetLength(1)).Select(j => z[b, j] > 0 ? 1.0 : 0.0)), Format.Number(q[b]), Format.Number(qHat[b]),
        }).ToList();
        var forward = new TextTable("**Forward, by hand.** X = [s ‖ a], Z = X·W₀ + b₀, H = relu(Z), Q = H·W₁ + b₁ with W₀ = `q1.0.weight`, " +
                                    "b₀ = `q1.0.bias`, W₁ = `q1.1.weight`, b₁ = `q1.1.bias`; the mask [Z > 0] is what ReLU lets through:",
            ["b", "X[b,·]", "Z[b,·]", "[Z[b,·] > 0]", "Q[b]", "Q̂[b]"], forwardRows);
        var lossTable = new ValueTable("**The loss** J = ½·mean_b (Q[b] − Q̂[b])², the first term of J_Q (the engine's value from the " +
                                       "tape graph below):", [new("J", loss, engine.Loss)]);
        var backward = new GradientTable("**Backward, last op first.** Each row's formula is the rule of one op in `Backward.cs`; the " +
                                         "autodiff column is read from the tape after `Backward` (intermediates' `Grad`, then the parameters' gradient buffer):", rows);

        // tanh, on the path J_π takes from Q back to u: L = −mean_b min_i Q_θi(s_b, tanh(u_b)).
        var u = _hf.Policy.U;
        var action = _hf.Policy.Action;
        var dAction = _hg.DAction;
        var (engineDAction, engineDU) = EngineRun.TanhTrace(Setup, u);
        double LossOfAction(double[,] a) => -MinQ(_n, a).Average();
        var tanhRows = new List<GradientRow>();
        for (int b = 0; b < batchSize; b++)
            tanhRows.Add(new($"∂L/∂ã[{b}]", dAction[b, 0], engineDAction[b, 0], FiniteDifference.OfEntry(action, b, 0, LossOfAction)));
        for (int b = 0; b < batchSize; b++)
            tanhRows.Add(new($"∂L/∂u[{b}] = ∂L/∂ã[{b}]·(1 − ã[{b}]²)", dAction[b, 0] * (1 - action[b, 0] * action[b, 0]), engineDU[b, 0],
                FiniteDifference.OfEntry(u, b, 0, m => LossOfAction(Tanh(m)))));
        var tanh = new GradientTable($"**tanh.** L = −mean_b min_i Q_θi(s_b, ã_b) with ã = tanh(u), u = μ + σ·ε from section 4 " +
                                     $"(u = {Format.Vector(HandSac.Column(u))}, ã = {Format.Vector(HandSac.Column(action))}); " +
                                     "the tanh rule multiplies by 1 − result²:", tanhRows);
        return Section(3, forward, lossTable, backward, tanh);
    }

    private static double[,] Tanh(double[,] u)
    {
        var a = (double[,])u.Clone();
        for (int r = 0; r < a.GetLength(0); r++)
            for (int c = 0; c < a.GetLength(1); c++)
                a[r, c] = Math.Tanh(a[r, c]);
        return a;
    }
}
