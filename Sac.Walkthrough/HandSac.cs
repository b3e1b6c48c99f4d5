using Sac.Core.Algorithms;

namespace Sac.Walkthrough;

/// <summary>The worked example's minibatch from 𝒟 and its noise, as plain arrays (B rows).</summary>
internal sealed record HandBatch(double[,] S, double[,] A, double[] R, double[,] SNext, double[] D, double[,] Noise, double[,] NextNoise)
{
    public int Size => S.GetLength(0);
}

/// <summary>Every network of a v1 agent, by hand: π_φ, Q_θ1, Q_θ2, V_ψ and V_ψ̄.</summary>
internal sealed record HandNetworks(HandMlp Pi, HandMlp Q1, HandMlp Q2, HandMlp V, HandMlp VTarget)
{
    public HandNetworks Copy() => new(Pi.Clone(), Q1.Clone(), Q2.Clone(), V.Clone(), VTarget.Clone());

    /// <summary>A network by the engine's name prefix: "pi", "q1", "q2", "v", "v_target".</summary>
    public HandMlp this[string name] => name switch
    {
        "pi" => Pi,
        "q1" => Q1,
        "q2" => Q2,
        "v" => V,
        "v_target" => VTarget,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Networks are pi, q1, q2, v, v_target."),
    };
}

/// <summary>Q_θ1 and Q_θ2 on the same inputs [s ‖ a], and their minimum (ties go to Q_θ1, as the engine's Min).</summary>
internal sealed record CriticPair(double[,] Input, MlpTrace Q1, MlpTrace Q2)
{
    public double Q1At(int b) => Q1.Output[b, 0];
    public double Q2At(int b) => Q2.Output[b, 0];
    public bool MinIsQ1(int b) => Q1At(b) <= Q2At(b);
    public double MinAt(int b) => Math.Min(Q1At(b), Q2At(b));
}

/// <summary>The forward half of one v1 update, every intermediate kept.</summary>
internal sealed record V1Forward(
    double[] NextValue,
    double[] QHat,
    PolicyTrace Policy,
    CriticPair OnPolicy,
    double[] MinQ,
    double[] ValueTarget,
    MlpTrace Value,
    CriticPair Replay,
    double ValueLoss,
    double CriticLoss,
    double PolicyLoss);

/// <summary>The backward half of one v1 update: each loss's gradient with respect to the parameters it trains.</summary>
/// <param name="DValue">dJ_V/dV_ψ(s_b) = (V_ψ(s_b) − y_b)/B.</param>
/// <param name="Value">dJ_V/dψ.</param>
/// <param name="DQ1">dJ_Q/dQ_θ1(s_b, a_b) = (Q_θ1 − Q̂_b)/B.</param>
/// <param name="DQ2">dJ_Q/dQ_θ2(s_b, a_b).</param>
/// <param name="Critic1">dJ_Q/dθ1.</param>
/// <param name="Critic2">dJ_Q/dθ2.</param>
/// <param name="DLogProb">∂J_π/∂log π_b = α/B (the direct path).</param>
/// <param name="DAction">∂J_π/∂ã_b = −(1/B)·∂Q_θi/∂a for the critic that is the minimum (the path through Q).</param>
/// <param name="DHead">dJ_π/d[μ ‖ log σ], both paths together.</param>
/// <param name="Policy">dJ_π/dφ.</param>
internal sealed record V1Gradients(
    double[] DValue, MlpGradients Value,
    double[] DQ1, double[] DQ2, MlpGradients Critic1, MlpGradients Critic2,
    double[] DLogProb, double[,] DAction, double[,] DHead, MlpGradients Policy);

/// <summary>
/// One SAC v1 update written out by hand (the formulas of docs/walkthrough.md, sections 2 and 5–7), plus v2's
/// temperature loss (section 6). Independent of the tape: the walkthrough's "hand formula" column.
/// </summary>
internal static class HandSac
{
    public static double[,] Concat(double[,] s, double[,] a)
    {
        int rows = s.GetLength(0), ns = s.GetLength(1), na = a.GetLength(1);
        var x = new double[rows, ns + na];
        for (int r = 0; r < rows; r++)
        {
            for (int i = 0; i < ns; i++)
                x[r, i] = s[r, i];
            for (int j = 0; j < na; j++)
                x[r, ns + j] = a[r, j];
        }
        return x;
    }

