using Sac.Core.Environments;

namespace Sac.Mujoco.Native;

/// <summary>
/// MuJoCo refused or failed: the library is missing or the wrong version, a model did not compile (the message carries
/// MuJoCo's own error text), or the simulation produced a bad value (NaN, ±∞ or beyond 1e10 in qpos, qvel, qacc or
/// ctrl), in which case the message names the environment, the step and the field. The process always survives it.
/// </summary>
public sealed class MujocoException : EnvironmentException
{
    /// <summary>Creates an exception with a default message.</summary>
    public MujocoException()
        : base("MuJoCo failed.")
    {
    }

    /// <summary>Creates an exception whose message says what failed and what to do.</summary>
    public MujocoException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception that wraps the failure that caused it.</summary>
    public MujocoException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
