using Sac.Core;
using Sac.Autodiff;
using Sac.Core.Algorithms;
using Sac.Core.Networks;

namespace Sac.Walkthrough;

/// <summary>
/// The worked example's fixed configuration: dim(S) = 2, dim(A) = 1, one hidden layer of 3 ReLU units in every network,
/// a batch of B = 2 transitions, v1 with the paper's constants. The weights come from the engine's own PyTorch-style
/// initialization seeded with <see cref="Seed"/>, the batch and ε from the same generator; every number is then rounded
/// to two decimals, so the example can be followed with pencil and paper and does not depend on the last bits of a
/// machine's log or sin.
/// </summary>
internal sealed class WorkedExampleSetup
{
    public const int ObservationSize = 2;
    public const int ActionSize = 1;
    public const int BatchSize = 2;
    public const int HiddenUnits = 3;

    private WorkedExampleSetup(int seed, SacOptions options, HandNetworks initial, HandBatch batch)
    {
        Seed = seed;
        Options = options;
        Initial = initial;
        Batch = batch;
    }

    public int Seed { get; }

    /// <summary>The v1 options (α fixed at 0.2, γ = 0.99, τ = 0.005, learning rates 3e-4, Adam's PyTorch defaults).</summary>
    public SacOptions Options { get; }

    /// <summary>The parameters before the update (V_ψ̄ = V_ψ, as at the start of training).</summary>
    public HandNetworks Initial { get; }

    public HandBatch Batch { get; }

    /// <summary>H̄ = −dim(A), the default target entropy of v2's temperature.</summary>
    public double TargetEntropy => -ActionSize;

    public static SacOptions V1Options => new()
    {
        Version = SacVersion.V1,
        HiddenSizes = [HiddenUnits],
        BatchSize = BatchSize,
        Alpha = 0.2,
        Threads = 1,
    };

    /// <summary>v2 with the same constants and a learned α that starts at v1's α.</summary>
    public SacOptions V2Options => Options with { Version = SacVersion.V2, LearnAlpha = true, InitialAlpha = Options.Alpha };

    public static WorkedExampleSetup Create(int seed)
    {
        if (seed < 0)
            throw new ArgumentOutOfRangeException(nameof(seed), seed, "The seed must be ≥ 0.");
        var options = V1Options;
        var rng = new Rng((ulong)seed);
        // The engine's initialization (π_φ, Q_θ1, Q_θ2, V_ψ in that order), then rounded.
        var agent = new SacV1<double>(ObservationSize, ActionSize, options, rng);
        foreach (var p in new[] { agent.Policy.Network.Parameters, agent.Critics.Parameters, agent.V.Parameters })
            foreach (ref double x in p.Values)
                x = Round(x);
        var initial = new HandNetworks(HandMlp.From(agent.Policy.Network), HandMlp.From(agent.Critics.Q1), HandMlp.From(agent.Critics.Q2),
            HandMlp.From(agent.V), HandMlp.From(agent.V));

        var s = Draw(rng, BatchSize, ObservationSize, r => r.Uniform(-1, 1));
        var a = Draw(rng, BatchSize, ActionSize, r => r.Uniform(-0.9, 0.9));
        var reward = HandSac.Column(Draw(rng, BatchSize, 1, r => r.Uniform(-1, 1)));
        var sNext = Draw(rng, BatchSize, ObservationSize, r => r.Uniform(-1, 1));
        // The second transition ended the episode by termination: its target does not bootstrap.
        var d = new double[] { 0, 1 };
        var noise = Draw(rng, BatchSize, ActionSize, r => r.Normal());
        var nextNoise = Draw(rng, BatchSize, ActionSize, r => r.Normal());
        return new WorkedExampleSetup(seed, options, initial, new HandBatch(s, a, reward, sNext, d, noise, nextNoise));
    }

    private static double Round(double x) => Math.Round(x, 2, MidpointRounding.ToEven);

    private static double[,] Draw(Rng rng, int rows, int cols, Func<Rng, double> draw)
    {
        var m = new double[rows, cols];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                m[r, c] = Round(draw(rng));
        return m;
    }

    /// <summary>A fresh engine SAC v1 agent holding exactly these parameters (V_ψ̄ equal to V_ψ).</summary>
    public SacV1<double> BuildV1()
    {
        var agent = new SacV1<double>(ObservationSize, ActionSize, Options, new Rng(0));
        CopyPolicyAndCritics(agent.Policy.Network, agent.Critics);
        Initial.V.CopyTo(agent.V);
        Initial.VTarget.CopyTo(agent.VTarget);
        return agent;
    }

    /// <summary>A fresh engine SAC v2 agent holding these parameters (targets equal to the critics, α learned from v1's α).</summary>
    public SacV2<double> BuildV2()
    {
        var agent = new SacV2<double>(ObservationSize, ActionSize, V2Options, new Rng(0));
        CopyPolicyAndCritics(agent.Policy.Network, agent.Critics);
        agent.CriticTargets.Parameters.CopyFrom(agent.Critics.Parameters);
        return agent;
    }

    /// <summary>
    /// Writes π_φ, Q_θ1 and Q_θ2 into an engine agent's networks: v1 and v2 start from the same three, and differ only in
    /// what else they hold (V_ψ and V_ψ̄; the target critics).
    /// </summary>
    private void CopyPolicyAndCritics(Mlp<double> policy, TwinCritics<double> critics)
    {
        Initial.Pi.CopyTo(policy);
        Initial.Q1.CopyTo(critics.Q1);
        Initial.Q2.CopyTo(critics.Q2);
    }

    /// <summary>The batch as the engine's <see cref="SacBatch{T}"/>, noise included.</summary>
    public SacBatch<double> BuildBatch()
    {
        var batch = new SacBatch<double>(BatchSize, ObservationSize, ActionSize);
        Fill(batch.Observations, Batch.S);
        Fill(batch.Actions, Batch.A);
        Fill(batch.Rewards, HandSac.AsColumn(Batch.R));
        Fill(batch.NextObservations, Batch.SNext);
        Fill(batch.Terminated, HandSac.AsColumn(Batch.D));
        Fill(batch.Noise, Batch.Noise);
        Fill(batch.NextNoise, Batch.NextNoise);
        return batch;
    }

    public static void Fill(Tensor<double> tensor, double[,] values)
    {
        for (int r = 0; r < tensor.Rows; r++)
            for (int c = 0; c < tensor.Cols; c++)
                tensor[r, c] = values[r, c];
    }

    public static Tensor<double> ToTensor(double[,] values, bool requiresGrad = false)
    {
        var t = new Tensor<double>(values.GetLength(0), values.GetLength(1), requiresGrad);
        Fill(t, values);
        return t;
    }

    public static double[,] ToArray(Tensor<double> t)
    {
        var m = new double[t.Rows, t.Cols];
        for (int r = 0; r < t.Rows; r++)
            for (int c = 0; c < t.Cols; c++)
                m[r, c] = t[r, c];
        return m;
    }

    public static double[,] GradToArray(Tensor<double> t)
    {
        var m = new double[t.Rows, t.Cols];
        var g = t.Grad;
        for (int r = 0; r < t.Rows; r++)
            for (int c = 0; c < t.Cols; c++)
                m[r, c] = g[r * t.Cols + c];
        return m;
    }
}
