using System.Numerics;
using Sac.Autodiff;
using Sac.Core.Networks;
using Sac.Core.Optimization;
using Sac.Core.Policies;

namespace Sac.Core.Algorithms;

/// <summary>SAC v1's entry in <see cref="AlgorithmRegistry"/>.</summary>
public sealed class SacV1Info() : AlgorithmInfo(SacVersion.V1, "v1", "SAC v1 (Haarnoja et al. 2018a, the seed): value network V_ψ and its Polyak target, fixed α",
    [SharedMetrics.CriticLoss, SharedMetrics.ActorLoss, ValueLoss, SharedMetrics.Alpha, SharedMetrics.LogProb, SharedMetrics.Q])
{
    /// <summary>J_V, the value network's loss (Sac's own key: SB3 has no SAC v1).</summary>
    public static readonly Metric ValueLoss = new("train/value_loss", MetricReduction.Sum);

    /// <inheritdoc/>
    public override Algorithm<T> Create<T>(int observationSize, int actionSize, SacOptions options, Rng rng) => new SacV1<T>(observationSize, actionSize, options, rng);

    /// <inheritdoc/>
    public override (double Trained, double Targets) Parameters(NetworkSizes sizes) => (sizes.Policy + 2 * sizes.Critic + sizes.Value, sizes.Value);
}