    public static CriticPair Critics(HandNetworks n, double[,] s, double[,] a)
    {
        var x = Concat(s, a);
        return new CriticPair(x, n.Q1.Forward(x), n.Q2.Forward(x));
    }

    public static double[] Column(double[,] m, int col = 0) =>
        Enumerable.Range(0, m.GetLength(0)).Select(r => m[r, col]).ToArray();

    public static double[,] AsColumn(double[] v)
    {
        var m = new double[v.Length, 1];
        for (int r = 0; r < v.Length; r++)
            m[r, 0] = v[r];
        return m;
    }

    /// <summary>½·mean((prediction − target)²).</summary>
    public static double HalfMeanSquaredError(double[] prediction, double[] target)
    {
        double sum = 0;
        for (int b = 0; b < prediction.Length; b++)
            sum += (prediction[b] - target[b]) * (prediction[b] - target[b]);
        return 0.5 * sum / prediction.Length;
    }

    /// <summary>J_π = mean_b(α·log π_b − min_i Q_θi(s_b, ã_b)).</summary>
    public static double PolicyLoss(double[] logProb, double[] minQ, double alpha)
    {
        double sum = 0;
        for (int b = 0; b < logProb.Length; b++)
            sum += alpha * logProb[b] - minQ[b];
        return sum / logProb.Length;
    }

    /// <summary>Q̂_b = r_b + γ(1 − d_b)·V_ψ̄(s′_b).</summary>
    public static double[] ValueBackup(HandNetworks n, HandBatch batch, double gamma, out double[] nextValue)
    {
        nextValue = Column(n.VTarget.Forward(batch.SNext).Output);
        var qHat = new double[batch.Size];
        for (int b = 0; b < batch.Size; b++)
            qHat[b] = batch.R[b] + gamma * (1 - batch.D[b]) * nextValue[b];
        return qHat;
    }

    public static V1Forward Forward(HandNetworks n, HandBatch batch, SacOptions c)
    {
        var qHat = ValueBackup(n, batch, c.Gamma, out var nextValue);
        var policy = HandPolicy.Sample(n.Pi, batch.S, batch.Noise, c.LogStdMin, c.LogStdMax);
        var onPolicy = Critics(n, batch.S, policy.Action);
        var minQ = Enumerable.Range(0, batch.Size).Select(onPolicy.MinAt).ToArray();
        // y_b = min_i Q_θi(s_b, ã_b) − α·log π(ã_b|s_b): the one-sample estimate of V(s_b) that V_ψ regresses on.
        var y = Enumerable.Range(0, batch.Size).Select(b => minQ[b] - c.Alpha * policy.LogProb[b]).ToArray();
        var value = n.V.Forward(batch.S);
        var replay = Critics(n, batch.S, batch.A);
        double jV = HalfMeanSquaredError(Column(value.Output), y);
        double jQ = HalfMeanSquaredError(Column(replay.Q1.Output), qHat) + HalfMeanSquaredError(Column(replay.Q2.Output), qHat);
        double jPi = PolicyLoss(policy.LogProb, minQ, c.Alpha);
        return new V1Forward(nextValue, qHat, policy, onPolicy, minQ, y, value, replay, jV, jQ, jPi);
    }

