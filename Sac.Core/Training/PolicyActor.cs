using Sac.Autodiff;
using Sac.Core.Algorithms;

namespace Sac.Core.Training;

/// <summary>
/// Acts with a policy for a fixed number of observations at a time (one per environment copy), in one batched forward on
/// its own tape (so acting never disturbs the update's arena) and without allocating: the algorithm's deterministic
/// action, or its exploring one from standard-normal noise ε (white: drawn here, one per action dimension and row, row
/// by row; colored: given by the caller).
/// </summary>
public sealed class PolicyActor
{
    private readonly Algorithm<float> _agent;
    private readonly Tape<float> _tape = new();
    private readonly Tensor<float> _observation;
    private readonly Tensor<float> _noise;

    /// <summary>Creates an actor for <paramref name="agent"/>'s policy that acts on <paramref name="rows"/> observations at a time.</summary>
    public PolicyActor(Algorithm<float> agent, int rows = 1)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        _agent = agent;
        Rows = rows;
        _observation = new Tensor<float>(rows, agent.ObservationSize);
        _noise = new Tensor<float>(rows, agent.ActionSize);
    }

    /// <summary>Observations per call.</summary>
    public int Rows { get; }

    /// <summary>Writes the policy's actions for <paramref name="observations"/> (<see cref="Rows"/> × dim(S)) into
    /// <paramref name="actions"/> (<see cref="Rows"/> × dim(A)), in the policy's [−1, 1] space. A stochastic action draws
    /// its ε from <paramref name="noise"/>, one normal per action dimension, row by row.</summary>
    public void Act(ReadOnlySpan<float> observations, Span<float> actions, bool deterministic, Rng? noise)
    {
        if (!deterministic)
        {
            ArgumentNullException.ThrowIfNull(noise);
            foreach (ref float e in _noise.Span)
                e = (float)noise.Normal();
        }
        Forward(observations, actions, deterministic);
    }

    /// <summary>Writes the exploring actions for <paramref name="observations"/> with the given ε (<see cref="Rows"/> ×
    /// dim(A) unit-variance values: colored noise in place of SAC's white ε).</summary>
    public void Act(ReadOnlySpan<float> observations, Span<float> actions, ReadOnlySpan<float> epsilon)
    {
        if (epsilon.Length != _noise.Length)
            throw new ArgumentException($"ε needs {Rows} × {_agent.ActionSize} values, got {epsilon.Length}.", nameof(epsilon));
        epsilon.CopyTo(_noise.Span);
        Forward(observations, actions, deterministic: false);
    }

    private void Forward(ReadOnlySpan<float> observations, Span<float> actions, bool deterministic)
    {
        _tape.Reset();
        observations.CopyTo(_observation.Span);
        using var _ = _tape.NoGrad();
        _agent.Act(_tape, _observation, deterministic ? null : _noise).Span.CopyTo(actions);
    }
}
