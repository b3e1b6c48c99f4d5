using System.Text.Json.Nodes;
using Sac.Core.Environments;

namespace Sac.Render.Recording;

/// <summary>
/// A transparent wrapper that records episodes as they are played: after each reset and step it keeps a copy of the
/// observation, the action, the reward, the reward terms and (with pictures) what the <see cref="Scene"/> captures.
/// It changes nothing: every call goes straight to the inner environment, it draws no random numbers, and its saved
/// state is the inner environment's own (so a checkpoint is the same with or without it).
/// </summary>
/// <remarks>
/// Which episodes are recorded is asked of a planner when an episode starts and no recording is under way: the
/// trainer's evaluation environment asks once per evaluation (each <see cref="TakeRecorded"/> ends one), so the
/// recorded episodes are exactly the evaluation's. Recording copies a few small arrays per step; drawing happens
/// later, elsewhere, from the copies.
/// </remarks>
public sealed class EpisodeRecorder : IEnvironment, IStatefulEnvironment
{
    private readonly Scene _scene;
    private readonly Func<CapturePlan?> _planner;
    private readonly IRewardTerms? _terms;
    private readonly List<RecordedEpisode> _recorded = [];
    private CapturePlan? _plan;
    private bool _planned;
    private List<SceneFrame>? _frames;
    private double _return;

    /// <summary>Wraps <paramref name="inner"/>; <paramref name="planner"/> says what to record (null: nothing).</summary>
    public EpisodeRecorder(IEnvironment inner, Scene scene, Func<CapturePlan?> planner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(scene);
        ArgumentNullException.ThrowIfNull(planner);
        (Inner, _scene, _planner) = (inner, scene, planner);
        _terms = RewardTerms.Find(inner);
        TermNames = _terms?.TermNames.ToArray() ?? [];
    }

    /// <summary>The wrapped environment.</summary>
    public IEnvironment Inner { get; }

    /// <summary>The names of the reward terms recorded with each frame (empty when the environment reports none).</summary>
    public IReadOnlyList<string> TermNames { get; }

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
        _frames = null;
        if (!_planned)
        {
            _plan = _planner();
            _planned = true;
        }
        if (_plan is { } plan && _recorded.Count < plan.Episodes)
        {
            _frames = [];
            _return = 0;
            Record(0, observation, [], 0, plan);
        }
    }

    /// <inheritdoc/>
    public StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        StepResult result = Inner.Step(action, observation);
        if (_frames is not null && _plan is { } plan)
        {
            _return += result.Reward;
            Record(_frames.Count, observation, action.ToArray(), result.Reward, plan);
            if (result.Terminated || result.Truncated)
            {
                _recorded.Add(new RecordedEpisode
                {
                    EnvironmentId = Id, Index = _recorded.Count, PolicyStep = plan.PolicyStep, TermNames = TermNames, Frames = _frames,
                });
                _frames = null;
            }
        }
        return result;
    }

    /// <summary>
    /// The episodes recorded since the last call (whole ones only: an episode still under way is dropped), and the end
    /// of this recording: the next reset asks the planner again.
    /// </summary>
    public IReadOnlyList<RecordedEpisode> TakeRecorded()
    {
        var taken = _recorded.ToArray();
        _recorded.Clear();
        _frames = null;
        _plan = null;
        _planned = false;
        return taken;
    }

    /// <inheritdoc/>
    /// <remarks>The inner environment's state itself: the recorder adds nothing to a checkpoint.</remarks>
    public JsonObject SaveState() => Inner is IStatefulEnvironment stateful
        ? stateful.SaveState()
        : throw new NotSupportedException($"{Inner.Id} does not implement IStatefulEnvironment, so its state cannot be checkpointed.");

    /// <inheritdoc/>
    public void RestoreState(JsonObject state)
    {
        if (Inner is not IStatefulEnvironment stateful)
            throw new NotSupportedException($"{Inner.Id} does not implement IStatefulEnvironment, so its state cannot be restored.");
        stateful.RestoreState(state);
    }

    private void Record(int step, ReadOnlySpan<float> observation, float[] action, double reward, CapturePlan plan) => _frames!.Add(new SceneFrame
    {
        EpisodeStep = step,
        Observation = observation.ToArray(),
        Action = action,
        Reward = reward,
        Return = _return,
        Terms = _terms is null ? [] : _terms.LastTerms.ToArray(),
        State = plan.WithPictures ? _scene.CaptureState(observation) : [],
    });
}
