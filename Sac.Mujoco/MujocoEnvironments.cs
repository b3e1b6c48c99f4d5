using Sac.Core.Environments;
using Sac.Mujoco.Tasks;

namespace Sac.Mujoco;

/// <summary>Registers the MuJoCo locomotion tasks with <see cref="EnvironmentRegistry"/>.</summary>
public static class MujocoEnvironments
{
    /// <summary>Gymnasium's <c>max_episode_steps</c> for all five tasks (gymnasium/envs/__init__.py).</summary>
    public const int MaxEpisodeSteps = 1000;

    private static readonly Lock s_lock = new();
    private static bool s_registered;

    /// <summary>The ids <see cref="Register"/> adds, in that order.</summary>
    public static IReadOnlyList<string> Ids { get; } =
        [HalfCheetah.EnvironmentId, Hopper.EnvironmentId, Walker2d.EnvironmentId, Ant.EnvironmentId, Humanoid.EnvironmentId];

    /// <summary>
    /// Adds HalfCheetah-v5, Hopper-v5, Walker2d-v5, Ant-v5 and Humanoid-v5, each with a 1000-step
    /// <see cref="TimeLimit"/>. Idempotent. Registering does not load MuJoCo: creating one of them does.
    /// </summary>
    public static void Register()
    {
        lock (s_lock)
        {
            if (s_registered)
                return;
            EnvironmentRegistry.Register(HalfCheetah.EnvironmentId, () => new HalfCheetah(), MaxEpisodeSteps);
            EnvironmentRegistry.Register(Hopper.EnvironmentId, () => new Hopper(), MaxEpisodeSteps);
            EnvironmentRegistry.Register(Walker2d.EnvironmentId, () => new Walker2d(), MaxEpisodeSteps);
            EnvironmentRegistry.Register(Ant.EnvironmentId, () => new Ant(), MaxEpisodeSteps);
            EnvironmentRegistry.Register(Humanoid.EnvironmentId, () => new Humanoid(), MaxEpisodeSteps);
            s_registered = true;
        }
    }
}
