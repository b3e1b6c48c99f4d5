using Sac.Autodiff;
using Sac.Core.Algorithms;

namespace Sac.Core.Training;

/// <summary>
/// Acts with a policy one observation at a time, on its own one-row tape (so acting never disturbs the update's arena)
/// and without allocating: the algorithm's deterministic action, or its exploring one with fresh standard-normal noise
/// (one draw per action dimension).
/// </summary>
public sealed class PolicyActor
{
    private readonly Algorithm<float> _agent;
    private readonly Tape<float> _tape = new();
    private readonly Tensor<float> _observation;
    private readonly Tensor<float> _noise;

    /// <summary>Creates an actor for <paramref name="agent"/>'s policy.</summary>
    public PolicyActor(Algorithm<float> agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        _agent = agent;
        _observation = new Tensor<float>(1, agent.ObservationSize);
        _noise = new Tensor<float>(1, agent.ActionSize);
    }

    /// <summary>Writes the policy's action for <paramref name="observation"/> into <paramref name="action"/>, in the policy's
    /// [−1, 1] space. A stochastic action draws its noise from <paramref name="noise"/>, one normal per action dimension.</summary>
    public void Act(ReadOnlySpan<float> observation, Span<float> action, bool deterministic, Rng? noise)
    {
        _tape.Reset();
        observation.CopyTo(_observation.Span);
        using var _ = _tape.NoGrad();
        if (!deterministic)
        {
            ArgumentNullException.ThrowIfNull(noise);
            foreach (ref float e in _noise.Span)
                e = (float)noise.Normal();
        }
        _agent.Act(_tape, _observation, deterministic ? null : _noise).Span.CopyTo(action);
    }
}
