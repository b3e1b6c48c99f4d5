using Sac.Core;
using Sac.Core.Algorithms;

namespace Sac.Benchmarks;

/// <summary>The two update configurations benchmarked against PyTorch (bench/pytorch/sac_update.py uses the same).</summary>
public enum UpdateConfig
{
    /// <summary>obs 3, act 1, hidden 64×2, batch 256 (Pendulum-sized).</summary>
    Small,
    /// <summary>obs 17, act 6, hidden 256×2, batch 256 (the paper's HalfCheetah shapes).</summary>
    Large,
}

/// <summary>Builds an agent and a fixed random batch for a configuration, and counts the update's FLOPs.</summary>
public static class SacUpdateSetup
{
    /// <summary>(obs, act, hidden, batch) of a configuration.</summary>
    public static (int Obs, int Act, int Hidden, int Batch) Shape(UpdateConfig config) =>
        config == UpdateConfig.Small ? (3, 1, 64, 256) : (17, 6, 256, 256);

    /// <summary>An agent (seeded) and a batch of random transitions (5 % terminal), as in the PyTorch script.</summary>
    public static (Algorithm<float> Agent, SacBatch<float> Batch, Rng Noise) Create(UpdateConfig config, SacVersion version, int threads)
    {
        var (obs, act, hidden, batch) = Shape(config);
        var rng = new Rng(0);
        var agent = AlgorithmRegistry.Create<float>(obs, act, new SacOptions { Version = version, HiddenSizes = [hidden, hidden], Threads = threads, BatchSize = batch }, rng);
        var b = new SacBatch<float>(batch, obs, act);
        foreach (ref float v in b.Observations.Span) v = (float)rng.Normal();
        foreach (ref float v in b.NextObservations.Span) v = (float)rng.Normal();
        foreach (ref float v in b.Rewards.Span) v = (float)rng.Normal();
        foreach (ref float v in b.Actions.Span) v = (float)rng.Uniform(-1, 1);
        foreach (ref float v in b.Terminated.Span) v = rng.NextDouble() < 0.05 ? 1f : 0f;
        return (agent, b, rng);
    }

    /// <summary>
    /// The matrix-product FLOPs of one update (2 per multiply-add; elementwise work is not counted). For an MLP with layer
    /// widths n₀ → … → n_L at batch B, a forward pass is F = 2B·Σ nᵢnᵢ₊₁ and F₁ its first layer. Backward costs F for the
    /// weight gradients (if the network is trained) plus F for the input gradients (F − F₁ when the input needs none).
    /// <code>
    /// v2 (Sac's update): target  π(s′) F_π + 2 Q̄ F_Q ;  critic  2 Q fwd 2F_Q + dW 2F_Q + dX 2(F_Q − F_Q1) ;
    ///                    actor   π fwd F_π + 2 Q fwd 2F_Q + Q dX only 2F_Q + π dW F_π + π dX (F_π − F_π1)
    ///                    total   4F_π − F_π1 + 12F_Q − 2F_Q1
    /// v1 (Sac's update): V̄(s′) F_V ; π fwd F_π ; 2 Q(s, ã) 2F_Q ; V fwd F_V ; 2 Q(s, a) 2F_Q ;
    ///                    backward V F_V + (F_V − F_V1), Q (J_Q) 2F_Q + 2(F_Q − F_Q1), Q dX (J_π) 2F_Q, π F_π + (F_π − F_π1)
    ///                    total   4F_V − F_V1 + 3F_π − F_π1 + 10F_Q − 2F_Q1
    /// </code>
    /// Large v2: F_Q = 36.7 M, F_π = 37.4 M → 0.58 GFLOP per update.
    /// </summary>
    public static double Flops(UpdateConfig config, SacVersion version)
    {
        var (obs, act, h, b) = Shape(config);
        double F(int i, int o) => 2.0 * b * (i * h + h * h + h * o);
        double F1(int i) => 2.0 * b * i * h;
        double fq = F(obs + act, 1), fq1 = F1(obs + act);
        double fpi = F(obs, 2 * act), fpi1 = F1(obs);
        double fv = F(obs, 1), fv1 = F1(obs);
        return version == SacVersion.V2
            ? 4 * fpi - fpi1 + 12 * fq - 2 * fq1
            : 4 * fv - fv1 + 3 * fpi - fpi1 + 10 * fq - 2 * fq1;
    }
}
