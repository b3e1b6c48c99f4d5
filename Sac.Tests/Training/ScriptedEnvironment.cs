using Sac.Core.Environments;

namespace Sac.Tests.Training;

/// <summary>
/// A deterministic test environment: the observation is [episode, step-in-episode]; the reward is the step number;
/// the episode terminates at step <c>terminateAt</c> in odd episodes and otherwise runs until a TimeLimit truncates it.
/// Optionally emits NaN in the observation at a given global step.
/// </summary>
internal sealed class ScriptedEnvironment(int terminateAt, long nanAtGlobalStep = -1) : IEnvironment
{
    private int _episode = -1;
    private int _step;
    private long _globalStep;

    public string Id => "Scripted-v0";
    public Box ObservationSpace { get; } = new([-1000f, -1000f], [1000f, 1000f]);
    public Box ActionSpace { get; } = new([-2f], [2f]);

    public void Reset(Span<float> observation, int? seed = null)
    {
        _episode++;
        _step = 0;
        observation[0] = _episode;
        observation[1] = 0;
    }

    public StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        _step++;
        _globalStep++;
        observation[0] = _episode;
        observation[1] = _step;
        if (_globalStep == nanAtGlobalStep)
            observation[1] = float.NaN;
        bool terminated = _episode % 2 == 1 && _step == terminateAt;
        return new StepResult(_step, terminated, false);
    }
}
