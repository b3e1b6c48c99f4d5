using Sac.Core.Environments;
using Sac.Mujoco.Tasks;

namespace Sac.Mujoco;

/// <summary>
/// The MuJoCo tasks, and their registration with <see cref="EnvironmentRegistry"/>. A new task is its file (with its
/// <see cref="MujocoTask"/> metadata), its MJCF asset, and one entry in <see cref="Tasks"/>.
/// </summary>
public static class MujocoEnvironments
{
    private static readonly Lock s_lock = new();
    private static bool s_registered;

    /// <summary>Every task's metadata, in the order <see cref="Register"/> adds them (and --help and the benchmarks list them).</summary>
    public static IReadOnlyList<MujocoTask> Tasks { get; } =
        [HalfCheetah.Metadata, Hopper.Metadata, Walker2d.Metadata, Ant.Metadata, Humanoid.Metadata];

    /// <summary>The ids <see cref="Register"/> adds, in that order.</summary>
    public static IReadOnlyList<string> Ids { get; } = [.. Tasks.Select(task => task.Id)];

    /// <summary>The metadata of the task <paramref name="id"/>, or null if no MuJoCo task has that id.</summary>
    public static MujocoTask? Find(string id) => Tasks.FirstOrDefault(task => task.Id == id);

    /// <summary>
    /// Adds every task of <see cref="Tasks"/>, each in a <see cref="TimeLimit"/> of its own <see cref="MujocoTask.MaxEpisodeSteps"/>.
    /// Idempotent. Registering does not load MuJoCo: creating one of them does.
    /// </summary>
    public static void Register()
    {
        lock (s_lock)
        {
            if (s_registered)
                return;
            foreach (MujocoTask task in Tasks)
                EnvironmentRegistry.Register(task.Id, task.Create, task.MaxEpisodeSteps);
            s_registered = true;
        }
    }
}
