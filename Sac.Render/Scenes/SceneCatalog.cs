using Sac.Core.Environments;
using Sac.Mujoco.Tasks;

namespace Sac.Render.Scenes;

/// <summary>Picks the picture of an environment: its own scene for the built-in tasks, a bar chart of the observation otherwise.</summary>
public static class SceneCatalog
{
    /// <summary>
    /// The scene of <paramref name="environment"/>, looking through <see cref="CheckedEnvironment"/> and
    /// <see cref="TimeLimit"/> to the task itself (whose state the scene captures).
    /// </summary>
    public static Scene For(IEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        IEnvironment task = Unwrap(environment);
        return task switch
        {
            Pendulum => new PendulumScene(),
            MountainCarContinuous => new MountainCarScene(),
            MujocoEnvironment mujoco => new MujocoGeomScene(mujoco),
            _ => new ObservationScene(task),
        };
    }

    /// <summary>The task under the registry's wrappers.</summary>
    public static IEnvironment Unwrap(IEnvironment environment)
    {
        while (true)
        {
            switch (environment)
            {
                case CheckedEnvironment checkedEnvironment:
                    environment = checkedEnvironment.Inner;
                    break;
                case TimeLimit timeLimit:
                    environment = timeLimit.Inner;
                    break;
                default:
                    return environment;
            }
        }
    }
}
