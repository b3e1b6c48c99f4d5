using Sac.Core.Environments;
using Sac.Mujoco.Native;

namespace Sac.Mujoco.Tasks;

/// <summary>
/// Gymnasium's <c>Hopper-v5</c> with its default arguments: a planar one-legged hopper (6 dofs: rootx, rootz, rooty,
/// thigh, leg, foot; 3 torque actuators with ctrl in [−1, 1]) rewarded for hopping forward while it stays healthy;
/// the episode terminates when it is not. The registry's <see cref="TimeLimit"/> truncates it at <see cref="Metadata"/>'s step limit.
/// </summary>
/// <remarks>
/// From gymnasium/envs/mujoco/hopper_v5.py (frame_skip 4, timestep 0.002, so dt = 0.008):
/// <code>
/// observation = [qpos[1:], clip(qvel, −10, 10)]                11 = 5 + 6 (rootx is excluded)
/// x_velocity  = (qpos[0] after − qpos[0] before) / dt
/// healthy     = every s in [qpos[2:], qvel] has −100 &lt; s &lt; 100,  0.7 &lt; z = qpos[1],  −0.2 &lt; angle = qpos[2] &lt; 0.2
///               (all strict, whatever the docstring's "closed interval" says)
/// reward      = (1.0·x_velocity + 1.0·healthy) − 0.001·Σ aⱼ²   reward_forward + reward_survive + reward_ctrl
/// terminated  = not healthy
/// reset       = qpos0 + U(−0.005, 0.005) per qpos, then 0 + U(−0.005, 0.005) per qvel
/// </code>
/// </remarks>
public sealed class Hopper : PlanarWalker
{
    /// <summary>The Gymnasium id, <c>"Hopper-v5"</c>.</summary>
    public const string EnvironmentId = "Hopper-v5";

    /// <summary>
    /// Hopper-v5 for the registry: Gymnasium's 1000-step limit, a side view that follows the torso, Tianshou's SAC
    /// settings.
    /// </summary>
    // NOTE: Gymnasium's DEFAULT_CAMERA_CONFIG has the same distance (3.0) but looks at a fixed height of 1.15 from
    // −20°; Sac looks at a point 0.3 below the torso from −10°.
    public static MujocoTask Metadata { get; } = new(
        EnvironmentId,
        MaxEpisodeSteps: 1000, // gymnasium/envs/__init__.py
        Create: () => new Hopper(),
        Camera: new TrackingCamera("torso", Distance: 3.0, AzimuthDegrees: 90, ElevationDegrees: -10, LookatOffset: (0, 0, -0.3)),
        Profile: TrainingProfile.Tianshou);

    /// <summary>Gymnasium's default arguments (gymnasium/envs/mujoco/hopper_v5.py, <c>HopperEnv.__init__</c>).</summary>
    /// <remarks>The reset noise is U(−0.005, 0.005) on qpos and qvel; the health checks are all strict (see the class remarks).</remarks>
    public static GymnasiumArguments Arguments { get; } = new()
    {
        FrameSkip = 4,
        ResetNoiseScale = 5e-3,
        ForwardRewardWeight = 1.0,
        CtrlCostWeight = 1e-3,
        HealthyReward = 1.0,
        HealthyStateRange = (-100.0, 100.0),
        HealthyZRange = (0.7, double.PositiveInfinity),
        HealthyAngleRange = (-0.2, 0.2),
    };

    /// <summary>Loads the model (and, on first use, MuJoCo); call <see cref="MujocoEnvironment.Reset"/> before stepping.</summary>
    /// <exception cref="MujocoException">MuJoCo 2.2.2 is not installed, or the model does not load.</exception>
    public Hopper()
        : base(EnvironmentId, "hopper.xml", Arguments, observationDimension: 11)
    {
        RequireSizes(nq: 6, nv: 6, nu: 3, nbody: 5);
    }

    /// <inheritdoc/>
    internal override bool IsHealthy()
    {
        ReadOnlySpan<double> qpos = Simulation.Qpos;
        double z = qpos[1], angle = qpos[2];
        // state_vector()[2:]: rootx and rootz are left out, every velocity is in.
        (double Low, double High) stateRange = Arguments.HealthyStateRange;
        bool healthyState = AllStrictlyWithin(qpos[2..], stateRange) && AllStrictlyWithin(Simulation.Qvel, stateRange);
        bool healthyZ = StrictlyWithin(z, Arguments.HealthyZRange);
        bool healthyAngle = StrictlyWithin(angle, Arguments.HealthyAngleRange);
        return healthyState && healthyZ && healthyAngle;
    }

    /// <summary>low &lt; x &lt; high for every x; NaN fails.</summary>
    internal static bool AllStrictlyWithin(ReadOnlySpan<double> values, (double Low, double High) range)
    {
        foreach (double x in values)
        {
            if (!StrictlyWithin(x, range))
                return false;
        }
        return true;
    }
}
