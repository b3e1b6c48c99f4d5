using System.Numerics;
using Sac.Autodiff;
using Sac.Core.Networks;
using Sac.Core.Optimization;

namespace Sac.Core.Algorithms;

/// <summary>A set of parameters of an algorithm: a network's (or two networks') flat buffer, its checkpoint name, and
/// its optimizer, or none for a target network, which only Polyak averaging moves.</summary>
/// <param name="Name">Its name in the training state ("actor", "critic", "critic_target", …).</param>
/// <param name="Parameters">The values (and, for trained sets, the gradients).</param>
/// <param name="Optimizer">Adam for a trained set; null for a target.</param>
public sealed record ParameterSet<T>(string Name, FlatParameters<T> Parameters, Adam<T>? Optimizer) where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>True for a set an optimizer trains (not a target).</summary>
    public bool IsTrained => Optimizer is not null;
}

/// <summary>An agent whose policy is a tanh-squashed Gaussian (SAC v1 and v2): what export and inference read.</summary>
public interface ISquashedGaussianAgent<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>π_φ.</summary>
    Policies.TanhGaussianPolicy<T> Policy { get; }

    /// <summary>The temperature α the update uses now (fixed, or exp(log α) when learned).</summary>
    double Alpha { get; }
}

/// <summary>
/// An off-policy actor-critic as the trainer sees it: its networks' parameter sets (the checkpoint), an update on a
/// batch (run by <see cref="UpdateRunner{T, TNets}"/> over the batch's shards), and a policy to act with. Each algorithm
/// is one file (<see cref="SacV1{T}"/>, <see cref="SacV2{T}"/>, <see cref="Td3{T}"/>) and a line in
/// <see cref="AlgorithmRegistry"/>.
/// </summary>
public abstract class Algorithm<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Checks the sizes and options common to every algorithm.</summary>
    protected Algorithm(int observationSize, int actionSize, SacOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (observationSize < 1 || actionSize < 1)
            throw new ArgumentOutOfRangeException(nameof(observationSize), $"Observation and action sizes must be positive, got {observationSize} and {actionSize}.");
        Options = options;
        ObservationSize = observationSize;
        ActionSize = actionSize;
    }

    /// <summary>The hyperparameters.</summary>
    public SacOptions Options { get; }

    /// <summary>dim(S).</summary>
    public int ObservationSize { get; }

    /// <summary>dim(A).</summary>
    public int ActionSize { get; }

    /// <summary>Updates performed.</summary>
    public long Updates { get; private set; }

    /// <summary>The tape an update's first shard and its serial steps run on (exposed for benchmarks and the walkthrough).</summary>
    public Tape<T> Tape { get; } = new();

    /// <summary>Every parameter set, in checkpoint order: the complete learnable state.</summary>
    public abstract IReadOnlyList<ParameterSet<T>> ParameterSets { get; }

    /// <summary>The network the policy acts through (s → its output head), for export and inference.</summary>
    public abstract Mlp<T> PolicyNetwork { get; }

    /// <summary>The trained critics Q_θ1, Q_θ2 (not the targets), for diagnostics such as
    /// <see cref="Training.EvaluationDiagnosis"/>; null for an algorithm without twin critics.</summary>
    public virtual TwinCritics<T>? Critics => null;

    /// <summary>Sets of ε an update needs beyond the batch's <see cref="SacBatch{T}.Noise"/> and
    /// <see cref="SacBatch{T}.NextNoise"/> (<see cref="SacBatch{T}.ExtraNoise"/>); none unless the algorithm says.</summary>
    public virtual int ExtraNoiseSets => 0;

    /// <summary>The names of the metrics an update records, in order.</summary>
    public IReadOnlyList<string> MetricNames => Runner.Metrics.Names;

    /// <summary>The runner of this algorithm's phases (set by the algorithm's constructor).</summary>
    private protected IUpdateRunner<T> Runner { get; set; } = null!;

    /// <summary>
    /// One update on <paramref name="batch"/> (its noise already drawn): the algorithm's phases in order. No weight is
    /// ever moved by a non-finite gradient (<see cref="NonFiniteGradientException"/>). The result is reused by the next
    /// update: copy what must outlive it. After a warm-up update, allocates nothing.
    /// </summary>
    public UpdateMetrics Update(SacBatch<T> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Observations.Cols != ObservationSize || batch.Actions.Cols != ActionSize)
            throw new ArgumentException($"The batch has {batch.Observations.Cols} observation and {batch.Actions.Cols} action columns; the agent needs {ObservationSize} and {ActionSize}.", nameof(batch));
        var metrics = Runner.Run(batch, Updates);
        Updates++;
        return metrics;
    }

    /// <summary>
    /// The policy's actions for <paramref name="observations"/>, in the policy's [−1, 1] space, on <paramref name="tape"/>:
    /// the deterministic action when <paramref name="noise"/> is null (evaluation), else the exploring one with that
    /// standard-normal noise (B × dim(A)).
    /// </summary>
    public abstract Tensor<T> Act(Tape<T> tape, Tensor<T> observations, Tensor<T>? noise);

    /// <summary>Restores the update count from a checkpoint.</summary>
    internal void RestoreUpdates(long updates) => Updates = updates >= 0 ? updates : throw new ArgumentOutOfRangeException(nameof(updates));

    /// <summary>An Adam for <paramref name="parameters"/> with the options' β, ε and clipping.</summary>
    protected Adam<T> NewAdam(FlatParameters<T> parameters, double learningRate, string name) =>
        new(parameters, new AdamOptions(learningRate, Options.AdamBeta1, Options.AdamBeta2, Options.AdamEpsilon, Options.MaxGradNorm), name) { Threads = Options.Threads };
}
