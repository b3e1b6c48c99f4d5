using Sac.Autodiff;
using Sac.Core;
using Sac.Core.Algorithms;

namespace Sac.Walkthrough.GradChecks;

/// <summary>One SAC loss, as a function of the parameters it trains, ready to check against central differences.</summary>
/// <param name="Name">The loss in the paper's symbols, e.g. "J_Q(θ) v2".</param>
/// <param name="Run">Builds a fresh tiny agent and batch from the seed and gradient-checks the loss on them.</param>
public sealed record SacLossCheck(string Name, Func<int, GradCheckResult> Run)
{
    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>
/// The SAC losses checked against float64 central differences (torch's tolerances): J_V(ψ), J_Q(θ) and J_π(φ) for v1,
/// J_Q(θ), J_π(φ) and J(α) for v2, each with respect to the parameters it trains and nothing else. The one list both
/// `sac gradcheck` and the tests run.
/// </summary>
public static class SacLossChecks
{
    /// <summary>α used by the v1 checks (fixed) and as v2's initial α.</summary>
    private const double V1Alpha = 0.2, V2Alpha = 0.5;

    /// <summary>
    /// A tiny float64 agent (obs 3, act 2, hidden 8×8, α₀ = 0.5) and a batch of 5 transitions with one terminal and its
    /// reparameterization noise drawn: small enough that a central difference over every parameter takes milliseconds.
    /// </summary>
    public static (Algorithm<double> Agent, SacBatch<double> Batch) TinyAgent(SacVersion version, int seed)
    {
        var rng = new Rng((ulong)seed);
        var agent = AlgorithmRegistry.Create<double>(3, 2, new SacOptions { Version = version, HiddenSizes = [8, 8], InitialAlpha = V2Alpha }, rng.Fork());
        var batch = new SacBatch<double>(5, 3, 2);
        foreach (var t in new[] { batch.Observations, batch.NextObservations, batch.Rewards })
            foreach (ref var v in t.Span) v = rng.Normal();
        foreach (ref var v in batch.Actions.Span) v = rng.Uniform(-0.95, 0.95);
        batch.Terminated.Span[1] = 1;
        batch.DrawNoise(rng);
        return (agent, batch);
    }

    private static (SacV1<double> Agent, SacBatch<double> Batch) TinyV1(int seed)
    {
        var (agent, batch) = TinyAgent(SacVersion.V1, seed);
        return ((SacV1<double>)agent, batch);
    }

    private static (SacV2<double> Agent, SacBatch<double> Batch) TinyV2(int seed)
    {
        var (agent, batch) = TinyAgent(SacVersion.V2, seed);
        return ((SacV2<double>)agent, batch);
    }

    /// <summary>1/B of the tiny batch.</summary>
    private const double InvB = 1.0 / 5;

    /// <summary>Every check, in the order of the paper's losses.</summary>
    public static IReadOnlyList<SacLossCheck> All { get; } =
    [
        new("J_V(ψ) v1", seed =>
        {
            var (agent, batch) = TinyV1(seed);
            return GradCheck.Run(tape =>
            {
                var (action, logProb) = agent.Policy.Sample(tape, batch.Observations, batch.Noise);
                var minQ = SacV1<double>.MinQ(tape, agent.Own, batch.Observations, action, detachParameters: true);
                return SacV1<double>.ValueLoss(tape, agent.Own, batch.Observations, minQ, logProb, V1Alpha, InvB);
            }, agent.V.Parameters.Tensors.ToArray());
        }),
        new("J_Q(θ) v1", seed =>
        {
            var (agent, batch) = TinyV1(seed);
            return GradCheck.Run(tape => SacV1<double>.CriticLoss(tape, agent.Own, batch, agent.ValueBackup(tape, batch), InvB), agent.Critics.Parameters.Tensors.ToArray());
        }),
        new("J_π(φ) v1", seed => PolicyLoss(SacVersion.V1, seed, V1Alpha)),
        new("J_Q(θ) v2", seed =>
        {
            var (agent, batch) = TinyV2(seed);
            return GradCheck.Run(tape => SacV2<double>.CriticLoss(tape, agent.Own, batch, agent.SoftQBackup(tape, agent.Own, batch, V2Alpha), InvB), agent.Critics.Parameters.Tensors.ToArray());
        }),
        new("J_π(φ) v2", seed => PolicyLoss(SacVersion.V2, seed, V2Alpha)),
        new("J(α) v2", seed =>
        {
            var (agent, batch) = TinyV2(seed);
            return GradCheck.Run(tape => agent.TemperatureLoss(tape, agent.Policy.Sample(tape, batch.Observations, batch.Noise).LogProb),
                agent.Temperature!.Tensors.ToArray());
        }),
    ];

    /// <summary>J_π(φ): the gradient flows through log π and, via the reparameterized ã, through Q (whose parameters are detached).</summary>
    private static GradCheckResult PolicyLoss(SacVersion version, int seed, double alpha)
    {
        var (agent, batch) = TinyAgent(version, seed);
        // v1 and v2 share J_π: the policy and the critics are what differ between the two agents.
        var (policy, q1, q2) = agent switch
        {
            SacV1<double> v1 => (v1.Policy, v1.Critics.Q1, v1.Critics.Q2),
            SacV2<double> v2 => (v2.Policy, v2.Critics.Q1, v2.Critics.Q2),
            _ => throw new ArgumentOutOfRangeException(nameof(version)),
        };
        return GradCheck.Run(tape =>
        {
            var (action, logProb) = policy.Sample(tape, batch.Observations, batch.Noise);
            var minQ = SoftLosses.MinQ(tape, q1, q2, batch.Observations, action, detachParameters: true);
            return SoftLosses.PolicyLoss(tape, logProb, minQ, alpha, InvB);
        }, policy.Network.Parameters.Tensors.ToArray());
    }
}
