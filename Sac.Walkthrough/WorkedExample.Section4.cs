namespace Sac.Walkthrough;

// Section 4: the tanh-Gaussian policy, its log-density, the stable form of the tanh Jacobian, and action scaling.
public sealed partial class WorkedExample
{
    /// <summary>Action bounds for the scaling example: Pendulum-v1's torque range.</summary>
    private const float ScaledLow = -2f, ScaledHigh = 2f;

    private WalkthroughSection Section4()
    {
        var o = Options;
        var p = _hf.Policy;
        int batchSize = Setup.Batch.Size;
        var values = new List<ValueRow>();
        for (int b = 0; b < batchSize; b++)
        {
            string s = Sub(b);
            values.Add(new($"μ{s}", p.Mean[b, 0], _ef.Mean[b, 0]));
            values.Add(new($"log σ{s} (clamped to [{Format.Number(o.LogStdMin)}, {Format.Number(o.LogStdMax)}])", p.LogStd[b, 0], _ef.LogStd[b, 0]));
            values.Add(new($"σ{s} = exp(log σ{s})", p.Std[b, 0], null));
            values.Add(new($"u{s} = μ{s} + σ{s}·ε{s}", p.U[b, 0], null));
            values.Add(new($"ã{s} = tanh(u{s})", p.Action[b, 0], _ef.Action[b, 0]));
            values.Add(new($"−½ε{s}² − log σ{s} − ½ log 2π", p.Gaussian[b], null));
            values.Add(new($"log(1 − tanh² u{s}) = 2(log 2 − u{s} − softplus(−2u{s}))", p.LogJacobian[b], null));
            values.Add(new($"log π(ã{s}∣s{s}) = Gaussian term − log(1 − tanh² u{s})", p.LogProb[b], _ef.LogProb[b]));
        }
        var forward = new ValueTable("**Sampling ã ~ π_φ(·|s) with the given ε**, `TanhGaussianPolicy.Sample` (the engine column shows what " +
                                     "`Heads` and `Sample` return; the other steps stay inside `Sample`):", values);

        // Each gradient is of one sample's quantity with respect to that sample's heads; the autodiff runs the engine's
        // Sample on the one-row batch and reads the gradient of the last layer's bias, which is the gradient of [μ ‖ log σ].
        var rows = new List<GradientRow>();
        for (int b = 0; b < batchSize; b++)
        {
            string s = Sub(b);
            var unitLogProb = new double[batchSize];
            unitLogProb[b] = 1;
            var noAction = new double[batchSize, 1];
            var logProbHeads = HandPolicy.HeadGradient(p, unitLogProb, noAction, o.LogStdMin, o.LogStdMax);
            var unitAction = new double[batchSize, 1];
            unitAction[b, 0] = 1;
            var actionHeads = HandPolicy.HeadGradient(p, new double[batchSize], unitAction, o.LogStdMin, o.LogStdMax);
            var engineLogProb = EngineRun.HeadGradient(Setup, b, (agent, tape, sb, eb) => tape.Sum(agent.Policy.Sample(tape, sb, eb).LogProb));
            var engineAction = EngineRun.HeadGradient(Setup, b, (agent, tape, sb, eb) => tape.Sum(agent.Policy.Sample(tape, sb, eb).Action));
            double mu = p.Mean[b, 0], logStdRaw = p.LogStdRaw[b, 0], eps = p.Noise[b, 0];
            rows.Add(new($"∂log π{s}/∂μ{s} = 2ã{s}", logProbHeads[b, 0], engineLogProb.DMean,
                FiniteDifference.Central(m => HeadLogProb(m, logStdRaw, eps), mu)));
            rows.Add(new($"∂log π{s}/∂log σ{s} = 2ã{s}·σ{s}ε{s} − 1", logProbHeads[b, 1], engineLogProb.DLogStd,
                FiniteDifference.Central(l => HeadLogProb(mu, l, eps), logStdRaw)));
            rows.Add(new($"∂ã{s}/∂μ{s} = 1 − ã{s}²", actionHeads[b, 0], engineAction.DMean,
                FiniteDifference.Central(m => HeadAction(m, logStdRaw, eps), mu)));
            rows.Add(new($"∂ã{s}/∂log σ{s} = (1 − ã{s}²)·σ{s}ε{s}", actionHeads[b, 1], engineAction.DLogStd,
                FiniteDifference.Central(l => HeadAction(mu, l, eps), logStdRaw)));
        }
        var gradients = new GradientTable("**The reparameterization's gradients**, for each sample with respect to its own heads " +
                                          "(autodiff: the engine's `Sample` on that one row, gradient of the last layer's bias):", rows);

        var stability = new TextTable("**Why the stable form.** log(1 − tanh² u) computed directly and as 2(log 2 − u − softplus(−2u)), in float64:",
            ["u", "1 − tanh² u, directly", "log(1 − tanh² u), directly", "2(log 2 − u − softplus(−2u))"],
            new[] { 0.5, 5, 10, 20 }.Select(u =>
            {
                double t = Math.Tanh(u);
                return new[] { Format.Number(u), Format.Number(1 - t * t), Format.Number(Math.Log(1 - t * t)), Format.Number(HandPolicy.LogOneMinusTanhSquared(u)) };
            }).ToList());

        double scale = (ScaledHigh - ScaledLow) / 2.0, offset = (ScaledHigh + ScaledLow) / 2.0;
        var scaledAction = EngineRun.ScaledAction(Setup, ScaledLow, ScaledHigh);
        var scaledRows = new List<ValueRow>();
        for (int b = 0; b < batchSize; b++)
        {
            string s = Sub(b);
            scaledRows.Add(new($"a{s} = {Format.Number(offset)} + {Format.Number(scale)}·ã{s}", offset + scale * p.Action[b, 0], scaledAction[b]));
            scaledRows.Add(new($"log π(a{s}∣s{s}) = log π(ã{s}∣s{s}) − log {Format.Number(scale)}", p.LogProb[b] - Math.Log(scale), null));
        }
        var scaling = new ValueTable(
            $"**Action scaling** to [{Format.Number(ScaledLow)}, {Format.Number(ScaledHigh)}] (Pendulum's torque): a = (high + low)/2 + ã·(high − low)/2, " +
            "and the density is divided by the scale (engine: the trainer's `ActionScaling.ToEnvironment`; it never forms the scaled log π):", scaledRows);
        return Section(4, forward, gradients, stability, scaling);
    }

    /// <summary>log π of one action dimension as a function of its heads μ and log σ (before the clamp), ε fixed.</summary>
    private double HeadLogProb(double mean, double logStdRaw, double eps)
    {
        double logStd = Math.Clamp(logStdRaw, Options.LogStdMin, Options.LogStdMax);
        return HandPolicy.LogProbTerm(logStd, eps, mean + Math.Exp(logStd) * eps);
    }

    /// <summary>ã = tanh(μ + σ·ε) as a function of the heads, ε fixed.</summary>
    private double HeadAction(double mean, double logStdRaw, double eps) =>
        Math.Tanh(mean + Math.Exp(Math.Clamp(logStdRaw, Options.LogStdMin, Options.LogStdMax)) * eps);
}
