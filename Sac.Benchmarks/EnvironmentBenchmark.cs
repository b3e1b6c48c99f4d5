using BenchmarkDotNet.Attributes;
using Sac.Core.Environments;
using Sac.Mujoco;

namespace Sac.Benchmarks;

/// <summary>
/// A suite run once per registered environment, the MuJoCo tasks included: the list is the registry's, so a new task
/// is benchmarked with no edit here.
/// </summary>
public abstract class EnvironmentBenchmark
{
    /// <summary>Environment id, each of <see cref="Environments"/>.</summary>
    [ParamsSource(nameof(Environments))]
    public string Env { get; set; } = "Pendulum-v1";

    /// <summary>The built-ins, then the MuJoCo tasks in registry order (registering them loads no MuJoCo).</summary>
    public static IEnumerable<string> Environments
    {
        get
        {
            MujocoEnvironments.Register();
            return EnvironmentRegistry.Ids;
        }
    }

    /// <summary>A fresh <see cref="Env"/>, wrapped as the trainer gets it (BenchmarkDotNet runs each case in its own process).</summary>
    protected IEnvironment CreateEnvironment()
    {
        MujocoEnvironments.Register();
        return EnvironmentRegistry.Create(Env);
    }
}