    public static V1Gradients Gradients(HandNetworks n, V1Forward f, SacOptions c)
    {
        int batch = f.QHat.Length;
        double invB = 1.0 / batch;

        // J_V = ½·mean_b (V_ψ(s_b) − y_b)², y detached:  dJ_V/dV_b = (V_b − y_b)/B, then back through V_ψ.
        var dV = Enumerable.Range(0, batch).Select(b => (f.Value.Output[b, 0] - f.ValueTarget[b]) * invB).ToArray();
        var value = n.V.Backward(f.Value, AsColumn(dV));

        // J_Q = Σ_i ½·mean_b (Q_θi(s_b, a_b) − Q̂_b)², Q̂ detached:  dJ_Q/dQ_i,b = (Q_i,b − Q̂_b)/B, then back through each critic.
        var dQ1 = Enumerable.Range(0, batch).Select(b => (f.Replay.Q1At(b) - f.QHat[b]) * invB).ToArray();
        var dQ2 = Enumerable.Range(0, batch).Select(b => (f.Replay.Q2At(b) - f.QHat[b]) * invB).ToArray();
        var critic1 = n.Q1.Backward(f.Replay.Q1, AsColumn(dQ1));
        var critic2 = n.Q2.Backward(f.Replay.Q2, AsColumn(dQ2));

        // J_π = mean_b (α·log π_b − min_i Q_θi(s_b, ã_b)).  Direct path: ∂J_π/∂log π_b = α/B.
        // Path through Q: ∂J_π/∂min Q_b = −1/B goes to the critic that is the minimum, back through its layers to its
        // input [s ‖ ã]; the ã columns of that input gradient are ∂J_π/∂ã_b. (θ is held fixed: only dX is used.)
        var dLogProb = Enumerable.Repeat(c.Alpha * invB, batch).ToArray();
        var dMin1 = new double[batch, 1];
        var dMin2 = new double[batch, 1];
        for (int b = 0; b < batch; b++)
        {
            if (f.OnPolicy.MinIsQ1(b))
                dMin1[b, 0] = -invB;
            else
                dMin2[b, 0] = -invB;
        }
        var dX1 = n.Q1.Backward(f.OnPolicy.Q1, dMin1).Input;
        var dX2 = n.Q2.Backward(f.OnPolicy.Q2, dMin2).Input;
        int obs = f.Policy.Network.Inputs[0].GetLength(1), act = f.Policy.Action.GetLength(1);
        var dAction = new double[batch, act];
        for (int b = 0; b < batch; b++)
            for (int j = 0; j < act; j++)
                dAction[b, j] = dX1[b, obs + j] + dX2[b, obs + j];
        var dHead = HandPolicy.HeadGradient(f.Policy, dLogProb, dAction, c.LogStdMin, c.LogStdMax);
        var policy = n.Pi.Backward(f.Policy.Network, dHead);
        return new V1Gradients(dV, value, dQ1, dQ2, critic1, critic2, dLogProb, dAction, dHead, policy);
    }

    /// <summary>
    /// Adam's first step (t = 1, m₀ = v₀ = 0), as the textbook writes it:
    /// m = (1 − β1)g, v = (1 − β2)g², m̂ = m/(1 − β1ᵗ), v̂ = v/(1 − β2ᵗ), p ← p − lr·m̂/(√v̂ + ε).
    /// </summary>
    public static double AdamFirstStep(double p, double g, double lr, double beta1, double beta2, double epsilon)
    {
        double m = (1 - beta1) * g;
        double v = (1 - beta2) * g * g;
        double mHat = m / (1 - beta1);
        double vHat = v / (1 - beta2);
        return p - lr * mHat / (Math.Sqrt(vHat) + epsilon);
    }

    /// <summary>Polyak averaging ψ̄ ← τψ + (1 − τ)ψ̄ (the target moves toward the source).</summary>
    public static double Polyak(double target, double source, double tau) => tau * source + (1 - tau) * target;

    /// <summary>v2's temperature loss J(α) = −log α·mean_b(log π_b + H̄), log π detached.</summary>
    public static double TemperatureLoss(double logAlpha, double[] logProb, double targetEntropy) =>
        -logAlpha * logProb.Select(lp => lp + targetEntropy).Average();

    /// <summary>dJ(α)/dlog α = −mean_b(log π_b + H̄).</summary>
    public static double TemperatureGradient(double[] logProb, double targetEntropy) =>
        -logProb.Select(lp => lp + targetEntropy).Average();

    /// <summary>The networks with both critics' outputs divided by α (last layer's W and b scaled by 1/α): Q/α.</summary>
    public static HandNetworks WithCriticsScaled(HandNetworks n, double factor)
    {
        var scaled = n.Copy();
        foreach (var q in new[] { scaled.Q1, scaled.Q2 })
        {
            var w = q.Weights[^1];
            for (int i = 0; i < w.GetLength(0); i++)
                for (int j = 0; j < w.GetLength(1); j++)
                    w[i, j] *= factor;
            for (int j = 0; j < q.Biases[^1].Length; j++)
                q.Biases[^1][j] *= factor;
        }
        return scaled;
    }
}