/// <summary>
/// Soft Actor-Critic v1 (Haarnoja et al. 2018a, Algorithm 1), the seed's algorithm, in its symbols: the value network
/// V_ψ regresses on E_a~π[Q(s, a) − α·log π(a|s)]; the twin critics Q_θ1, Q_θ2 regress on r + γ(1 − d)·V_ψ̄(s′) through
/// V_ψ's Polyak target V_ψ̄; the policy π_φ minimizes E[α·log π(a|s) − Q(s, a)]; α is fixed. J_V, J_Q and J_π are all
/// computed from the current parameters and stepped together (one backward through their sum: they touch disjoint
/// parameters), then ψ̄ ← τψ + (1 − τ)ψ̄. The update's machinery (shards, threads, the order gradients are summed) is
/// <see cref="UpdateRunner{T, TNets}"/>'s.
/// </summary>
public sealed class SacV1<T> : Algorithm<T>, ISquashedGaussianAgent<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The networks one shard trains through (over that shard's gradients).</summary>
    /// <param name="Policy">π_φ.</param>
    /// <param name="Q1">Q_θ1.</param>
    /// <param name="Q2">Q_θ2.</param>
    /// <param name="V">V_ψ.</param>
    public sealed record Nets(TanhGaussianPolicy<T> Policy, Mlp<T> Q1, Mlp<T> Q2, Mlp<T> V);

    private readonly T _alphaValue;

    /// <summary>Builds and initializes every network from <paramref name="rng"/> (PyTorch's nn.Linear initialization),
    /// in this order: π_φ, Q_θ1, Q_θ2, V_ψ. V_ψ̄ starts as a copy of V_ψ.</summary>
    public SacV1(int observationSize, int actionSize, SacOptions options, Rng rng) : base(observationSize, actionSize, options)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var hidden = options.HiddenSizes;

        // π_φ, the twin critics in one flat buffer, V_ψ and its target V_ψ̄.
        Policy = new TanhGaussianPolicy<T>(observationSize, actionSize, hidden, rng, options.LogStdMin, options.LogStdMax, options.LogStdBounding, options.JacobianEpsilon);
        Critics = new TwinCritics<T>(observationSize + actionSize, hidden, rng);
        V = new Mlp<T>("v", observationSize, hidden, 1, rng);
        VTarget = V.TargetCopy("v_target");
        _alphaValue = T.CreateChecked(options.Alpha);

        var actor = new ParameterSet<T>("actor", Policy.Network.Parameters, NewAdam(Policy.Network.Parameters, options.ActorLearningRate, "the policy π_φ"));
        var critic = new ParameterSet<T>("critic", Critics.Parameters, NewAdam(Critics.Parameters, options.CriticLearningRate, "the critics Q_θ1, Q_θ2"));
        var value = new ParameterSet<T>("value", V.Parameters, NewAdam(V.Parameters, options.ValueLearningRate, "the value network V_ψ"));
        ParameterSets = [actor, critic, value, new ParameterSet<T>("value_target", VTarget.Parameters, null)];
        ActorOptimizer = actor.Optimizer!;
        CriticOptimizer = critic.Optimizer!;
        ValueOptimizer = value.Optimizer!;

        Own = new Nets(Policy, Critics.Q1, Critics.Q2, V);
        Runner = new UpdateRunner<T, Nets>(options, Tape, ParameterSets, AlgorithmRegistry.For(SacVersion.V1).Metrics, Own,
            view =>
            {
                var (q1, q2) = Critics.Over(view(Critics.Parameters));
                return new Nets(Policy.Over(view(Policy.Network.Parameters)), q1, q2, V.Over(view(V.Parameters)));
            },
            [
                // One backward through J_V + J_Q + J_π: all three gradients exist before any step, so every one is
                // checked before any weight changes, and a NaN anywhere leaves all three networks untouched.
                Phase<T, Nets>.Sharded("J_V + J_Q + J_π", [value, critic, actor], Losses),
                Phase<T, Nets>.Serial("Polyak", step =>
                {
                    step.Metrics.Set(SharedMetrics.Alpha, double.CreateChecked(_alphaValue));
                    // CRUCIAL: the direction. The target moves toward the source (ψ̄ ← τψ + (1 − τ)ψ̄); ψ is never written.
                    Polyak.Update(VTarget.Parameters, V.Parameters, Options.Tau, Options.Threads);
                }),
            ]);
    }

    /// <summary>π_φ.</summary>
    public TanhGaussianPolicy<T> Policy { get; }

    /// <summary>Q_θ1 and Q_θ2 over θ = θ1 ‖ θ2.</summary>
    public override TwinCritics<T> Critics { get; }

    /// <summary>V_ψ.</summary>
    public Mlp<T> V { get; }

    /// <summary>V_ψ̄, the Polyak average of V_ψ.</summary>
    public Mlp<T> VTarget { get; }

    /// <summary>Adam for φ.</summary>
    public Adam<T> ActorOptimizer { get; }

    /// <summary>Adam for θ1, θ2.</summary>
    public Adam<T> CriticOptimizer { get; }

    /// <summary>Adam for ψ.</summary>
    public Adam<T> ValueOptimizer { get; }

    /// <summary>The fixed temperature α.</summary>
    public double Alpha => Options.Alpha;

    /// <summary>The networks the update's first shard trains through: this agent's own.</summary>
    public Nets Own { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<ParameterSet<T>> ParameterSets { get; }

    /// <inheritdoc/>
    public override Mlp<T> PolicyNetwork => Policy.Network;

    /// <inheritdoc/>
    public override Tensor<T> Act(Tape<T> tape, Tensor<T> observations, Tensor<T>? noise) =>
        noise is null ? Policy.DeterministicAction(tape, observations) : Policy.Sample(tape, observations, noise).Action;

    /// <summary>The update's one sharded phase: J_V + J_Q + J_π on the shard's rows.</summary>
    private Tensor<T> Losses(ShardPass<T, Nets> pass)
    {
        var (tape, n, rows) = (pass.Tape, pass.Networks, pass.Rows);
        var s = rows.Observations;
        var qHat = ValueBackup(tape, rows);
        var (action, logProb) = n.Policy.Sample(tape, s, rows.Noise);
        // CRUCIAL: the critics are used with detached parameters here, so J_π's gradient reaches φ through ã but never θ.
        var minQ = MinQ(tape, n, s, action, detachParameters: true);
        var valueLoss = ValueLoss(tape, n, s, minQ, logProb, _alphaValue, pass.InverseBatchSize);
        var criticLoss = CriticLoss(tape, n, rows, qHat, pass.InverseBatchSize);
        var actorLoss = PolicyLoss(tape, logProb, minQ, _alphaValue, pass.InverseBatchSize);
        pass.Record(SacV1Info.ValueLoss, valueLoss);
        pass.Record(SharedMetrics.CriticLoss, criticLoss);
        pass.Record(SharedMetrics.ActorLoss, actorLoss);
        pass.Record(SharedMetrics.LogProb, logProb);
        pass.Record(SharedMetrics.Q, minQ);
        return tape.Add(tape.Add(valueLoss, criticLoss), actorLoss);
    }

    // ---- the target and the losses, in the seed's notation ---------------------------------------------------------

    /// <summary>
    /// The backup Q̂(s, a) = r + γ(1 − d)·V_ψ̄(s′) (the seed's Q̂ with the expectation over s′ replaced by the sample).
    /// CRUCIAL: computed under no-grad (no gradient into the target V_ψ̄), and d is 1 only on termination: a time-limit
    /// truncation still bootstraps from V_ψ̄(s′).
    /// </summary>
    public Tensor<T> ValueBackup(Tape<T> tape, SacBatch<T> batch)
    {
        using var _ = tape.NoGrad();
        var nextValue = VTarget.Forward(tape, batch.NextObservations);
        return SoftLosses.Bootstrap(tape, batch, nextValue, Options.Gamma);
    }

    /// <summary>
    /// J_V(ψ) = E_{s~𝒟}[½(V_ψ(s) − (min_i Q_θi(s, ã) − α·log π_φ(ã|s)))²], ã ~ π_φ(·|s).
    /// The target in parentheses is detached: J_V moves ψ only.
    /// </summary>
    public static Tensor<T> ValueLoss(Tape<T> tape, Nets n, Tensor<T> s, Tensor<T> minQ, Tensor<T> logProb, T alpha, T invB)
    {
        Tensor<T> target;
        using (tape.NoGrad())
            target = tape.Sub(minQ, tape.Scale(logProb, alpha));
        return SoftLosses.HalfMeanSquaredError(tape, n.V.Forward(tape, s), target, invB);
    }

    /// <summary>
    /// J_Q(θ) = Σ_i E_{(s,a)~𝒟}[½(Q_θi(s, a) − Q̂(s, a))²] for the twin critics, Q̂ from <see cref="ValueBackup"/>.
    /// </summary>
    public static Tensor<T> CriticLoss(Tape<T> tape, Nets n, SacBatch<T> batch, Tensor<T> qHat, T invB) =>
        SoftLosses.TwinCriticLoss(tape, n.Q1, n.Q2, batch, qHat, invB);

    /// <summary>
    /// J_π(φ) = E_{s~𝒟}[α·log π_φ(ã|s) − min_i Q_θi(s, ã)] = α·KL(π ‖ exp(Q/α)/Z) − α·log Z, ã = tanh(μ + σ·ε).
    /// The gradient reaches φ through log π directly and through ã (the reparameterization) into Q.
    /// </summary>
    public static Tensor<T> PolicyLoss(Tape<T> tape, Tensor<T> logProb, Tensor<T> minQ, T alpha, T invB) =>
        SoftLosses.PolicyLoss(tape, logProb, minQ, alpha, invB);

    /// <summary>min(Q_θ1(s, a), Q_θ2(s, a)): the twin-critic minimum that counters overestimation.</summary>
    public static Tensor<T> MinQ(Tape<T> tape, Nets n, Tensor<T> s, Tensor<T> a, bool detachParameters) =>
        SoftLosses.MinQ(tape, n.Q1, n.Q2, s, a, detachParameters);
}
