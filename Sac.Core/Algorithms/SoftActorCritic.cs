using System.Numerics;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using Sac.Autodiff;
using Sac.Core.Networks;
using Sac.Core.Optimization;
using Sac.Core.Policies;

namespace Sac.Core.Algorithms;

/// <summary>
/// Soft Actor-Critic, in the seed's symbols. Holds the networks — π_φ, the twin critics Q_θ1 and Q_θ2, and either
/// V_ψ with its Polyak target V_ψ̄ (v1) or the twin targets Q_θ̄1, Q_θ̄2 with a learned temperature α (v2) — their
/// optimizers, and the tape an update runs on. <see cref="Update"/> is one full gradient step on a batch; after a
/// warm-up step it allocates nothing.
/// </summary>
public sealed partial class SoftActorCritic<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Tape<T> _tape = new();
    private readonly Tensor<T>? _logAlpha;
    private readonly Networks _networks;

    /// <summary>Builds and initializes every network from <paramref name="rng"/> (PyTorch's nn.Linear initialization),
    /// in this order: π_φ, Q_θ1, Q_θ2, then V_ψ (v1). Targets start as copies of their sources.</summary>
    public SoftActorCritic(int observationSize, int actionSize, SacOptions options, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(rng);
        options.Validate();
        if (observationSize < 1 || actionSize < 1)
            throw new ArgumentOutOfRangeException(nameof(observationSize), $"Observation and action sizes must be positive, got {observationSize} and {actionSize}.");
        Options = options;
        ObservationSize = observationSize;
        ActionSize = actionSize;
        var hidden = options.HiddenSizes;
        int layers = hidden.Count + 1;

        Policy = new TanhGaussianPolicy<T>(observationSize, actionSize, hidden, rng, options.LogStdMin, options.LogStdMax);

        // The twin critics share one flat buffer: one Adam pass and one Polyak pass cover both.
        var criticShapes = Mlp<T>.Shapes("q1", observationSize + actionSize, hidden, 1);
        criticShapes.AddRange(Mlp<T>.Shapes("q2", observationSize + actionSize, hidden, 1));
        Critic = new FlatParameters<T>(criticShapes);
        Q1 = new Mlp<T>(Critic, 0, layers);
        Q2 = new Mlp<T>(Critic, 2 * layers, layers);
        Q1.Initialize(rng);
        Q2.Initialize(rng);

        Adam<T> NewAdam(FlatParameters<T> p, double lr, string name) =>
            new(p, new AdamOptions(lr, options.AdamBeta1, options.AdamBeta2, options.AdamEpsilon, options.MaxGradNorm), name) { Threads = options.Threads };
        ActorOptimizer = NewAdam(Policy.Network.Parameters, options.ActorLearningRate, "the policy π_φ");
        CriticOptimizer = NewAdam(Critic, options.CriticLearningRate, "the critics Q_θ1, Q_θ2");

        if (options.Version == SacVersion.V1)
        {
            V = new Mlp<T>("v", observationSize, hidden, 1, rng);
            VTarget = new Mlp<T>(new FlatParameters<T>(Mlp<T>.Shapes("v_target", observationSize, hidden, 1)), 0, layers);
            VTarget.Parameters.CopyFrom(V.Parameters);
            ValueOptimizer = NewAdam(V.Parameters, options.ValueLearningRate, "the value network V_ψ");
        }
        else
        {
            CriticTarget = new FlatParameters<T>(Mlp<T>.Shapes("q1_target", observationSize + actionSize, hidden, 1)
                .Concat(Mlp<T>.Shapes("q2_target", observationSize + actionSize, hidden, 1)).ToList());
            CriticTarget.CopyFrom(Critic);
            Q1Target = new Mlp<T>(CriticTarget, 0, layers);
            Q2Target = new Mlp<T>(CriticTarget, 2 * layers, layers);
            if (options.LearnAlpha)
            {
                Temperature = new FlatParameters<T>([("log_alpha", 1, 1)]);
                _logAlpha = Temperature.Tensors[0];
                _logAlpha.Span[0] = T.CreateChecked(Math.Log(options.InitialAlpha));
                AlphaOptimizer = NewAdam(Temperature, options.AlphaLearningRate, "the temperature log α");
            }
        }
        TargetEntropy = options.TargetEntropy ?? -actionSize;
        _networks = new Networks(Policy, Q1, Q2, V);
        _shards = CreateShards(layers);
        _job = new ShardJob(this);
    }

    /// <summary>The hyperparameters.</summary>
    public SacOptions Options { get; }

    /// <summary>dim(S).</summary>
    public int ObservationSize { get; }

    /// <summary>dim(A).</summary>
    public int ActionSize { get; }

    /// <summary>π_φ.</summary>
    public TanhGaussianPolicy<T> Policy { get; }

    /// <summary>Q_θ1.</summary>
    public Mlp<T> Q1 { get; }

    /// <summary>Q_θ2.</summary>
    public Mlp<T> Q2 { get; }

    /// <summary>θ1 and θ2, back to back.</summary>
    public FlatParameters<T> Critic { get; }

    /// <summary>V_ψ (v1 only).</summary>
    public Mlp<T>? V { get; }

    /// <summary>V_ψ̄, the Polyak average of V_ψ (v1 only).</summary>
    public Mlp<T>? VTarget { get; }

    /// <summary>Q_θ̄1 (v2 only).</summary>
    public Mlp<T>? Q1Target { get; }

    /// <summary>Q_θ̄2 (v2 only).</summary>
    public Mlp<T>? Q2Target { get; }

    /// <summary>θ̄1 and θ̄2 (v2 only).</summary>
    public FlatParameters<T>? CriticTarget { get; }

    /// <summary>log α as a 1×1 parameter (v2 with learned α only).</summary>
    public FlatParameters<T>? Temperature { get; }

    /// <summary>Adam for φ.</summary>
    public Adam<T> ActorOptimizer { get; }

    /// <summary>Adam for θ1, θ2.</summary>
    public Adam<T> CriticOptimizer { get; }

    /// <summary>Adam for ψ (v1 only).</summary>
    public Adam<T>? ValueOptimizer { get; }

    /// <summary>Adam for log α (v2 with learned α only).</summary>
    public Adam<T>? AlphaOptimizer { get; }

    /// <summary>H̄, the entropy the learned α steers toward.</summary>
    public double TargetEntropy { get; }

    /// <summary>The temperature α: exp(log α) when learned, else the fixed <see cref="SacOptions.Alpha"/>.</summary>
    public double Alpha => _logAlpha is null ? Options.Alpha : Math.Exp(double.CreateChecked(_logAlpha.Span[0]));

    /// <summary>The tape updates run on (exposed for benchmarks and the walkthrough).</summary>
    public Tape<T> Tape => _tape;

    /// <summary>Number of updates performed.</summary>
    public long Updates { get; private set; }

    /// <summary>Restores the update count from a checkpoint.</summary>
    internal void RestoreUpdates(long updates) => Updates = updates >= 0 ? updates : throw new ArgumentOutOfRangeException(nameof(updates));

    /// <summary>Every parameter set with its checkpoint name and optimizer (null for targets): the complete learnable state.</summary>
    internal IEnumerable<(string Name, FlatParameters<T> Parameters, Adam<T>? Optimizer)> ParameterSets()
    {
        yield return ("actor", Policy.Network.Parameters, ActorOptimizer);
        yield return ("critic", Critic, CriticOptimizer);
        if (CriticTarget is not null)
            yield return ("critic_target", CriticTarget, null);
        if (V is not null)
            yield return ("value", V.Parameters, ValueOptimizer);
        if (VTarget is not null)
            yield return ("value_target", VTarget.Parameters, null);
        if (Temperature is not null)
            yield return ("log_alpha", Temperature, AlphaOptimizer);
    }

    /// <summary>
    /// One gradient step of v1 or v2 on <paramref name="batch"/> (its noise must already be drawn).
    /// <para>v1 (Haarnoja et al. 2018a, Algorithm 1): J_V, J_Q and J_π are all computed from the current parameters and
    /// stepped together (one backward through their sum: they touch disjoint parameters), then ψ̄ ← τψ + (1 − τ)ψ̄.</para>
    /// <para>v2 (as SB3 and CleanRL): the critic step, then the actor step against the updated critics, then the
    /// temperature step using that actor step's log π, then θ̄ ← τθ + (1 − τ)θ̄. α is the value at the start of the update.</para>
    /// Refuses (throws <see cref="NonFiniteGradientException"/>) to update any network from a non-finite gradient.
    /// </summary>
    public SacUpdateStats Update(SacBatch<T> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Observations.Cols != ObservationSize || batch.Actions.Cols != ActionSize)
            throw new ArgumentException($"The batch has {batch.Observations.Cols} observation and {batch.Actions.Cols} action columns; the agent needs {ObservationSize} and {ActionSize}.", nameof(batch));
        var stats = Options.Version == SacVersion.V1 ? UpdateV1(batch) : UpdateV2(batch);
        Updates++;
        return stats;
    }

    private SacUpdateStats UpdateV1(SacBatch<T> batch)
    {
        T alpha = T.CreateChecked(Alpha);
        RunShards(batch, Phase.V1, alpha);

        // v1 takes one backward pass through J_V + J_Q + J_π, so all three gradients exist before any step: check every
        // one before changing any weight, so a NaN anywhere leaves all three networks untouched.
        double valueNorm = ValueOptimizer!.EnsureFinite(SumShardGradients(V!.Parameters));
        double criticNorm = CriticOptimizer.EnsureFinite(SumShardGradients(Critic));
        double actorNorm = ActorOptimizer.EnsureFinite(SumShardGradients(Policy.Network.Parameters));
        ValueOptimizer.ApplyChecked(valueNorm);
        CriticOptimizer.ApplyChecked(criticNorm);
        ActorOptimizer.ApplyChecked(actorNorm);
        // CRUCIAL: the direction. The target moves toward the source (ψ̄ ← τψ + (1 − τ)ψ̄); ψ is never written.
        Polyak.Update(VTarget!.Parameters, V.Parameters, Options.Tau, Options.Threads);

        return new SacUpdateStats(ShardSum(Loss.Critic), ShardSum(Loss.Actor), ShardSum(Loss.Value), double.NaN,
            double.CreateChecked(alpha), ShardSum(Loss.LogProb) / batch.Size, ShardSum(Loss.MinQ) / batch.Size);
    }

    private SacUpdateStats UpdateV2(SacBatch<T> batch)
    {
        T alpha = T.CreateChecked(Alpha);

        // v2's steps are sequential by design (SB3's and CleanRL's order): the actor's gradient is taken against the
        // critics after their step, so it does not exist yet when the critics step. Each Apply therefore checks its own
        // gradient and refuses a non-finite one; no weight is ever moved by a NaN, but a refused actor step leaves the
        // critic step of the same update applied.

        // Critic step.
        RunShards(batch, Phase.CriticV2, alpha);
        CriticOptimizer.ApplyChecked(CriticOptimizer.EnsureFinite(SumShardGradients(Critic)));

        // Actor step, against the updated critics.
        RunShards(batch, Phase.ActorV2, alpha);
        ActorOptimizer.ApplyChecked(ActorOptimizer.EnsureFinite(SumShardGradients(Policy.Network.Parameters)));

        // Temperature step, from the actor step's log π (detached: only its batch mean enters).
        double alphaLoss = double.NaN;
        if (_logAlpha is not null)
        {
            Temperature!.ZeroGrad();
            var tape = _tape;
            _meanGap.Span[0] = T.CreateChecked((ShardSum(Loss.LogProb) + batch.Size * TargetEntropy) / batch.Size);
            var loss = TemperatureLossOfMeanGap(tape, _meanGap);
            tape.Backward(loss);
            AlphaOptimizer!.Apply();
            alphaLoss = Scalar(loss);
        }

        // CRUCIAL: the direction. θ̄ ← τθ + (1 − τ)θ̄; θ is never written.
        Polyak.Update(CriticTarget!, Critic, Options.Tau, Options.Threads);

        return new SacUpdateStats(ShardSum(Loss.Critic), ShardSum(Loss.Actor), double.NaN, alphaLoss,
            double.CreateChecked(alpha), ShardSum(Loss.LogProb) / batch.Size, ShardSum(Loss.MinQ) / batch.Size);
    }

    // ---- targets (computed under no-grad: CRUCIAL, no gradient may flow into a target network or a target value) ----

    /// <summary>
    /// v1's backup Q̂(s, a) = r + γ(1 − d)·V_ψ̄(s′) (the seed's Q̂ with the expectation over s′ replaced by the sample).
    /// CRUCIAL: d is 1 only on termination; a time-limit truncation still bootstraps from V_ψ̄(s′).
    /// </summary>
    public Tensor<T> ValueBackup(Tape<T> tape, SacBatch<T> batch)
    {
        using var _ = tape.NoGrad();
        var nextValue = VTarget!.Forward(tape, batch.NextObservations);
        return Bootstrap(tape, batch, nextValue);
    }

    /// <summary>
    /// v2's backup Q̂(s, a) = r + γ(1 − d)·(min_i Q_θ̄i(s′, a′) − α·log π(a′|s′)), a′ ~ π_φ(·|s′) with the batch's ε′.
    /// </summary>
    public Tensor<T> SoftQBackup(Tape<T> tape, SacBatch<T> batch, T alpha) => SoftQBackup(_networks, tape, batch, alpha);

    private Tensor<T> SoftQBackup(Networks n, Tape<T> tape, SacBatch<T> batch, T alpha)
    {
        using var _ = tape.NoGrad();
        var sNext = batch.NextObservations;
        var (nextAction, nextLogProb) = n.Policy.Sample(tape, sNext, batch.NextNoise);
        var sa = tape.ConcatColumns(sNext, nextAction);
        var minTargetQ = tape.Min(Q1Target!.Forward(tape, sa), Q2Target!.Forward(tape, sa));
        var softValue = tape.Sub(minTargetQ, tape.Scale(nextLogProb, alpha));
        return Bootstrap(tape, batch, softValue);
    }

    /// <summary>r + γ(1 − d)·next, on the tape.</summary>
    private Tensor<T> Bootstrap(Tape<T> tape, SacBatch<T> batch, Tensor<T> next)
    {
        var notDone = tape.AddScalar(tape.Neg(batch.Terminated), T.One);
        return tape.Add(batch.Rewards, tape.Scale(tape.Mul(notDone, next), T.CreateChecked(Options.Gamma)));
    }

    // ---- the losses, in the seed's notation ---------------------------------------------------------------------
    // Each mean over the batch is written Σ_b(…)·(1/B): an update computes it shard by shard (SoftActorCritic.Shards.cs),
    // each shard's sum scaled by the whole batch's 1/B, and the shards' losses and gradients add up to the batch's.

    /// <summary>
    /// J_V(ψ) = E_{s~𝒟}[½(V_ψ(s) − (min_i Q_θi(s, ã) − α·log π_φ(ã|s)))²], ã ~ π_φ(·|s).
    /// The target in parentheses is detached: J_V moves ψ only.
    /// </summary>
    public Tensor<T> ValueLoss(Tape<T> tape, Tensor<T> s, Tensor<T> minQ, Tensor<T> logProb, T alpha) =>
        ValueLoss(_networks, tape, s, minQ, logProb, alpha, InverseRows(s));

    private static Tensor<T> ValueLoss(Networks n, Tape<T> tape, Tensor<T> s, Tensor<T> minQ, Tensor<T> logProb, T alpha, T invB)
    {
        Tensor<T> target;
        using (tape.NoGrad())
            target = tape.Sub(minQ, tape.Scale(logProb, alpha));
        return HalfMeanSquaredError(tape, n.V!.Forward(tape, s), target, invB);
    }

    /// <summary>
    /// J_Q(θ) = Σ_i E_{(s,a)~𝒟}[½(Q_θi(s, a) − Q̂(s, a))²] for the twin critics, with Q̂ from
    /// <see cref="ValueBackup"/> (v1) or <see cref="SoftQBackup(Tape{T}, SacBatch{T}, T)"/> (v2), which carries no gradient.
    /// </summary>
    public Tensor<T> CriticLoss(Tape<T> tape, SacBatch<T> batch, Tensor<T> qHat) =>
        CriticLoss(_networks, tape, batch, qHat, InverseRows(batch.Observations));

    private static Tensor<T> CriticLoss(Networks n, Tape<T> tape, SacBatch<T> batch, Tensor<T> qHat, T invB)
    {
        var sa = tape.ConcatColumns(batch.Observations, batch.Actions);
        var q1 = n.Q1.Forward(tape, sa);
        var q2 = n.Q2.Forward(tape, sa);
        return tape.Add(HalfMeanSquaredError(tape, q1, qHat, invB), HalfMeanSquaredError(tape, q2, qHat, invB));
    }

    /// <summary>
    /// J_π(φ) = E_{s~𝒟}[α·log π_φ(ã|s) − min_i Q_θi(s, ã)] = α·KL(π ‖ exp(Q/α)/Z) − α·log Z, ã = tanh(μ + σ·ε).
    /// The gradient reaches φ through log π directly and through ã (the reparameterization) into Q.
    /// </summary>
    public Tensor<T> PolicyLoss(Tape<T> tape, Tensor<T> logProb, Tensor<T> minQ, T alpha) =>
        PolicyLoss(tape, logProb, minQ, alpha, InverseRows(logProb));

    private static Tensor<T> PolicyLoss(Tape<T> tape, Tensor<T> logProb, Tensor<T> minQ, T alpha, T invB) =>
        tape.Scale(tape.Sum(tape.Sub(tape.Scale(logProb, alpha), minQ)), invB);

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

    /// <summary>−log α·g for the batch mean g = mean(log π + H̄) (a constant).</summary>
    private Tensor<T> TemperatureLossOfMeanGap(Tape<T> tape, Tensor<T> meanGap)
    {
        if (_logAlpha is null)
            throw new InvalidOperationException("This agent's α is fixed (v1, or LearnAlpha = false): it has no temperature loss.");
        return tape.Neg(tape.Mul(_logAlpha, meanGap));
    }

    /// <summary>min(Q_θ1(s, a), Q_θ2(s, a)): the twin-critic minimum that counters overestimation.</summary>
    public Tensor<T> MinQ(Tape<T> tape, Tensor<T> s, Tensor<T> a, bool detachParameters) => MinQ(_networks, tape, s, a, detachParameters);

    private static Tensor<T> MinQ(Networks n, Tape<T> tape, Tensor<T> s, Tensor<T> a, bool detachParameters)
    {
        var sa = tape.ConcatColumns(s, a);
        return tape.Min(n.Q1.Forward(tape, sa, detachParameters), n.Q2.Forward(tape, sa, detachParameters));
    }

    /// <summary>½·Σ_b (prediction − target)²·(1/B): half the mean squared error when <paramref name="invB"/> is 1/rows.</summary>
    private static Tensor<T> HalfMeanSquaredError(Tape<T> tape, Tensor<T> prediction, Tensor<T> target, T invB) =>
        tape.Scale(tape.Sum(tape.Square(tape.Sub(prediction, target))), T.CreateChecked(0.5) * invB);

    private static T InverseRows(Tensor<T> t) => T.One / T.CreateChecked(t.Rows);

    private static double Scalar(Tensor<T> t) => double.CreateChecked(t.Span[0]);

}
