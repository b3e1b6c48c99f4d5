using System.Numerics;
using Sac.Autodiff;
using Sac.Core.Networks;
using Sac.Core.Optimization;

namespace Sac.Core.Algorithms;

/// <summary>TD3's entry in <see cref="AlgorithmRegistry"/>.</summary>
public sealed class Td3Info() : AlgorithmInfo(SacVersion.Td3, "td3", "TD3 (Fujimoto et al. 2018): deterministic policy, twin critics, delayed policy updates, target policy smoothing", [SharedMetrics.CriticLoss, SharedMetrics.ActorLoss])
{
    // It logs what SB3's TD3 logs: the two losses (the actor's NaN on the updates without an actor step).

    /// <inheritdoc/>
    public override Algorithm<T> Create<T>(int observationSize, int actionSize, SacOptions options, Rng rng) => new Td3<T>(observationSize, actionSize, options, rng);

    /// <inheritdoc/>
    public override (double Trained, double Targets) Parameters(NetworkSizes sizes) => (sizes.DeterministicPolicy + 2 * sizes.Critic, sizes.DeterministicPolicy + 2 * sizes.Critic);
}

/// <summary>
/// Twin Delayed DDPG (Fujimoto, van Hoof and Meger 2018, "Addressing Function Approximation Error in Actor-Critic
/// Methods", Algorithm 1), as their reference code and CleanRL's td3_continuous_action.py run it. A deterministic policy
/// μ_φ(s) = tanh(f_φ(s)) and twin critics Q_θ1, Q_θ2, each with a Polyak target. Every update the critics regress on
/// y = r + γ(1 − d)·min_i Q_θ̄i(s′, ã′), with the target action smoothed: ã′ = clip(μ_φ̄(s′) + clip(σ̃·ε′, −c, c), −1, 1).
/// Every <see cref="SacOptions.PolicyDelay"/>-th update the policy ascends Q_θ1(s, μ_φ(s)), then both targets move:
/// θ̄ ← τθ + (1 − τ)θ̄, φ̄ ← τφ + (1 − τ)φ̄. It explores with μ_φ(s) + 𝒩(0, σ²), clipped to the bounds.
/// Actions are in the policy's [−1, 1] space, so every noise scale here is in units of the action's half-range, as the
/// reference scales them by the action bound. The update's machinery is <see cref="UpdateRunner{T, TNets}"/>'s.
/// </summary>
public sealed class Td3<T> : Algorithm<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The networks one shard trains through (over that shard's gradients).</summary>
    /// <param name="Actor">f_φ (μ_φ = tanh f_φ).</param>
    /// <param name="Q1">Q_θ1.</param>
    /// <param name="Q2">Q_θ2.</param>
    public sealed record Nets(Mlp<T> Actor, Mlp<T> Q1, Mlp<T> Q2);

    private readonly T _targetNoise, _noiseClip, _explorationNoise;

    /// <summary>Builds and initializes every network from <paramref name="rng"/> (PyTorch's nn.Linear initialization),
    /// in this order: the actor, Q_θ1, Q_θ2. The targets start as copies.</summary>
    public Td3(int observationSize, int actionSize, SacOptions options, Rng rng) : base(observationSize, actionSize, options)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var hidden = options.HiddenSizes;

        // μ_φ and its target μ_φ̄; the twin critics in one flat buffer and their targets.
        Actor = new Mlp<T>("pi", observationSize, hidden, actionSize, rng);
        ActorTarget = Actor.TargetCopy("pi_target");
        Critics = new TwinCritics<T>(observationSize + actionSize, hidden, rng);
        CriticTargets = Critics.TargetCopy();
        (_targetNoise, _noiseClip, _explorationNoise) = (T.CreateChecked(options.TargetPolicyNoise), T.CreateChecked(options.TargetNoiseClip), T.CreateChecked(options.ExplorationNoise));

        var actor = new ParameterSet<T>("actor", Actor.Parameters, NewAdam(Actor.Parameters, options.ActorLearningRate, "the policy μ_φ"));
        var critic = new ParameterSet<T>("critic", Critics.Parameters, NewAdam(Critics.Parameters, options.CriticLearningRate, "the critics Q_θ1, Q_θ2"));
        ParameterSets = [actor, critic, new ParameterSet<T>("actor_target", ActorTarget.Parameters, null), new ParameterSet<T>("critic_target", CriticTargets.Parameters, null)];

        // The policy and the targets move on every PolicyDelay-th update (counting from 1), as in the reference.
        bool Delayed(long update) => (update + 1) % options.PolicyDelay == 0;
        Own = new Nets(Actor, Critics.Q1, Critics.Q2);
        Runner = new UpdateRunner<T, Nets>(options, Tape, ParameterSets, AlgorithmRegistry.For(SacVersion.Td3).Metrics, Own,
            view =>
            {
                var (q1, q2) = Critics.Over(view(Critics.Parameters));
                return new Nets(Actor.Over(view(Actor.Parameters)), q1, q2);
            },
            [
                Phase<T, Nets>.Sharded("critic", [critic], CriticPhase),
                Phase<T, Nets>.Sharded("actor", [actor], ActorPhase, runsAt: Delayed),
                Phase<T, Nets>.Serial("Polyak", _ => TargetStep(), runsAt: Delayed),
            ]);
    }

    /// <summary>f_φ: s → pre-tanh action (μ_φ(s) = tanh f_φ(s)).</summary>
    public Mlp<T> Actor { get; }

    /// <summary>f_φ̄, the actor's Polyak target.</summary>
    public Mlp<T> ActorTarget { get; }

    /// <summary>Q_θ1 and Q_θ2 over θ = θ1 ‖ θ2.</summary>
    public override TwinCritics<T> Critics { get; }

    /// <summary>Q_θ̄1 and Q_θ̄2 over θ̄, the critics' Polyak targets.</summary>
    public TwinCritics<T> CriticTargets { get; }

    /// <summary>The networks the update's first shard trains through: this agent's own.</summary>
    public Nets Own { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<ParameterSet<T>> ParameterSets { get; }

    /// <inheritdoc/>
    public override Mlp<T> PolicyNetwork => Actor;

    /// <summary>μ_φ(s) when <paramref name="noise"/> is null; else clip(μ_φ(s) + σ·ε, −1, 1), σ = <see cref="SacOptions.ExplorationNoise"/>.</summary>
    public override Tensor<T> Act(Tape<T> tape, Tensor<T> observations, Tensor<T>? noise)
    {
        var mu = Policy(tape, Actor, observations);
        return noise is null ? mu : tape.Clamp(tape.Add(mu, tape.Scale(noise, _explorationNoise)), -T.One, T.One);
    }

    // ---- the update, in order ------------------------------------------------------------------------------------

    /// <summary>Critic step, every update.</summary>
    private Tensor<T> CriticPhase(ShardPass<T, Nets> pass)
    {
        var y = Target(pass.Tape, pass.Rows);
        var loss = CriticLoss(pass.Tape, pass.Networks, pass.Rows, y, pass.InverseBatchSize);
        pass.Record(SharedMetrics.CriticLoss, loss);
        return loss;
    }

    /// <summary>Actor step, every <see cref="SacOptions.PolicyDelay"/>-th update, against the critics after their step.</summary>
    private Tensor<T> ActorPhase(ShardPass<T, Nets> pass)
    {
        var loss = PolicyLoss(pass.Tape, pass.Networks, pass.Rows.Observations, pass.InverseBatchSize);
        pass.Record(SharedMetrics.ActorLoss, loss);
        return loss;
    }

    /// <summary>CRUCIAL: the direction. θ̄ ← τθ + (1 − τ)θ̄ and φ̄ ← τφ + (1 − τ)φ̄; θ and φ are never written.</summary>
    private void TargetStep()
    {
        Polyak.Update(CriticTargets.Parameters, Critics.Parameters, Options.Tau, Options.Threads);
        Polyak.Update(ActorTarget.Parameters, Actor.Parameters, Options.Tau, Options.Threads);
    }

    // ---- the target and the losses ---------------------------------------------------------------------------------

    /// <summary>μ(s) = tanh f(s), in [−1, 1].</summary>
    public static Tensor<T> Policy(Tape<T> tape, Mlp<T> actor, Tensor<T> observations) => tape.Tanh(actor.Forward(tape, observations));

    /// <summary>
    /// y = r + γ(1 − d)·min_i Q_θ̄i(s′, ã′), ã′ = clip(μ_φ̄(s′) + clip(σ̃·ε′, −c, c), −1, 1) with the batch's ε′ (target
    /// policy smoothing: σ̃ = <see cref="SacOptions.TargetPolicyNoise"/>, c = <see cref="SacOptions.TargetNoiseClip"/>).
    /// CRUCIAL: computed under no-grad (no gradient into a target), and d is 1 only on termination.
    /// </summary>
    public Tensor<T> Target(Tape<T> tape, SacBatch<T> batch)
    {
        using var _ = tape.NoGrad();
        var sNext = batch.NextObservations;
        var smoothing = tape.Clamp(tape.Scale(batch.NextNoise, _targetNoise), -_noiseClip, _noiseClip);
        var nextAction = tape.Clamp(tape.Add(Policy(tape, ActorTarget, sNext), smoothing), -T.One, T.One);
        var sa = tape.ConcatColumns(sNext, nextAction);
        var minTargetQ = tape.Min(CriticTargets.Q1.Forward(tape, sa), CriticTargets.Q2.Forward(tape, sa));
        return SoftLosses.Bootstrap(tape, batch, minTargetQ, Options.Gamma);
    }

    /// <summary>J_Q(θ) = Σ_i E_{(s,a)~𝒟}[(Q_θi(s, a) − y)²], the reference's sum of the two critics' mean squared errors.</summary>
    public static Tensor<T> CriticLoss(Tape<T> tape, Nets n, SacBatch<T> batch, Tensor<T> y, T invB)
    {
        var sa = tape.ConcatColumns(batch.Observations, batch.Actions);
        var first = n.Q1.Forward(tape, sa);
        var second = n.Q2.Forward(tape, sa);
        return tape.Add(MeanSquaredError(tape, first, y, invB), MeanSquaredError(tape, second, y, invB));
    }

    /// <summary>
    /// J_π(φ) = −E_{s~𝒟}[Q_θ1(s, μ_φ(s))] (the deterministic policy gradient through Q_θ1 alone, as the reference).
    /// CRUCIAL: the critic's parameters are detached: the gradient reaches φ through the action only.
    /// </summary>
    public static Tensor<T> PolicyLoss(Tape<T> tape, Nets n, Tensor<T> s, T invB)
    {
        var sa = tape.ConcatColumns(s, Policy(tape, n.Actor, s));
        return tape.Scale(tape.Sum(n.Q1.Forward(tape, sa, detachParameters: true)), -invB);
    }

    /// <summary>Σ_b (prediction − target)²·(1/B).</summary>
    private static Tensor<T> MeanSquaredError(Tape<T> tape, Tensor<T> prediction, Tensor<T> target, T invB) =>
        tape.Scale(tape.Sum(tape.Square(tape.Sub(prediction, target))), invB);
}
