using System.Globalization;

namespace Sac.Walkthrough;

// Sections 1 and 2: the configuration, the soft value, and the targets of soft policy evaluation and improvement.
public sealed partial class WorkedExample
{
    private WalkthroughSection Section1()
    {
        var o = Options;
        var batch = Setup.Batch;
        string Inv(double x) => x.ToString(CultureInfo.InvariantCulture);
        var configuration = new Paragraph(
            $"**Configuration (seed {Seed}).** dim(S) = {WorkedExampleSetup.ObservationSize}, dim(A) = {WorkedExampleSetup.ActionSize}; " +
            $"π_φ, Q_θ1, Q_θ2 and V_ψ each have one hidden layer of {WorkedExampleSetup.HiddenUnits} ReLU units; B = {batch.Size}. " +
            $"SAC v1 with α = {Inv(o.Alpha)}, γ = {Inv(o.Gamma)}, τ = {Inv(o.Tau)}, learning rate {Format.Scientific(o.CriticLearningRate)} for every network, " +
            $"Adam β1 = {Inv(o.AdamBeta1)}, β2 = {Inv(o.AdamBeta2)}, ε = {Format.Scientific(o.AdamEpsilon)}. " +
            $"The weights are the engine's initialization from `new Rng({Seed})`, the batch and ε are drawn next from the same " +
            "generator, and every number is rounded to two decimals. V_ψ̄ starts equal to V_ψ.");

        var batchRows = Enumerable.Range(0, batch.Size).Select(b => new[]
        {
            b.ToString(CultureInfo.InvariantCulture),
            Format.Vector(Row(batch.S, b)), Format.Vector(Row(batch.A, b)), Format.Number(batch.R[b]),
            Format.Vector(Row(batch.SNext, b)), Format.Number(batch.D[b]), Format.Vector(Row(batch.Noise, b)),
        }).ToList();
        var batchTable = new TextTable("**The minibatch from 𝒟** (transition 1 ended by termination: d = 1), and the noise ε for ã ~ π(·|s):",
            ["b", "s", "a", "r", "s′", "d", "ε"], batchRows);

        var parameterRows = new List<string[]>();
        foreach (var name in new[] { "pi", "q1", "q2", "v" })
        {
            var net = _n[name];
            for (int l = 0; l < net.LayerCount; l++)
            {
                var w = net.Weights[l];
                parameterRows.Add([$"{name}.{l}.weight", $"{w.GetLength(0)}×{w.GetLength(1)}", Format.Matrix(w)]);
                parameterRows.Add([$"{name}.{l}.bias", $"1×{net.Biases[l].Length}", Format.Vector(net.Biases[l])]);
            }
        }
        var parameterTable = new TextTable(
            "**The parameters**, named as the engine names them (`pi` is φ, `q1` and `q2` are θ1 and θ2, `v` is ψ; layer 0 is the hidden layer, " +
            "layer 1 the output layer; W is inputs × outputs and a layer computes x·W + b; rows of W are separated by `;`). " +
            "`pi`'s output is [μ ‖ log σ]; the critics' input is [s ‖ a]:",
            ["tensor", "shape", "values"], parameterRows);

        var valueRows = new List<ValueRow>();
        for (int b = 0; b < batch.Size; b++)
        {
            valueRows.Add(new($"min_i Q_θi(s{Sub(b)}, ã{Sub(b)})", _hf.MinQ[b], _ef.MinQ[b]));
            valueRows.Add(new($"log π(ã{Sub(b)}∣s{Sub(b)})", _hf.Policy.LogProb[b], _ef.LogProb[b]));
            valueRows.Add(new($"min_i Q_θi − α·log π: one-sample V(s{Sub(b)})", _hf.ValueTarget[b], _ef.MinQ[b] - o.Alpha * _ef.LogProb[b]));
            valueRows.Add(new($"V_ψ(s{Sub(b)}), the network's estimate", _hf.Value.Output[b, 0], _ef.Value[b]));
        }
        var valueTable = new ValueTable(
            "**The soft value** V(s) = E_{a~π}[Q(s, a) − α·log π(a|s)], estimated with one action ã ~ π(·|s) per state, next to V_ψ(s), the network that learns it:",
            valueRows);
        return Section(1, configuration, batchTable, parameterTable, valueTable);
    }

    private WalkthroughSection Section2()
    {
        var o = Options;
        var batch = Setup.Batch;
        var evaluation = new List<ValueRow>();
        for (int b = 0; b < batch.Size; b++)
        {
            evaluation.Add(new($"V_ψ̄(s′{Sub(b)})", _hf.NextValue[b], _ef.NextValue[b]));
            evaluation.Add(new($"Q̂{Sub(b)} = r{Sub(b)} + γ(1 − d{Sub(b)})·V_ψ̄(s′{Sub(b)})", _hf.QHat[b], _ef.QHat[b]));
        }
        var improvement = new List<ValueRow>();
        for (int b = 0; b < batch.Size; b++)
            improvement.Add(new($"α·log π(ã{Sub(b)}∣s{Sub(b)}) − min_i Q_θi(s{Sub(b)}, ã{Sub(b)})",
                o.Alpha * _hf.Policy.LogProb[b] - _hf.MinQ[b], o.Alpha * _ef.LogProb[b] - _ef.MinQ[b]));
        improvement.Add(new("J_π = the mean of the two", _hf.PolicyLoss, _eu.ActorLoss));
        return Section(2,
            new ValueTable("**Soft policy evaluation.** The critics' regression target, `SacV1.ValueBackup` " +
                           "(transition 1 terminated, so its target is its reward):", evaluation),
            new ValueTable("**Soft policy improvement.** The policy's loss, sample by sample (the engine's J_π is the loss a real " +
                           "`Update` reports):", improvement));
    }

    private static double[] Row(double[,] m, int r) => Enumerable.Range(0, m.GetLength(1)).Select(c => m[r, c]).ToArray();
}
