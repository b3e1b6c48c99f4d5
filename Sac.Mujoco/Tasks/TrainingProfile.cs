using System.Text.Json.Nodes;

namespace Sac.Mujoco.Tasks;

/// <summary>
/// The options a task trains with unless told otherwise, as rl-baselines3-zoo's <c>hyperparams/sac.yml</c> has an
/// entry per environment: option keys as in a run's <c>config.json</c> → JSON values, and where the values come from.
/// Sac.Mujoco cannot know <c>sac train</c>'s options, so Sac.Cli's <c>EnvironmentProfiles</c> validates the keys and
/// values, as it does its own profiles.
/// </summary>
public sealed class TrainingProfile
{
    private readonly JsonObject _options;

    /// <summary>A profile of <paramref name="options"/> (copied, in their order), taken from <paramref name="source"/>.</summary>
    /// <param name="source">Where the values were published, in one line.</param>
    /// <param name="options">Option key → value, e.g. <c>{ "steps": 1000000, "actorLr": 1e-3 }</c>.</param>
    public TrainingProfile(string source, JsonObject options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        ArgumentNullException.ThrowIfNull(options);
        Source = source;
        _options = (JsonObject)options.DeepClone();
    }

    /// <summary>Where the values were published.</summary>
    public string Source { get; }

    /// <summary>Option key → value, in declaration order; a fresh copy on every read, so no reader can change the profile.</summary>
    public JsonObject Options => (JsonObject)_options.DeepClone();

    /// <summary>
    /// Tianshou's SAC benchmark settings (examples/mujoco/mujoco_sac.py's defaults, the source of the published values
    /// docs/results.md compares with): 256×256, actor and critic learning rates 1e-3, a fixed α = 0.2 (its auto-alpha
    /// is off by default), 10,000 random steps first (rl-zoo's learning_starts too), 1M steps. On Hopper-v5 the fixed
    /// α ended both seeds at the published level where a learned α (toward −dim(A)) left them swinging between 1,000
    /// and 3,400 (docs/results.md).
    /// </summary>
    public static TrainingProfile Tianshou { get; } = new(
        "Tianshou mujoco_sac.py: hidden 256,256, actor and critic lr 1e-3, fixed alpha 0.2, start 10000 random steps, 1M steps",
        new JsonObject
        {
            ["steps"] = 1_000_000, ["actorLr"] = 1e-3, ["criticLr"] = 1e-3, ["learnAlpha"] = false, ["alpha"] = 0.2,
            ["learningStarts"] = 10_000, ["evalEvery"] = 5_000, ["checkpointEvery"] = 50_000,
        });
}
