namespace Sac.Mujoco.Tasks;

/// <summary>
/// What Sac knows of a MuJoCo task besides its dynamics, declared once in the task's own file (as Gymnasium declares
/// <c>register(...)</c> and <c>DEFAULT_CAMERA_CONFIG</c>): its id, its time limit, how to create it, how to film it and
/// how to train it. <see cref="MujocoEnvironments.Tasks"/> lists them; the registry, the renderer, <c>sac train</c>'s
/// profiles and the benchmarks all read them from there, so nothing else in Sac names a task.
/// </summary>
/// <remarks>Reading the metadata loads nothing: only <see cref="Create"/> loads MuJoCo.</remarks>
/// <param name="Id">The Gymnasium id, e.g. <c>"Hopper-v5"</c>.</param>
/// <param name="MaxEpisodeSteps">The <see cref="Sac.Core.Environments.TimeLimit"/> the registry wraps it in (Gymnasium's <c>max_episode_steps</c>).</param>
/// <param name="Create">Makes a fresh, unwrapped task (and loads MuJoCo on first use).</param>
/// <param name="Camera">How a picture of it follows it.</param>
/// <param name="Profile">The training options it defaults to, and their published source.</param>
public sealed record MujocoTask(string Id, int MaxEpisodeSteps, Func<MujocoEnvironment> Create, TrackingCamera Camera, TrainingProfile Profile);
