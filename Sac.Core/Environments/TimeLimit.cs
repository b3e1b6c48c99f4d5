namespace Sac.Core.Environments;

/// <summary>
/// Gymnasium's <c>TimeLimit</c> wrapper: the step that brings <see cref="ElapsedSteps"/> to <see cref="MaxEpisodeSteps"/>
/// returns <see cref="StepResult.Truncated"/> = true. It also refuses to step an episode that is over (or never began)
/// until <see cref="Reset"/> is called, where Gymnasium would silently keep counting.
/// </summary>
public sealed class TimeLimit : IEnvironment, IStatefulEnvironment
{
    private bool _needsReset = true;

    /// <summary>Wraps <paramref name="inner"/> so that each episode is cut after <paramref name="maxEpisodeSteps"/> steps.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxEpisodeSteps"/> is not positive.</exception>
    public TimeLimit(IEnvironment inner, int maxEpisodeSteps)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxEpisodeSteps);
        Inner = inner;
        MaxEpisodeSteps = maxEpisodeSteps;
    }

    /// <summary>The wrapped environment.</summary>
    public IEnvironment Inner { get; }

    /// <summary>The episode length at which <see cref="StepResult.Truncated"/> is set (Gymnasium's <c>max_episode_steps</c>).</summary>
    public int MaxEpisodeSteps { get; }

    /// <summary>Steps taken since the last <see cref="Reset"/>.</summary>
    public int ElapsedSteps { get; private set; }

    /// <inheritdoc/>
    public string Id => Inner.Id;

    /// <inheritdoc/>
    public Box ObservationSpace => Inner.ObservationSpace;

    /// <inheritdoc/>
    public Box ActionSpace => Inner.ActionSpace;

    /// <inheritdoc/>
    public void Reset(Span<float> observation, int? seed = null)
    {
        Inner.Reset(observation, seed);
        ElapsedSteps = 0;
        _needsReset = false;
    }

    /// <inheritdoc/>
    /// <exception cref="EnvironmentException">The episode has not been reset yet, or already terminated or was truncated.</exception>
    public StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        if (_needsReset)
            ThrowNeedsReset();
        StepResult result = Inner.Step(action, observation);
        ElapsedSteps++;
        if (ElapsedSteps >= MaxEpisodeSteps)
            result = result with { Truncated = true };
        if (result.Terminated || result.Truncated)
            _needsReset = true;
        return result;
    }

    /// <inheritdoc/>
    public System.Text.Json.Nodes.JsonObject SaveState() => new()
    {
        ["elapsed"] = ElapsedSteps, ["needsReset"] = _needsReset, ["inner"] = EnvironmentState.SaveInner(Inner),
    };

    /// <inheritdoc/>
    public void RestoreState(System.Text.Json.Nodes.JsonObject state)
    {
        ArgumentNullException.ThrowIfNull(state);
        EnvironmentState.RestoreInner(Inner, state, Id);
        ElapsedSteps = EnvironmentState.Get<int>(state, "elapsed", Id);
        _needsReset = EnvironmentState.Get<bool>(state, "needsReset", Id);
    }

    private void ThrowNeedsReset() => throw new EnvironmentException(ElapsedSteps == 0
        ? $"{Id}: Step was called before Reset. Call Reset to start an episode first."
        : $"{Id}: Step was called after the episode ended at step {ElapsedSteps} (of at most {MaxEpisodeSteps}) without Reset. " +
          "Call Reset to start a new episode.");
}
