using Sac.Core.Environments;
using Sac.Mujoco;

namespace Sac.Benchmarks;

/// <summary>The environments the per-environment suites run over: every registered id, the MuJoCo tasks included.</summary>
public static class BenchmarkEnvironments
{
    /// <summary>The built-ins, then the MuJoCo tasks in registry order (registering them loads no MuJoCo).</summary>
    public static IReadOnlyList<string> Ids
    {
        get
        {
            MujocoEnvironments.Register();
            return EnvironmentRegistry.Ids;
        }
    }
}
