namespace Sac.Walkthrough;

// Sections 6 and 7: v2's temperature step, the reward-scale equivalence, and the optimizer steps that end an update.
public sealed partial class WorkedExample
{
    private WalkthroughSection Section6()
    {
        var o = Options;
        var v2 = Setup.V2Options;
        var logProb = _hf.Policy.LogProb;
        double targetEntropy = Setup.TargetEntropy;
        double logAlpha = Math.Log(v2.InitialAlpha);
        double loss = HandSac.TemperatureLoss(logAlpha, logProb, targetEntropy);
        double gradient = HandSac.TemperatureGradient(logProb, targetEntropy);
        double after = HandSac.AdamFirstStep(logAlpha, gradient, v2.AlphaLearningRate, v2.AdamBeta1, v2.AdamBeta2, v2.AdamEpsilon);
        var engine = EngineRun.TemperatureV2(Setup);

        var before = new ValueTable("**The temperature loss** J(α) = −log α·mean_b(log π(ã_b|s_b) + H̄), log π detached, in a real v2 " +
                                    "`Update` (`SacV2.TemperatureLoss`; its log π is that of the unchanged policy, as in section 4):",
        [
            new("log α", logAlpha, engine.LogAlphaBefore),
            new("H̄ = −dim(A)", targetEntropy, engine.TargetEntropy),
            new("mean_b log π(ã_b∣s_b)", logProb.Average(), _ef.LogProb.Average()),
            new("J(α)", loss, engine.Loss),
        ]);
        var grad = new GradientTable("**Its gradient**, the only one v2 adds:",
        [
            new("∂J(α)/∂log α = −mean_b(log π_b + H̄)", gradient, engine.Gradient,
                FiniteDifference.Central(x => HandSac.TemperatureLoss(x, logProb, targetEntropy), logAlpha)),
        ]);
        var step = new ValueTable($"**After Adam's first step** on log α (learning rate {Format.Scientific(v2.AlphaLearningRate)}: the step is " +
                                  "lr·sign(g), see section 7):",
        [
            new("log α", after, engine.LogAlphaAfter),
            new("α = exp(log α)", Math.Exp(after), engine.AlphaAfter),
        ]);

        // Reward scale ↔ α: with critics that output Q/α (what they learn from rewards r/α) and α = 1, J_π is J_π/α.
        var scaledOptions = o with { Alpha = 1 };
        var scaled = HandSac.WithCriticsScaled(_n, 1 / o.Alpha);
        var scaledForward = HandSac.Forward(scaled, Setup.Batch, scaledOptions);
        var scaledGradients = HandSac.Gradients(scaled, scaledForward, scaledOptions);
        var (engineLoss, engineGradients) = EngineRun.PolicyLossWithScaledCritics(Setup);
        var equivalenceValues = new ValueTable("**Reward scale ↔ α.** J_π as in section 5, and α times J_π with α = 1 and both critics' outputs " +
                                               "divided by α (their last layer scaled by 1/α: what they learn from rewards r/α):",
        [
            new($"J_π (α = {Format.Number(o.Alpha)}, critics Q)", _hf.PolicyLoss, _eu.ActorLoss),
            new($"α·J_π′ (α = 1, critics Q/α)", o.Alpha * scaledForward.PolicyLoss, o.Alpha * engineLoss),
        ]);
        var equivalenceRows = new[] { ParameterRef.W("pi", 0, 0, 1), ParameterRef.B("pi", 1, 0), ParameterRef.B("pi", 1, 1) }
            .Select(p => new GradientRow($"α·∂J_π′/∂{p.Label}", o.Alpha * Entry(scaledGradients.Policy, p),
                o.Alpha * engineGradients.Entry(p.Tensor, p.Row, p.Col),
                o.Alpha * FiniteDifference.OfParameter(scaled, p, n => HandSac.Forward(n, Setup.Batch, scaledOptions).PolicyLoss),
                Reference: p.In(_eu.Gradients)))
            .ToList();
        var equivalence = new GradientTable("The policy gradient is the same, so the policy moves the same way:", equivalenceRows,
            ReferenceHeader: "∂J_π/∂φ (section 5)");
        return Section(6, before, grad, step, equivalenceValues, equivalence);
    }

    /// <summary>The entries whose Adam step section 7 shows.</summary>
    internal static readonly ParameterRef[] AdamEntries =
    [
        ParameterRef.W("v", 1, 1, 0), ParameterRef.B("v", 1, 0), ParameterRef.B("q1", 1, 0),
        ParameterRef.W("q2", 0, 0, 2), ParameterRef.B("pi", 1, 0), ParameterRef.B("pi", 1, 1),
    ];

    /// <summary>The V_ψ̄ entries whose Polyak update section 7 shows.</summary>
    internal static readonly ParameterRef[] PolyakEntries =
        [ParameterRef.W("v_target", 0, 0, 1), ParameterRef.W("v_target", 1, 1, 0), ParameterRef.B("v_target", 1, 0)];

    private WalkthroughSection Section7()
    {
        var o = Options;
        double LearningRate(string network) => network switch
        {
            "pi" => o.ActorLearningRate,
            "v" => o.ValueLearningRate,
            _ => o.CriticLearningRate,
        };
        double AdamAfter(ParameterRef p) =>
            HandSac.AdamFirstStep(p.In(_n), Entry(HandGradients(p.Network), p), LearningRate(p.Network), o.AdamBeta1, o.AdamBeta2, o.AdamEpsilon);

        var adam = new StepTable("**Adam**, the first step of each network's optimizer (t = 1, m₀ = v₀ = 0; the gradient column is " +
                                 "section 5's hand formula):",
            ["parameter", "before", "gradient g", "after Adam (hand formula)", "after Adam (engine)"],
            AdamEntries.Select(p => new StepRow(p.Label, p.In(_n), Entry(HandGradients(p.Network), p), AdamAfter(p), p.In(_eu.After))).ToList());

        var polyak = new StepTable($"**Polyak**, after Adam: ψ̄ ← τψ + (1 − τ)ψ̄ with τ = {Format.Number(o.Tau)} (the target moves toward " +
                                   "the freshly stepped ψ; ψ is only read):",
            ["parameter", "ψ̄ before", "ψ after Adam", "ψ̄ after (hand formula)", "ψ̄ after (engine)"],
            PolyakEntries.Select(p =>
            {
                var source = p.WithNetwork("v");
                double sourceAfter = AdamAfter(source);
                return new StepRow(p.Label, p.In(_n), sourceAfter, HandSac.Polyak(p.In(_n), sourceAfter, o.Tau), p.In(_eu.After));
            }).ToList());
        return Section(7, adam, polyak);
    }
}
