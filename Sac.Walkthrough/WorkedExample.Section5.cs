namespace Sac.Walkthrough;

// Section 5: J_V, J_Q and J_π and their gradients with respect to ψ, θ and φ, from one real v1 update.
public sealed partial class WorkedExample
{
    /// <summary>The representative entries of ψ, θ and φ shown in section 5.</summary>
    internal static readonly ParameterRef[] ValueEntries =
    [
        ParameterRef.W("v", 0, 0, 1), ParameterRef.W("v", 0, 1, 2), ParameterRef.B("v", 0, 1),
        ParameterRef.W("v", 1, 1, 0), ParameterRef.W("v", 1, 2, 0), ParameterRef.B("v", 1, 0),
    ];

    internal static readonly ParameterRef[] CriticEntries =
    [
        ParameterRef.W("q1", 0, 2, 0), ParameterRef.B("q1", 0, 1), ParameterRef.W("q1", 1, 1, 0), ParameterRef.B("q1", 1, 0),
        ParameterRef.W("q2", 0, 0, 1), ParameterRef.B("q2", 0, 0), ParameterRef.W("q2", 1, 1, 0), ParameterRef.B("q2", 1, 0),
    ];

    internal static readonly ParameterRef[] PolicyEntries =
    [
        ParameterRef.W("pi", 0, 0, 1), ParameterRef.W("pi", 0, 1, 2), ParameterRef.B("pi", 0, 0),
        ParameterRef.W("pi", 1, 0, 0), ParameterRef.W("pi", 1, 2, 1), ParameterRef.B("pi", 1, 0), ParameterRef.B("pi", 1, 1),
    ];

