using System.Diagnostics.CodeAnalysis;

namespace Sac.Core.Environments;

/// <summary>
/// The wrapper the trainer always uses: a strict version of Gymnasium's <c>PassiveEnvChecker</c>. Every contract
/// violation becomes one <see cref="EnvironmentException"/> whose message names the environment id, the problem and what
/// was expected, instead of silent clipping, an <see cref="IndexOutOfRangeException"/> deep inside, or a NaN that
/// surfaces thousands of updates later in a weight.
/// </summary>
/// <remarks>
/// Checked before a step: the action has <c>ActionSpace.Dimension</c> values, all finite (finite values outside the
/// bounds are allowed: the environment clips them itself, as Gymnasium's do), and the observation span has
/// <c>ObservationSpace.Dimension</c> elements. Checked after Reset and Step: every observation element and the reward
/// are finite. Also refused: stepping before the first Reset or after the episode terminated or was truncated.
/// None of the checks allocate unless they fail.
/// </remarks>
public sealed class CheckedEnvironment : IEnvironment, IStatefulEnvironment
{
    private bool _needsReset = true;
    private bool _everReset;

    /// <summary>Wraps <paramref name="inner"/> (for registered environments, a <see cref="TimeLimit"/>).</summary>
    public CheckedEnvironment(IEnvironment inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        Inner = inner;
    }

    /// <summary>The wrapped environment.</summary>
    public IEnvironment Inner { get; }

    /// <summary>Steps taken in the current episode; error messages number steps from 1, with Reset as step 0.</summary>
    public int EpisodeStep { get; private set; }

    /// <inheritdoc/>
    public string Id => Inner.Id;

    /// <inheritdoc/>
    public Box ObservationSpace => Inner.ObservationSpace;

    /// <inheritdoc/>
    public Box ActionSpace => Inner.ActionSpace;

    /// <inheritdoc/>
    /// <exception cref="EnvironmentException">The observation span has the wrong length, or the first observation is not finite.</exception>
    public void Reset(Span<float> observation, int? seed = null)
    {
        CheckObservationLength(observation, "Reset");
        // Until Reset succeeds the episode is unusable: a throwing inner Reset must not leave stepping allowed.
        _needsReset = true;
        Inner.Reset(observation, seed);
        EpisodeStep = 0;
        _everReset = true;
        CheckObservationFinite(observation);
        _needsReset = false;
    }

    /// <inheritdoc/>
    /// <exception cref="EnvironmentException">
    /// Stepping before Reset or after the episode ended; an action of the wrong length or with NaN/±∞; an observation
    /// span of the wrong length; or a non-finite observation element or reward coming back.
    /// </exception>
    public StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        if (_needsReset)
            ThrowNeedsReset();
        CheckAction(action);
        CheckObservationLength(observation, "Step");

        // A failure below poisons the episode: keep refusing steps until the next Reset.
        _needsReset = true;
        StepResult result = Inner.Step(action, observation);
        EpisodeStep++;
        CheckObservationFinite(observation);
        if (!double.IsFinite(result.Reward))
            ThrowNonFinite("reward", result.Reward);
        _needsReset = result.Terminated || result.Truncated;
        return result;
    }

    /// <inheritdoc/>
    public System.Text.Json.Nodes.JsonObject SaveState() => new()
    {
        ["episodeStep"] = EpisodeStep, ["needsReset"] = _needsReset, ["everReset"] = _everReset, ["inner"] = EnvironmentState.SaveInner(Inner),
    };

    /// <inheritdoc/>
    public void RestoreState(System.Text.Json.Nodes.JsonObject state)
    {
        ArgumentNullException.ThrowIfNull(state);
        EnvironmentState.RestoreInner(Inner, state, Id);
        EpisodeStep = EnvironmentState.Get<int>(state, "episodeStep", Id);
        _needsReset = EnvironmentState.Get<bool>(state, "needsReset", Id);
        _everReset = EnvironmentState.Get<bool>(state, "everReset", Id);
    }

    private void CheckAction(ReadOnlySpan<float> action)
    {
        Box space = Inner.ActionSpace;
        if (action.Length != space.Dimension)
            ThrowActionLength(action.Length, space);
        for (int i = 0; i < action.Length; i++)
        {
            if (!float.IsFinite(action[i]))
                ThrowNonFiniteAction(i, action[i], space);
        }
    }

    private void CheckObservationLength(Span<float> observation, string operation)
    {
        Box space = Inner.ObservationSpace;
        if (observation.Length != space.Dimension)
            ThrowObservationLength(observation.Length, space, operation);
    }

    private void CheckObservationFinite(Span<float> observation)
    {
        for (int i = 0; i < observation.Length; i++)
        {
            if (!float.IsFinite(observation[i]))
                ThrowNonFinite($"observation[{i}]", observation[i]);
        }
    }

    // The throw helpers keep message formatting (and its allocations) out of the hot path.

    [DoesNotReturn]
    private void ThrowNeedsReset() => throw new EnvironmentException(_everReset
        ? $"{Id}: Step was called after the episode ended at step {EpisodeStep} (terminated, truncated, or failed a check) " +
          "without Reset. Call Reset to start a new episode."
        : $"{Id}: Step was called before Reset. Call Reset to start an episode first.");

    [DoesNotReturn]
    private void ThrowActionLength(int length, Box space) => throw new EnvironmentException(
        $"{Id}: the action has {length} value(s) but the action space {space} expects {space.Dimension} " +
        $"(at step {EpisodeStep + 1} of the episode).");

    [DoesNotReturn]
    private void ThrowNonFiniteAction(int index, float value, Box space) => throw new EnvironmentException(
        $"{Id}: action[{index}] is {Box.FormatNumber(value)} at step {EpisodeStep + 1} of the episode; actions must be finite. " +
        $"The action space is {space}; finite values outside it are clipped by the environment, NaN and ±inf are not accepted.");

    [DoesNotReturn]
    private void ThrowObservationLength(int length, Box space, string operation) => throw new EnvironmentException(
        $"{Id}: the observation span passed to {operation} has {length} element(s) but the observation space {space} " +
        $"needs exactly {space.Dimension}.");

    [DoesNotReturn]
    private void ThrowNonFinite(string field, double value) => throw new EnvironmentException(
        $"{Id}: {field} is {Box.FormatNumber(value)} at step {EpisodeStep} of the episode" +
        (EpisodeStep == 0 ? " (returned by Reset)" : "") +
        "; the environment produced a non-finite value, stopped here before it could reach a replay buffer or a weight.");
}
