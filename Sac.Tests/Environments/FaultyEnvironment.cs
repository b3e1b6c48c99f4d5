using Sac.Core.Environments;

namespace Sac.Tests.Environments;

/// <summary>
/// A test-only environment that misbehaves on cue: NaN in an observation element, +∞ reward, or termination at a
/// chosen step. Otherwise its observation is [step, 0, 0] and its reward 1.
/// </summary>
internal sealed class FaultyEnvironment : IEnvironment
{
    public const string EnvironmentId = "Faulty-v0";

    private int _step;

    /// <summary>Step (1-based) whose observation has NaN at <see cref="NanObservationIndex"/>; 0 for never.</summary>
    public int NanObservationAtStep { get; init; }

    /// <summary>Which observation element becomes NaN.</summary>
    public int NanObservationIndex { get; init; } = 2;

    /// <summary>Whether the observation written by Reset has NaN at <see cref="NanObservationIndex"/>.</summary>
    public bool NanObservationOnReset { get; init; }

    /// <summary>Step (1-based) whose reward is +∞; 0 for never.</summary>
    public int InfiniteRewardAtStep { get; init; }

    /// <summary>Step (1-based) that reports Terminated; 0 for never.</summary>
    public int TerminateAtStep { get; init; }

    /// <summary>How many times Step reached this environment (to show a wrapper rejected a call before forwarding it).</summary>
    public int StepCalls { get; private set; }

    public string Id => EnvironmentId;

    public Box ObservationSpace { get; } = new([-1000f, -1f, -1f], [1000f, 1f, 1f]);

    public Box ActionSpace { get; } = new([-1f], [1f]);

    public void Reset(Span<float> observation, int? seed = null)
    {
        _step = 0;
        observation.Clear();
        if (NanObservationOnReset)
            observation[NanObservationIndex] = float.NaN;
    }

    public StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        StepCalls++;
        _step++;
        observation.Clear();
        observation[0] = _step;
        if (_step == NanObservationAtStep)
            observation[NanObservationIndex] = float.NaN;
        double reward = _step == InfiniteRewardAtStep ? double.PositiveInfinity : 1.0;
        return new StepResult(reward, Terminated: _step == TerminateAtStep, Truncated: false);
    }
}
