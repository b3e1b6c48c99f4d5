using Sac.Core.Environments;

namespace Sac.Core.Inference;

/// <summary>
/// What the caller knows about a policy it loads: checked against the model (a mismatch is refused) and kept on the
/// <see cref="TrainedPolicy"/>. Every field is optional; a model file alone gives the network, nothing else.
/// </summary>
public sealed record TrainedPolicyOptions
{
    /// <summary>The environment's id, kept for <see cref="TrainedPolicy.EnvironmentId"/> (and an export's metadata).</summary>
    public string? EnvironmentId { get; init; }

    /// <summary>The algorithm that trained it, e.g. <c>SAC v2</c>, kept for <see cref="TrainedPolicy.Algorithm"/>.</summary>
    public string? Algorithm { get; init; }

    /// <summary>The observation space: its dimension must be the network's input size.</summary>
    public Box? ObservationSpace { get; init; }

    /// <summary>The action bounds to rescale into (finite, dimension dim(A)); null to act in [−1, 1].</summary>
    public Box? ActionSpace { get; init; }

    /// <summary>The hidden layer sizes the network must have (a run's configuration); null to take the model's.</summary>
    public IReadOnlyList<int>? HiddenSizes { get; init; }

    /// <summary>Lower clamp of log σ; null for the source's own (a model file does not record it: SB3's and Sac's default, −20).</summary>
    public double? LogStdMin { get; init; }

    /// <summary>Upper clamp of log σ; null for the source's own (a model file: 2).</summary>
    public double? LogStdMax { get; init; }

    /// <summary>How log σ is bounded to [min, max]; null for the source's own (a model file: clamped, SB3's and Sac's default).</summary>
    public Policies.LogStdBounding? LogStdBounding { get; init; }
}
