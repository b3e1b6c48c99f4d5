using System.Numerics;
using Sac.Autodiff;
using Sac.Core.Networks;

namespace Sac.Core.Policies;

/// <summary>A sampled action and its log-density log π(a|s), both on the tape (B×A and B×1).</summary>
/// <param name="Action">a = tanh(u), in [−1, 1] (the environment's bounds are applied by <see cref="Environments.ActionScaling"/>).</param>
/// <param name="LogProb">log π(a|s), including the tanh change of variables.</param>
public readonly record struct PolicySample<T>(Tensor<T> Action, Tensor<T> LogProb) where T : unmanaged, IFloatingPointIeee754<T>;

/// <summary>How a squashed Gaussian policy keeps its log σ within [LogStdMin, LogStdMax].</summary>
public enum LogStdBounding
{
    /// <summary>log σ = clamp(x, min, max): SB3, and the paper's reference code. The gradient is zero outside the range.</summary>
    Clamp = 0,

    /// <summary>log σ = min + ½(max − min)(tanh x + 1): CleanRL (after Spinning Up and Yarats); smooth, never saturated
    /// flat.</summary>
    Tanh = 1,
}

/// <summary>
/// π_φ: a squashed Gaussian policy. An MLP maps s to [μ ‖ log σ]; log σ is bounded to [LogStdMin, LogStdMax] (clamped, or
/// tanh-rescaled: <see cref="LogStdBounding"/>);
/// an action is sampled with the reparameterization u = μ + σ·ε, ε ~ 𝒩(0, I), a = tanh(u), so that a is a
/// differentiable function of φ (the gradient of J_π flows through a into μ and σ).
/// <para>
/// The log-density, by the change of variables a = tanh(u) (the paper's Appendix C, Eq. 21):
/// <code>
/// log π(a|s) = Σ_j [ −½ε_j² − log σ_j − ½ log 2π ]  −  Σ_j log(1 − tanh² u_j)
/// </code>
/// with log(1 − tanh² u) rewritten stably as 2(log 2 − u − softplus(−2u)) (exact algebra: 1 − tanh² u = 4/(eᵘ + e⁻ᵘ)²),
/// which stays finite where 1 − tanh² u underflows to 0 (|u| ≳ 9 in float32). With a Jacobian ε &gt; 0 the term is
/// instead log(1 − a² + ε), a = tanh u, as SB3 and CleanRL write it (ε = 10⁻⁶): the same wherever 1 − a² ≫ ε, and bounded
/// below by log ε where the action saturates.
/// </para>
/// </summary>
public sealed class TanhGaussianPolicy<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private static readonly T HalfLog2Pi = T.CreateChecked(0.5 * Math.Log(2 * Math.PI));
    private static readonly T Log2 = T.CreateChecked(Math.Log(2));

    /// <summary>Creates the policy network (obs → hidden → 2·act) initialized like PyTorch from <paramref name="rng"/>.</summary>
    /// <param name="observationSize">dim(S).</param>
    /// <param name="actionSize">dim(A).</param>
    /// <param name="hidden">Hidden layer sizes (the paper: 256, 256).</param>
    /// <param name="rng">Initialization randomness.</param>
    /// <param name="logStdMin">Lower clamp of log σ (−20, SB3).</param>
    /// <param name="logStdMax">Upper clamp of log σ (2, SB3).</param>
    /// <param name="bounding">How log σ is kept in [min, max] (clamped, as SB3).</param>
    /// <param name="jacobianEpsilon">ε of log(1 − a² + ε); 0 (the default) is the exact, stable form.</param>
    public TanhGaussianPolicy(int observationSize, int actionSize, IReadOnlyList<int> hidden, Rng rng, double logStdMin = -20, double logStdMax = 2,
        LogStdBounding bounding = LogStdBounding.Clamp, double jacobianEpsilon = 0)
        : this(new Mlp<T>("pi", observationSize, hidden, 2 * actionSize, rng), logStdMin, logStdMax, bounding, jacobianEpsilon)
    {
    }

    /// <summary>Wraps an existing network whose output is [μ ‖ log σ] (2·dim(A) columns).</summary>
    public TanhGaussianPolicy(Mlp<T> network, double logStdMin = -20, double logStdMax = 2, LogStdBounding bounding = LogStdBounding.Clamp, double jacobianEpsilon = 0)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (network.Outputs % 2 != 0)
            throw new ArgumentException($"The policy network must output [μ ‖ log σ], an even number of columns; it outputs {network.Outputs}.", nameof(network));
        if (!(logStdMin < logStdMax))
            throw new ArgumentOutOfRangeException(nameof(logStdMin), $"log σ bounds must satisfy min < max, got [{logStdMin}, {logStdMax}].");
        if (!Enum.IsDefined(bounding))
            throw new ArgumentOutOfRangeException(nameof(bounding), bounding, "Unknown log σ bounding.");
        if (!(jacobianEpsilon >= 0 && double.IsFinite(jacobianEpsilon)))
            throw new ArgumentOutOfRangeException(nameof(jacobianEpsilon), jacobianEpsilon, "The Jacobian ε must be finite and ≥ 0.");
        Network = network;
        Bounding = bounding;
        JacobianEpsilon = T.CreateChecked(jacobianEpsilon);
        ActionSize = network.Outputs / 2;
        LogStdMin = T.CreateChecked(logStdMin);
        LogStdMax = T.CreateChecked(logStdMax);
    }

    /// <summary>This policy (the same log σ bounds) over <paramref name="parameters"/>, a buffer laid out as
    /// <see cref="Network"/>'s own: an update shard's view of it.</summary>
    public TanhGaussianPolicy<T> Over(FlatParameters<T> parameters) =>
        new(Network.Over(parameters), double.CreateChecked(LogStdMin), double.CreateChecked(LogStdMax), Bounding, double.CreateChecked(JacobianEpsilon));

    /// <summary>The network s → [μ ‖ log σ].</summary>
    public Mlp<T> Network { get; }

    /// <summary>dim(A).</summary>
    public int ActionSize { get; }

    /// <summary>Lower clamp of log σ.</summary>
    public T LogStdMin { get; }

    /// <summary>Upper clamp of log σ.</summary>
    public T LogStdMax { get; }

    /// <summary>How log σ is kept in [<see cref="LogStdMin"/>, <see cref="LogStdMax"/>].</summary>
    public LogStdBounding Bounding { get; }

    /// <summary>ε of the Jacobian term log(1 − a² + ε); zero for the exact form.</summary>
    public T JacobianEpsilon { get; }


    /// <summary>
    /// Samples a ~ π_φ(·|s) with the given noise ε (B×A standard normal draws, supplied by the caller so updates are
    /// reproducible and checkable), and computes log π(a|s). Differentiable with respect to φ through the reparameterization.
    /// </summary>
    public PolicySample<T> Sample(Tape<T> tape, Tensor<T> observations, Tensor<T> noise)
    {
        if (noise.Rows != observations.Rows || noise.Cols != ActionSize)
            throw new ArgumentException($"The noise ε must be {observations.Rows}×{ActionSize} (batch × action size), got {noise.Rows}×{noise.Cols}.", nameof(noise));
        var (mean, logStd) = Heads(tape, observations);
        var std = tape.Exp(logStd);
        var u = tape.Add(mean, tape.Mul(std, noise));                      // u = μ + σ·ε (the reparameterization)
        var action = tape.Tanh(u);                                          // a = tanh(u)

        // Gaussian part: log 𝒩(u; μ, σ) = −½ε² − log σ − ½ log 2π, elementwise (ε is a constant: no op is recorded for it).
        var gaussian = tape.Sub(tape.AddScalar(tape.Scale(tape.Square(noise), T.CreateChecked(-0.5)), -HalfLog2Pi), logStd);
        // CRUCIAL: the tanh-squash Jacobian. log(1 − tanh² u) = 2(log 2 − u − softplus(−2u)) (Eq. 21, stable form), or
        // SB3's and CleanRL's log(1 − a² + ε).
        var logJacobian = JacobianEpsilon == T.Zero
            ? tape.Scale(tape.AddScalar(tape.Add(u, tape.Softplus(tape.Scale(u, T.CreateChecked(-2)))), -Log2), T.CreateChecked(-2))
            : tape.Log(tape.AddScalar(tape.AddScalar(tape.Neg(tape.Square(action)), T.One), JacobianEpsilon)); // (1 − a²) + ε, rounded as PyTorch
        var logProb = tape.SumRows(tape.Sub(gaussian, logJacobian));
        return new PolicySample<T>(action, logProb);
    }

    /// <summary>The deterministic action tanh(μ(s)), used for evaluation.</summary>
    public Tensor<T> DeterministicAction(Tape<T> tape, Tensor<T> observations)
    {
        var (mean, _) = Heads(tape, observations);
        return tape.Tanh(mean);
    }

    /// <summary>μ(s) and the bounded log σ(s).</summary>
    public (Tensor<T> Mean, Tensor<T> LogStd) Heads(Tape<T> tape, Tensor<T> observations)
    {
        if (observations.Cols != Network.Inputs)
            throw new ArgumentException($"Observations must have {Network.Inputs} columns, got {observations.Cols}.", nameof(observations));
        var output = Network.Forward(tape, observations);
        var mean = tape.SliceColumns(output, 0, ActionSize);
        var raw = tape.SliceColumns(output, ActionSize, ActionSize);
        var logStd = Bounding == LogStdBounding.Clamp
            ? tape.Clamp(raw, LogStdMin, LogStdMax)
            // min + ½(max − min)(tanh x + 1)
            : tape.AddScalar(tape.Scale(tape.AddScalar(tape.Tanh(raw), T.One), (LogStdMax - LogStdMin) / T.CreateChecked(2)), LogStdMin);
        return (mean, logStd);
    }
}