    private WalkthroughSection Section5()
    {
        var o = Options;
        var batch = Setup.Batch;
        int batchSize = batch.Size;

        var forward = new List<ValueRow>();
        for (int b = 0; b < batchSize; b++)
        {
            string s = Sub(b);
            forward.Add(new($"Q_θ1(s{s}, a{s})", _hf.Replay.Q1At(b), _ef.Q1Replay[b]));
            forward.Add(new($"Q_θ2(s{s}, a{s})", _hf.Replay.Q2At(b), _ef.Q2Replay[b]));
            forward.Add(new($"Q_θ1(s{s}, ã{s})", _hf.OnPolicy.Q1At(b), _ef.Q1OnPolicy[b]));
            forward.Add(new($"Q_θ2(s{s}, ã{s})", _hf.OnPolicy.Q2At(b), _ef.Q2OnPolicy[b]));
        }
        forward.Add(new("J_V(ψ)", _hf.ValueLoss, _eu.ValueLoss));
        forward.Add(new("J_Q(θ)", _hf.CriticLoss, _eu.CriticLoss));
        forward.Add(new("J_π(φ)", _hf.PolicyLoss, _eu.ActorLoss));
        var losses = new ValueTable("**The losses.** The critics on the batch's actions a and on the policy's ã; the engine's losses " +
                                    "are what a real `Algorithm.Update` reports (its `UpdateMetrics`):", forward);

        double JV(HandNetworks n) => HandSac.Forward(n, batch, o).ValueLoss;
        double JQ(HandNetworks n) => HandSac.Forward(n, batch, o).CriticLoss;
        double JPi(HandNetworks n) => HandSac.Forward(n, batch, o).PolicyLoss;
        GradientRow Parameter(ParameterRef p, Func<HandNetworks, double> loss) =>
            new(p.Label, Entry(HandGradients(p.Network), p), p.In(_eu.Gradients), FiniteDifference.OfParameter(_n, p, loss));

        // J_V: its signal dJ_V/dV_b, then ψ.
        var (engineDV, engineDQ1, engineDQ2) = EngineRun.LossSignals(Setup);
        var vOut = HandSac.Column(_hf.Value.Output);
        var valueRows = new List<GradientRow>();
        for (int b = 0; b < batchSize; b++)
            valueRows.Add(new($"∂J_V/∂V_ψ(s{Sub(b)}) = (V_ψ(s{Sub(b)}) − y{Sub(b)})/B", _hg.DValue[b], engineDV[b],
                FiniteDifference.OfEntry(vOut, b, v => HandSac.HalfMeanSquaredError(v, _hf.ValueTarget))));
        valueRows.AddRange(ValueEntries.Select(p => Parameter(p, JV)));
        var value = new GradientTable("**J_V(ψ) = ½·mean_b (V_ψ(s_b) − y_b)², y_b = min_i Q_θi(s_b, ã_b) − α·log π(ã_b|s_b) detached** " +
                                      "(`SacV1.ValueLoss`; parameter rows from the real update's gradient buffer):", valueRows);

        // J_Q: the signals dJ_Q/dQ_i,b, then θ1 and θ2.
        var q1 = HandSac.Column(_hf.Replay.Q1.Output);
        var q2 = HandSac.Column(_hf.Replay.Q2.Output);
        double JQOf(double[] a, double[] b) => HandSac.HalfMeanSquaredError(a, _hf.QHat) + HandSac.HalfMeanSquaredError(b, _hf.QHat);
        var criticRows = new List<GradientRow>();
        for (int b = 0; b < batchSize; b++)
            criticRows.Add(new($"∂J_Q/∂Q_θ1(s{Sub(b)}, a{Sub(b)}) = (Q_θ1 − Q̂{Sub(b)})/B", _hg.DQ1[b], engineDQ1[b],
                FiniteDifference.OfEntry(q1, b, v => JQOf(v, q2))));
        for (int b = 0; b < batchSize; b++)
            criticRows.Add(new($"∂J_Q/∂Q_θ2(s{Sub(b)}, a{Sub(b)}) = (Q_θ2 − Q̂{Sub(b)})/B", _hg.DQ2[b], engineDQ2[b],
                FiniteDifference.OfEntry(q2, b, v => JQOf(q1, v))));
        criticRows.AddRange(CriticEntries.Select(p => Parameter(p, JQ)));
        var critic = new GradientTable("**J_Q(θ) = Σ_i ½·mean_b (Q_θi(s_b, a_b) − Q̂_b)², Q̂ detached** (`SacV1.CriticLoss`):", criticRows);

        // J_π: the direct path through log π, the path through ã into Q, both combined at the heads, then φ.
        var (engineDLogProb, engineDAction) = EngineRun.PolicySignals(Setup);
        var logProb = _hf.Policy.LogProb;
        var policyRows = new List<GradientRow>();
        for (int b = 0; b < batchSize; b++)
            policyRows.Add(new($"∂J_π/∂log π(ã{Sub(b)}∣s{Sub(b)}) = α/B", _hg.DLogProb[b], engineDLogProb[b],
                FiniteDifference.OfEntry(logProb, b, lp => HandSac.PolicyLoss(lp, _hf.MinQ, o.Alpha))));
        for (int b = 0; b < batchSize; b++)
        {
            string critic1 = _hf.OnPolicy.MinIsQ1(b) ? "Q_θ1" : "Q_θ2";
            policyRows.Add(new($"∂J_π/∂ã{Sub(b)} = −(1/B)·∂{critic1}/∂a (the smaller critic)", _hg.DAction[b, 0], engineDAction[b, 0],
                FiniteDifference.OfEntry(_hf.Policy.Action, b, 0, a => HandSac.PolicyLoss(logProb, MinQ(_n, a), o.Alpha))));
        }
        var mean = _hf.Policy.Mean;
        var logStdRaw = _hf.Policy.LogStdRaw;
        for (int b = 0; b < batchSize; b++)
        {
            string s = Sub(b);
            var head = EngineRun.HeadGradient(Setup, b, EngineRun.PolicyLossOfSample);
            policyRows.Add(new($"∂J_π/∂μ{s} = ∂J_π/∂ã{s}·(1 − ã{s}²) + (α/B)·2ã{s}", _hg.DHead[b, 0], head.DMean,
                FiniteDifference.OfEntry(mean, b, 0, m => PolicyLossFromHeads(_n, m, logStdRaw, o))));
            policyRows.Add(new($"∂J_π/∂log σ{s} = ∂J_π/∂μ{s}·σ{s}ε{s} − α/B", _hg.DHead[b, 1], head.DLogStd,
                FiniteDifference.OfEntry(logStdRaw, b, 0, l => PolicyLossFromHeads(_n, mean, l, o))));
        }
        policyRows.AddRange(PolicyEntries.Select(p => Parameter(p, JPi)));
        var policy = new GradientTable("**J_π(φ) = mean_b (α·log π_φ(ã_b|s_b) − min_i Q_θi(s_b, ã_b)), ã_b = tanh(μ_b + σ_b·ε_b), θ held fixed** " +
                                       "(`SacV1.PolicyLoss`; ∂J_π/∂ã is the path through Q only, log π held):", policyRows);

        double Total(HandNetworks n)
        {
            var f = HandSac.Forward(n, batch, o);
            return f.ValueLoss + f.CriticLoss + f.PolicyLoss;
        }
        var contrast = new ContrastTable("**What the detaches change.** The update steps each network along the gradient of its own " +
                                         "loss with the other networks held fixed; differentiating the plain sum would also move θ " +
                                         "to please J_π and J_V's target, and φ to please J_V's target:",
            new[] { ParameterRef.B("q1", 1, 0), ParameterRef.B("q2", 1, 0), ParameterRef.B("pi", 1, 0) }
                .Select(p => new ContrastRow(p.Label, p.In(_eu.Gradients), FiniteDifference.OfParameter(_n, p, Total))).ToList());
        return Section(5, losses, value, critic, policy, contrast);
    }
}
