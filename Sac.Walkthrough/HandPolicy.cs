namespace Sac.Walkthrough;

/// <summary>A tanh-Gaussian sample written out step by step (all B×A except the per-row sums).</summary>
internal sealed record PolicyTrace(
    MlpTrace Network,
    double[,] Mean,
    double[,] LogStdRaw,
    double[,] LogStd,
    double[,] Std,
    double[,] Noise,
    double[,] U,
    double[,] Action,
    double[] Gaussian,
    double[] LogJacobian,
    double[] LogProb);

/// <summary>
/// The tanh-Gaussian policy by hand: [μ ‖ log σ] = net(s); log σ clamped; u = μ + σ·ε; ã = tanh u;
/// log π = Σ_j [−½ε_j² − log σ_j − ½ log 2π] − Σ_j 2(log 2 − u_j − softplus(−2u_j)).
/// </summary>
internal static class HandPolicy
{
    public static readonly double HalfLog2Pi = 0.5 * Math.Log(2 * Math.PI);

    /// <summary>softplus(x) = log(1 + eˣ), as max(x, 0) + log1p(e^−|x|) so that it neither overflows nor loses digits.</summary>
    public static double Softplus(double x) => Math.Max(x, 0) + Log1P(Math.Exp(-Math.Abs(x)));

    /// <summary>log(1 + x), accurate also for tiny x (x ≥ 0 here).</summary>
    private static double Log1P(double x)
    {
        // The classic correction: for w = 1 + x rounded, log(w)·x/(w − 1) recovers the digits of x lost in the rounding.
        double w = 1 + x;
        return w == 1 ? x : Math.Log(w) * x / (w - 1);
    }

    /// <summary>The logistic function 1/(1 + e^−x).</summary>
    public static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary>log(1 − tanh² u) in the stable form 2(log 2 − u − softplus(−2u)) (the paper's Eq. 21 rewritten).</summary>
    public static double LogOneMinusTanhSquared(double u) => 2 * (Math.Log(2) - u - Softplus(-2 * u));

    /// <summary>The log-density of one action dimension given μ, the clamped log σ and ε.</summary>
    public static double LogProbTerm(double logStd, double eps, double u) =>
        -0.5 * eps * eps - logStd - HalfLog2Pi - LogOneMinusTanhSquared(u);

    public static PolicyTrace Sample(HandMlp network, double[,] s, double[,] eps, double logStdMin, double logStdMax)
    {
        var trace = network.Forward(s);
        int batch = s.GetLength(0), act = eps.GetLength(1);
        var mean = new double[batch, act];
        var logStdRaw = new double[batch, act];
        var logStd = new double[batch, act];
        var std = new double[batch, act];
        var u = new double[batch, act];
        var action = new double[batch, act];
        var gaussian = new double[batch];
        var logJacobian = new double[batch];
        var logProb = new double[batch];
        for (int b = 0; b < batch; b++)
        {
            for (int j = 0; j < act; j++)
            {
                mean[b, j] = trace.Output[b, j];
                logStdRaw[b, j] = trace.Output[b, act + j];
                logStd[b, j] = Math.Clamp(logStdRaw[b, j], logStdMin, logStdMax);
                std[b, j] = Math.Exp(logStd[b, j]);
                u[b, j] = mean[b, j] + std[b, j] * eps[b, j];
                action[b, j] = Math.Tanh(u[b, j]);
                gaussian[b] += -0.5 * eps[b, j] * eps[b, j] - logStd[b, j] - HalfLog2Pi;
                logJacobian[b] += LogOneMinusTanhSquared(u[b, j]);
            }
            logProb[b] = gaussian[b] - logJacobian[b];
        }
        return new PolicyTrace(trace, mean, logStdRaw, logStd, std, (double[,])eps.Clone(), u, action, gaussian, logJacobian, logProb);
    }

    /// <summary>
    /// The chain rule through the sample, given dJ/dlog π_b and dJ/dã_bj (the two ways a loss sees the policy):
    /// <code>
    /// dJ/du   = dJ/dã ⊙ (1 − ã²) + dJ/dlog π · 2ã        (tanh′ = 1 − tanh²;  d/du[−log(1 − tanh² u)] = 2 tanh u)
    /// dJ/dμ   = dJ/du
    /// dJ/dlogσ = [lo ≤ log σ_raw ≤ hi] · (dJ/du · σε − dJ/dlog π)   (u = μ + e^{log σ}·ε; the Gaussian term holds −log σ)
    /// </code>
    /// Returns dJ/d[μ ‖ log σ_raw], the gradient at the network's output.
    /// </summary>
    public static double[,] HeadGradient(PolicyTrace t, double[] dLogProb, double[,] dAction, double logStdMin, double logStdMax)
    {
        int batch = t.Mean.GetLength(0), act = t.Mean.GetLength(1);
        var dOut = new double[batch, 2 * act];
        for (int b = 0; b < batch; b++)
            for (int j = 0; j < act; j++)
            {
                double a = t.Action[b, j];
                double dU = dAction[b, j] * (1 - a * a) + dLogProb[b] * 2 * a;
                dOut[b, j] = dU;
                bool inside = t.LogStdRaw[b, j] >= logStdMin && t.LogStdRaw[b, j] <= logStdMax;
                dOut[b, act + j] = inside ? dU * t.Std[b, j] * t.Noise[b, j] - dLogProb[b] : 0;
            }
        return dOut;
    }
}
