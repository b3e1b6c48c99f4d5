using Sac.Core.Environments;
using Sac.Mujoco.Native;

namespace Sac.Mujoco.Tasks;

/// <summary>
/// Gymnasium's <c>Walker2d-v5</c> with its default arguments: a planar biped (9 dofs: rootx, rootz, rooty and three
/// hinges per leg; 6 torque actuators with ctrl in [−1, 1]) rewarded for walking forward while it stays healthy; the
/// episode terminates when it is not. The registry's <see cref="TimeLimit"/> truncates it at <see cref="Metadata"/>'s step limit.
/// </summary>
/// <remarks>
/// From gymnasium/envs/mujoco/walker2d_v5.py (frame_skip 4, timestep 0.002, so dt = 0.008; both feet have friction 1.9
/// in v5's walker2d_v5.xml):
/// <code>
/// observation = [qpos[1:], clip(qvel, −10, 10)]                17 = 8 + 9 (rootx is excluded)
/// x_velocity  = (qpos[0] after − qpos[0] before) / dt
/// healthy     = 0.8 &lt; z = qpos[1] &lt; 2.0  and  −1 &lt; angle = qpos[2] &lt; 1   (strict; no state range, unlike Hopper)
/// reward      = (1.0·x_velocity + 1.0·healthy) − 0.001·Σ aⱼ²   reward_forward + reward_survive + reward_ctrl
/// terminated  = not healthy
/// reset       = qpos0 + U(−0.005, 0.005) per qpos, then 0 + U(−0.005, 0.005) per qvel
/// </code>
/// </remarks>
public sealed class Walker2d : PlanarWalker
{
    /// <summary>The Gymnasium id, <c>"Walker2d-v5"</c>.</summary>
    public const string EnvironmentId = "Walker2d-v5";

    /// <summary>
    /// Walker2d-v5 for the registry: Gymnasium's 1000-step limit, a side view that follows the torso, Tianshou's SAC
    /// settings.
    /// </summary>
    // NOTE: Sac's own framing, Hopper's: closer than Gymnasium's DEFAULT_CAMERA_CONFIG (distance 4.0, a fixed look-at
    // height of 1.15, −20°).
    public static MujocoTask Metadata { get; } = new(
        EnvironmentId,
        MaxEpisodeSteps: 1000, // gymnasium/envs/__init__.py
        Create: () => new Walker2d(),
        Camera: new TrackingCamera("torso", Distance: 3.0, AzimuthDegrees: 90, ElevationDegrees: -10, LookatOffset: (0, 0, -0.3)),
        Profile: TrainingProfile.Tianshou);

    /// <summary>Gymnasium's default arguments (gymnasium/envs/mujoco/walker2d_v5.py, <c>Walker2dEnv.__init__</c>).</summary>
    /// <remarks>The reset noise is U(−0.005, 0.005) on qpos and qvel; both health checks are strict (see the class remarks).</remarks>
    public static GymnasiumArguments Arguments { get; } = new()
    {
        FrameSkip = 4,
        ResetNoiseScale = 5e-3,
        ForwardRewardWeight = 1.0,
        CtrlCostWeight = 1e-3,
        HealthyReward = 1.0,
        HealthyZRange = (0.8, 2.0),
        HealthyAngleRange = (-1.0, 1.0),
    };

    /// <summary>Loads the model (and, on first use, MuJoCo); call <see cref="MujocoEnvironment.Reset"/> before stepping.</summary>
    /// <exception cref="MujocoException">MuJoCo 2.2.2 is not installed, or the model does not load.</exception>
    public Walker2d()
        : base(EnvironmentId, "walker2d.xml", Arguments, observationDimension: 17)
    {
        RequireSizes(nq: 9, nv: 9, nu: 6, nbody: 8);
    }

    /// <inheritdoc/>
    internal override bool IsHealthy()
    {
        ReadOnlySpan<double> qpos = Simulation.Qpos;
        double z = qpos[1], angle = qpos[2];
        bool healthyZ = StrictlyWithin(z, Arguments.HealthyZRange);
        bool healthyAngle = StrictlyWithin(angle, Arguments.HealthyAngleRange);
        return healthyZ && healthyAngle;
    }
}
