using Sac.Autodiff;
using Sac.Core.Algorithms;

namespace Sac.Core.Training;

/// <summary>
/// Acts with a policy one observation at a time, on its own one-row tape (so acting never disturbs the update's arena)
/// and without allocating: tanh(μ(s)) when deterministic, otherwise a sample with fresh standard-normal noise.
/// </summary>
public sealed class PolicyActor
{
    private readonly SoftActorCritic<float> _agent;
    private readonly Tape<float> _tape = new();
    private readonly Tensor<float> _observation;
    private readonly Tensor<float> _noise;

    /// <summary>Creates an actor for <paramref name="agent"/>'s policy.</summary>
    public PolicyActor(SoftActorCritic<float> agent)
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
        Tensor<float> a;
        if (deterministic)
            a = _agent.Policy.DeterministicAction(_tape, _observation);
        else
        {
            ArgumentNullException.ThrowIfNull(noise);
            foreach (ref float e in _noise.Span)
                e = (float)noise.Normal();
            a = _agent.Policy.Sample(_tape, _observation, _noise).Action;
        }
        a.Span.CopyTo(action);
    }
}
