using Sac.Core.Environments;
using Sac.Mujoco.Native;

namespace Sac.Mujoco.Tasks;

/// <summary>
/// Gymnasium's <c>HalfCheetah-v5</c> with its default arguments: a planar cheetah (9 dofs: rootx, rootz, rooty and six
/// leg hinges, 6 torque actuators with ctrl in [−1, 1]) rewarded for running forward. It never terminates; the
/// registry's <see cref="TimeLimit"/> truncates it at <see cref="Metadata"/>'s step limit.
/// </summary>
/// <remarks>
/// From gymnasium/envs/mujoco/half_cheetah_v5.py (frame_skip 5, timestep 0.01, so dt = 0.05):
/// <code>
/// observation = [qpos[1:], qvel]                               17 = 8 + 9 (rootx is excluded)
/// x_velocity  = (qpos[0] after − qpos[0] before) / dt           around the 5 frames
/// reward      = 1.0·x_velocity − 0.1·Σ aⱼ²                      reward_forward + reward_ctrl
/// reset       = qpos0 + U(−0.1, 0.1) per qpos, then 0 + 0.1·N(0, 1) per qvel
/// </code>
/// </remarks>
public sealed class HalfCheetah : MujocoEnvironment
{
    /// <summary>The Gymnasium id, <c>"HalfCheetah-v5"</c>.</summary>
    public const string EnvironmentId = "HalfCheetah-v5";

    /// <summary>
    /// HalfCheetah-v5 for the registry: Gymnasium's 1000-step limit, a side view that follows the torso, Tianshou's
    /// SAC settings.
    /// </summary>
    // NOTE: Sac's own framing, closer than Gymnasium's DEFAULT_CAMERA_CONFIG (distance 4.0) and looking a little down.
    public static MujocoTask Metadata { get; } = new(
        EnvironmentId,
        MaxEpisodeSteps: 1000, // gymnasium/envs/__init__.py
        Create: () => new HalfCheetah(),
        Camera: new TrackingCamera("torso", Distance: 3.0, AzimuthDegrees: 90, ElevationDegrees: -15, LookatOffset: (0, 0, -0.25)),
        Profile: TrainingProfile.Tianshou);

    /// <summary>Gymnasium's default arguments (gymnasium/envs/mujoco/half_cheetah_v5.py, <c>HalfCheetahEnv.__init__</c>).</summary>
    /// <remarks>The reset noise is U(−0.1, 0.1) on qpos, N(0, 0.1²) on qvel.</remarks>
    public static GymnasiumArguments Arguments { get; } = new()
    {
        FrameSkip = 5,
        ResetNoiseScale = 0.1,
        ForwardRewardWeight = 1.0,
        CtrlCostWeight = 0.1,
    };

    private static readonly string[] s_termNames = ["x_position", "x_velocity", "reward_forward", "reward_ctrl"];

    /// <summary>Loads the model (and, on first use, MuJoCo); call <see cref="MujocoEnvironment.Reset"/> before stepping.</summary>
    /// <exception cref="MujocoException">MuJoCo 2.2.2 is not installed, or the model does not load.</exception>
    public HalfCheetah()
        : base(EnvironmentId, "half_cheetah.xml", Arguments, observationDimension: 17, normalVelocityNoise: true, s_termNames)
    {
        RequireSizes(nq: 9, nv: 9, nu: 6, nbody: 8);
    }

    private protected override StepResult StepTask(ReadOnlySpan<float> action, Span<float> observation)
    {
        double xBefore = Simulation.Qpos[0];
        Simulate(action);
        double xAfter = Simulation.Qpos[0];
        double xVelocity = (xAfter - xBefore) / Dt;

        double forwardReward = Arguments.ForwardRewardWeight * xVelocity;
        double ctrlCost = Arguments.CtrlCostWeight * SumOfSquares(action);
        double reward = forwardReward - ctrlCost;

        WriteObservation(observation);
        Span<double> terms = Terms;
        terms[0] = xAfter;
        terms[1] = xVelocity;
        terms[2] = forwardReward;
        terms[3] = -ctrlCost;
        return new StepResult(reward, Terminated: false, Truncated: false);
    }

    private protected override void WriteObservation(Span<float> observation)
    {
        int n = Write(Simulation.Qpos[1..], observation);
        Write(Simulation.Qvel, observation[n..]);
    }

    private protected override void WriteResetTerms(Span<double> terms) => terms[0] = Simulation.Qpos[0];
}
