using System.Numerics;
using Sac.Autodiff;
using Sac.Core.Networks;
using Sac.Core.Optimization;
using Sac.Core.Policies;

namespace Sac.Core.Algorithms;

/// <summary>SAC v2's entry in <see cref="AlgorithmRegistry"/>.</summary>
public sealed class SacV2Info() : AlgorithmInfo(SacVersion.V2, "v2", "SAC v2 (Haarnoja et al. 2018b): twin target Qs, learned α",
    [SharedMetrics.CriticLoss, SharedMetrics.ActorLoss, SharedMetrics.Alpha, AlphaLoss, SharedMetrics.LogProb, SharedMetrics.Q])
{
    /// <summary>The learned temperature's loss (SB3's key; NaN when α is fixed).</summary>
    public static readonly Metric AlphaLoss = new("train/ent_coef_loss", MetricReduction.Sum);

    /// <inheritdoc/>
    public override Algorithm<T> Create<T>(int observationSize, int actionSize, SacOptions options, Rng rng) => new SacV2<T>(observationSize, actionSize, options, rng);

    /// <inheritdoc/>
    public override (double Trained, double Targets) Parameters(NetworkSizes sizes) => (sizes.Policy + 2 * sizes.Critic, 2 * sizes.Critic);
}

/// <summary>
/// Soft Actor-Critic v2 (Haarnoja et al. 2018b, "Soft Actor-Critic Algorithms and Applications"), in the seed's symbols
/// and in the order Stable-Baselines3 and CleanRL update: the twin critics Q_θ1, Q_θ2 regress on a soft backup through
/// their Polyak targets Q_θ̄1, Q_θ̄2; then the policy π_φ steps against the updated critics; then the temperature α
/// steps toward the target entropy H̄ (when learned); then θ̄ ← τθ + (1 − τ)θ̄. α is the value at the start of the
/// update. The update's machinery (shards, threads, the order gradients are summed) is <see cref="UpdateRunner{T, TNets}"/>'s.
/// </summary>
public sealed class SacV2<T> : Algorithm<T>, ISquashedGaussianAgent<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The networks one shard trains through: the policy and the twin critics (over that shard's gradients).</summary>
    /// <param name="Policy">π_φ.</param>
    /// <param name="Q1">Q_θ1.</param>
    /// <param name="Q2">Q_θ2.</param>
    public sealed record Nets(TanhGaussianPolicy<T> Policy, Mlp<T> Q1, Mlp<T> Q2);

    private readonly Tensor<T>? _logAlpha;
    private readonly ParameterSet<T>? _temperature;
    private readonly Tensor<T> _meanGap = new(1, 1);
    private T _alphaNow;

    /// <summary>Builds and initializes every network from <paramref name="rng"/> (PyTorch's nn.Linear initialization),
    /// in this order: π_φ, Q_θ1, Q_θ2. The targets start as copies of the critics.</summary>
    public SacV2(int observationSize, int actionSize, SacOptions options, Rng rng) : base(observationSize, actionSize, options)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var hidden = options.HiddenSizes;

        // π_φ, and the twin critics in one flat buffer (one Adam pass and one Polyak pass cover both).
        Policy = new TanhGaussianPolicy<T>(observationSize, actionSize, hidden, rng, options.LogStdMin, options.LogStdMax, options.LogStdBounding, options.JacobianEpsilon);
        Critics = new TwinCritics<T>(observationSize + actionSize, hidden, rng);
        // The targets θ̄1, θ̄2.
        CriticTargets = Critics.TargetCopy();
        // log α, when learned.
        if (options.LearnAlpha)
        {
            Temperature = new FlatParameters<T>([("log_alpha", 1, 1)]);
            _logAlpha = Temperature.Tensors[0];
            _logAlpha.Span[0] = T.CreateChecked(Math.Log(options.InitialAlpha));
        }
        TargetEntropy = options.TargetEntropy ?? -actionSize;

        var actor = new ParameterSet<T>("actor", Policy.Network.Parameters, NewAdam(Policy.Network.Parameters, options.ActorLearningRate, "the policy π_φ"));
        var critic = new ParameterSet<T>("critic", Critics.Parameters, NewAdam(Critics.Parameters, options.CriticLearningRate, "the critics Q_θ1, Q_θ2"));
        var target = new ParameterSet<T>("critic_target", CriticTargets.Parameters, null);
        var temperature = _temperature = Temperature is null ? null : new ParameterSet<T>("log_alpha", Temperature, NewAdam(Temperature, options.AlphaLearningRate, "the temperature log α"));
        ParameterSets = temperature is null ? [actor, critic, target] : [actor, critic, target, temperature];
        ActorOptimizer = actor.Optimizer!;
        CriticOptimizer = critic.Optimizer!;

        Own = new Nets(Policy, Critics.Q1, Critics.Q2);
        Runner = new UpdateRunner<T, Nets>(options, Tape, ParameterSets, AlgorithmRegistry.For(SacVersion.V2).Metrics, Own,
            view =>
            {
                var (q1, q2) = Critics.Over(view(Critics.Parameters));
                return new Nets(Policy.Over(view(Policy.Network.Parameters)), q1, q2);
            },
            [
                Phase<T, Nets>.Serial("α now", StartUpdate),
                Phase<T, Nets>.Sharded("critic", [critic], CriticPhase),
                .. ActorAndTemperature(actor, temperature is not null),
                Phase<T, Nets>.Serial("Polyak", _ => TargetStep()),
            ]);
    }

    /// <summary>
    /// The actor step and (learned α) the temperature step after it: once per update (the paper, SB3), or with
    /// <see cref="SacOptions.PolicyFrequency"/> d &gt; 1 d times in a row on every d-th update (CleanRL), the k-th actor
    /// step with the batch's k-th ε and each against α as the step before left it.
    /// </summary>
    private IEnumerable<Phase<T, Nets>> ActorAndTemperature(ParameterSet<T> actor, bool learnAlpha)
    {
        int d = Options.PolicyFrequency;
        Func<long, bool>? due = d == 1 ? null : update => (update + 1) % d == 0;
        for (int k = 0; k < d; k++)
        {
            int step = k;
            yield return Phase<T, Nets>.Sharded(d == 1 ? "actor" : $"actor {k + 1} of {d}", [actor], pass => ActorPhase(pass, step), due);
            if (learnAlpha)
                yield return Phase<T, Nets>.Serial(d == 1 ? "temperature" : $"temperature {k + 1} of {d}", s => TemperatureStep(s, step), due);
        }
    }

    /// <inheritdoc/>
    /// <remarks>The k-th of d actor steps (k ≥ 1) takes <see cref="SacBatch{T}.ExtraNoise"/>[k − 1]; a fresh sample for
    /// the temperature's k-th step takes [d − 1 + k].</remarks>
    public override int ExtraNoiseSets =>
        Options.PolicyFrequency - 1 + (Options.LearnAlpha && Options.TemperatureSample == TemperatureSample.Fresh ? Options.PolicyFrequency : 0);

    /// <summary>π_φ.</summary>
    public TanhGaussianPolicy<T> Policy { get; }

    /// <summary>Q_θ1 and Q_θ2 over θ = θ1 ‖ θ2.</summary>
    public override TwinCritics<T> Critics { get; }

    /// <summary>Q_θ̄1 and Q_θ̄2 over θ̄, the critics' Polyak targets.</summary>
    public TwinCritics<T> CriticTargets { get; }

    /// <summary>log α as a 1×1 parameter (learned α only).</summary>
    public FlatParameters<T>? Temperature { get; }

    /// <summary>Adam for φ.</summary>
    public Adam<T> ActorOptimizer { get; }

    /// <summary>Adam for θ1, θ2.</summary>
    public Adam<T> CriticOptimizer { get; }

    /// <summary>Adam for log α (learned α only).</summary>
    public Adam<T>? AlphaOptimizer => _temperature?.Optimizer;

    /// <summary>H̄, the entropy the learned α steers toward.</summary>
    public double TargetEntropy { get; }

    /// <summary>The temperature α: exp(log α) when learned, else the fixed <see cref="SacOptions.Alpha"/>.</summary>
    public double Alpha => _logAlpha is null ? Options.Alpha : Math.Exp(double.CreateChecked(_logAlpha.Span[0]));

    /// <summary>The networks the update's first shard trains through: this agent's own.</summary>
    public Nets Own { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<ParameterSet<T>> ParameterSets { get; }

    /// <inheritdoc/>
    public override Mlp<T> PolicyNetwork => Policy.Network;

    /// <inheritdoc/>
    public override Tensor<T> Act(Tape<T> tape, Tensor<T> observations, Tensor<T>? noise) =>
        noise is null ? Policy.DeterministicAction(tape, observations) : Policy.Sample(tape, observations, noise).Action;

    // ---- the update, in order ------------------------------------------------------------------------------------

    private void StartUpdate(UpdateStep<T> step)
    {
        _alphaNow = T.CreateChecked(Alpha);
        step.Metrics.Set(SharedMetrics.Alpha, double.CreateChecked(_alphaNow));
    }

    /// <summary>Critic step: J_Q against the soft backup.</summary>
    private Tensor<T> CriticPhase(ShardPass<T, Nets> pass)
    {
        var qHat = SoftQBackup(pass.Tape, pass.Networks, pass.Rows, _alphaNow);
        var loss = CriticLoss(pass.Tape, pass.Networks, pass.Rows, qHat, pass.InverseBatchSize);
        pass.Record(SharedMetrics.CriticLoss, loss);
        return loss;
    }

    /// <summary>Actor step (the <paramref name="k"/>-th of the update's): J_π against the critics as they are after their step.</summary>
    private Tensor<T> ActorPhase(ShardPass<T, Nets> pass, int k)
    {
        var (tape, n, s) = (pass.Tape, pass.Networks, pass.Rows.Observations);
        var (action, logProb) = n.Policy.Sample(tape, s, k == 0 ? pass.Rows.Noise : pass.Rows.ExtraNoise[k - 1]);
        // CRUCIAL: the critics are used with detached parameters, so J_π's gradient reaches φ through ã but never θ.
        var minQ = MinQ(tape, n, s, action, detachParameters: true);
        var loss = PolicyLoss(tape, logProb, minQ, _alphaNow, pass.InverseBatchSize);
        pass.Record(SharedMetrics.ActorLoss, loss);
        pass.Record(SharedMetrics.LogProb, logProb);
        pass.Record(SharedMetrics.Q, minQ);
        return loss;
    }

    /// <summary>
    /// Temperature step (the <paramref name="k"/>-th of the update's), from the actor step's log π or, with
    /// <see cref="TemperatureSample.Fresh"/>, from a fresh sample of the stepped policy (detached: only the batch mean
    /// enters). The actor's next step, if any, uses the α this step leaves.
    /// </summary>
    private void TemperatureStep(UpdateStep<T> step, int k)
    {
        Temperature!.ZeroGrad();
        double sumLogProb;
        if (Options.TemperatureSample == TemperatureSample.ActorStep)
            sumLogProb = step.Sum(SharedMetrics.LogProb);
        else
        {
            using var _ = step.Tape.NoGrad();
            var fresh = Policy.Sample(step.Tape, step.Batch.Observations, step.Batch.ExtraNoise[Options.PolicyFrequency - 1 + k]).LogProb.Span;
            sumLogProb = 0;
            foreach (T logProb in fresh)
                sumLogProb += double.CreateChecked(logProb);
        }
        _meanGap.Span[0] = T.CreateChecked((sumLogProb + step.BatchSize * TargetEntropy) / step.BatchSize);
        var loss = TemperatureLossOfMeanGap(step.Tape, _meanGap);
        step.Tape.Backward(loss);
        _temperature!.Optimizer!.Apply();
        step.Metrics.Set(SacV2Info.AlphaLoss, double.CreateChecked(loss.Span[0]));
        if (Options.PolicyFrequency > 1)
            _alphaNow = T.CreateChecked(Alpha);
    }

    /// <summary>CRUCIAL: the direction. θ̄ ← τθ + (1 − τ)θ̄; θ is never written.</summary>
    private void TargetStep() => Polyak.Update(CriticTargets.Parameters, Critics.Parameters, Options.Tau, Options.Threads);

    // ---- the target and the losses, in the seed's notation ---------------------------------------------------------
    // Each mean over the batch is written Σ_b(…)·(1/B): an update computes it shard by shard, each shard's sum scaled by
    // the whole batch's 1/B, and the shards' losses and gradients add up to the batch's.

    /// <summary>
    /// The soft backup Q̂(s, a) = r + γ(1 − d)·(min_i Q_θ̄i(s′, a′) − α·log π(a′|s′)), a′ ~ π_φ(·|s′) with the batch's ε′.
    /// CRUCIAL: computed under no-grad: no gradient may flow into a target network or a target value.
    /// </summary>
    public Tensor<T> SoftQBackup(Tape<T> tape, Nets n, SacBatch<T> batch, T alpha)
    {
        using var _ = tape.NoGrad();
        var sNext = batch.NextObservations;
        var (nextAction, nextLogProb) = n.Policy.Sample(tape, sNext, batch.NextNoise);
        var sa = tape.ConcatColumns(sNext, nextAction);
        var minTargetQ = tape.Min(CriticTargets.Q1.Forward(tape, sa), CriticTargets.Q2.Forward(tape, sa));
        var softValue = tape.Sub(minTargetQ, tape.Scale(nextLogProb, alpha));
        return SoftLosses.Bootstrap(tape, batch, softValue, Options.Gamma);
    }

    /// <summary>
    /// J_Q(θ) = Σ_i E_{(s,a)~𝒟}[½(Q_θi(s, a) − Q̂(s, a))²] for the twin critics, Q̂ from <see cref="SoftQBackup"/>.
    /// </summary>
    public static Tensor<T> CriticLoss(Tape<T> tape, Nets n, SacBatch<T> batch, Tensor<T> qHat, T invB) =>
        SoftLosses.TwinCriticLoss(tape, n.Q1, n.Q2, batch, qHat, invB);

    /// <summary>
    /// J_π(φ) = E_{s~𝒟}[α·log π_φ(ã|s) − min_i Q_θi(s, ã)] = α·KL(π ‖ exp(Q/α)/Z) − α·log Z, ã = tanh(μ + σ·ε).
    /// The gradient reaches φ through log π directly and through ã (the reparameterization) into Q.
    /// </summary>
    public static Tensor<T> PolicyLoss(Tape<T> tape, Tensor<T> logProb, Tensor<T> minQ, T alpha, T invB) =>
        SoftLosses.PolicyLoss(tape, logProb, minQ, alpha, invB);

    /// <summary>
    /// The temperature loss J(α) = −E[log α·(log π(ã|s) + H̄)] (SB3's form, on log α), log π detached: α grows when the
    /// policy's entropy −log π falls below the target H̄ and shrinks when it exceeds it.
    /// </summary>
    public Tensor<T> TemperatureLoss(Tape<T> tape, Tensor<T> logProb)
    {
        Tensor<T> meanGap;
        using (tape.NoGrad())
            meanGap = tape.Mean(tape.AddScalar(logProb, T.CreateChecked(TargetEntropy)));
        return TemperatureLossOfMeanGap(tape, meanGap);
    }

    /// <summary>−log α·g (SB3), or −α·g with α = exp(log α) (CleanRL), for the batch mean g = mean(log π + H̄) (a constant).</summary>
    private Tensor<T> TemperatureLossOfMeanGap(Tape<T> tape, Tensor<T> meanGap)
    {
        if (_logAlpha is null)
            throw new InvalidOperationException("This agent's α is fixed (LearnAlpha = false): it has no temperature loss.");
        return Options.TemperatureLoss == Algorithms.TemperatureLoss.LogAlpha
            ? tape.Neg(tape.Mul(_logAlpha, meanGap))
            : tape.Neg(tape.Mul(tape.Exp(_logAlpha), meanGap));
    }

    /// <summary>min(Q_θ1(s, a), Q_θ2(s, a)): the twin-critic minimum that counters overestimation.</summary>
    public static Tensor<T> MinQ(Tape<T> tape, Nets n, Tensor<T> s, Tensor<T> a, bool detachParameters) =>
        SoftLosses.MinQ(tape, n.Q1, n.Q2, s, a, detachParameters);
}
