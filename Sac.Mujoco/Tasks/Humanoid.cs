using Sac.Core.Environments;
using Sac.Mujoco.Native;

namespace Sac.Mujoco.Tasks;

/// <summary>
/// Gymnasium's <c>Humanoid-v5</c> with its default arguments: a 3-D humanoid (a free torso and 17 hinges: 24 qpos,
/// 23 dofs; 17 torque actuators with ctrl in [−0.4, 0.4]) rewarded for moving its centre of mass in +x while it stays
/// upright; the episode terminates when it falls. The registry's <see cref="TimeLimit"/> truncates it at <see cref="Metadata"/>'s step limit.
/// </summary>
/// <remarks>
/// From gymnasium/envs/mujoco/humanoid_v5.py (frame_skip 5, timestep 0.003, so dt = 0.015; PGS solver, 50 iterations):
/// <code>
/// observation   = [qpos[2:], qvel, cinert[1:], cvel[1:], qfrc_actuator[6:], cfrc_ext[1:]]
///                 348 = 22 + 23 + 13·10 + 13·6 + 17 + 13·6     (x, y, the world body and the free joint's forces excluded)
/// mass_center   = Σ_b body_mass[b]·xipos[b] / Σ_b body_mass[b]    its x and y; xipos as left by mj_step
/// (x, y)_velocity = (mass_center after − before) / dt
/// contact_cost  = min(5e-7·Σ cfrc_ext², 10)                       over every body, unclipped forces
/// healthy       = 1.0 &lt; z = qpos[2] &lt; 2.0                          (strict)
/// reward        = (1.25·x_velocity + 5.0·healthy) − (0.1·Σ ctrlⱼ² + contact_cost)
/// terminated    = not healthy
/// reset         = qpos0 + U(−0.01, 0.01) per qpos, then 0 + U(−0.01, 0.01) per qvel
/// </code>
/// NOTE: Gymnasium's control cost squares <c>data.ctrl</c>, which holds the action exactly as given (MuJoCo clamps
/// only its internal copy), so this task squares the action as given, as the other four do.
/// </remarks>
public sealed class Humanoid : MujocoEnvironment
{
    /// <summary>The Gymnasium id, <c>"Humanoid-v5"</c>.</summary>
    public const string EnvironmentId = "Humanoid-v5";

    /// <summary>
    /// Humanoid-v5 for the registry: Gymnasium's 1000-step limit, a side view that follows the torso, Tianshou's SAC
    /// settings.
    /// </summary>
    // NOTE: Gymnasium's DEFAULT_CAMERA_CONFIG has the same distance (4.0) but looks at a fixed height of 2.0 from −20°;
    // Sac looks at a point 0.4 below the torso from −10°.
    public static MujocoTask Metadata { get; } = new(
        EnvironmentId,
        MaxEpisodeSteps: 1000, // gymnasium/envs/__init__.py
        Create: () => new Humanoid(),
        Camera: new TrackingCamera("torso", Distance: 4.0, AzimuthDegrees: 90, ElevationDegrees: -10, LookatOffset: (0, 0, -0.4)),
        Profile: TrainingProfile.Tianshou);

    /// <summary>Gymnasium's default arguments (gymnasium/envs/mujoco/humanoid_v5.py, <c>HumanoidEnv.__init__</c>).</summary>
    /// <remarks>
    /// The reset noise is U(−0.01, 0.01) on qpos and qvel; the healthy z range is open (see the class remarks); the
    /// contact cost, not the forces, is clipped.
    /// </remarks>
    public static GymnasiumArguments Arguments { get; } = new()
    {
        FrameSkip = 5,
        ResetNoiseScale = 1e-2,
        ForwardRewardWeight = 1.25,
        CtrlCostWeight = 0.1,
        ContactCostWeight = 5e-7,
        ContactCostRange = (double.NegativeInfinity, 10.0),
        HealthyReward = 5.0,
        HealthyZRange = (1.0, 2.0),
    };

    private static readonly string[] s_termNames =
    [
        "x_position", "y_position", "distance_from_origin", "x_velocity", "y_velocity",
        "reward_survive", "reward_forward", "reward_ctrl", "reward_contact",
    ];

    private readonly double[] _bodyMass;
    private readonly double _totalMass;

    /// <summary>Loads the model (and, on first use, MuJoCo); call <see cref="MujocoEnvironment.Reset"/> before stepping.</summary>
    /// <exception cref="MujocoException">MuJoCo 2.2.2 is not installed, or the model does not load.</exception>
    public Humanoid()
        : base(EnvironmentId, "humanoid.xml", Arguments, observationDimension: 348, normalVelocityNoise: false, s_termNames)
    {
        RequireSizes(nq: 24, nv: 23, nu: 17, nbody: 14);
        _bodyMass = Simulation.Model.Array<double>(MjModelArrays.body_mass).ToArray();
        foreach (double mass in _bodyMass)
            _totalMass += mass;
    }

    /// <summary>Whether the current state is healthy (see the class remarks); the episode terminates when it is not.</summary>
    internal bool IsHealthy()
    {
        double z = Simulation.Qpos[2];
        return StrictlyWithin(z, Arguments.HealthyZRange);
    }

    /// <summary>Gymnasium's <c>mass_center</c>: the mass-weighted mean of the bodies' xipos, x and y.</summary>
    internal (double X, double Y) MassCenter()
    {
        ReadOnlySpan<double> xipos = Simulation.Xipos;
        double x = 0, y = 0;
        for (int b = 0; b < _bodyMass.Length; b++)
        {
            x += _bodyMass[b] * xipos[3 * b];
            y += _bodyMass[b] * xipos[3 * b + 1];
        }
        return (x / _totalMass, y / _totalMass);
    }

    private protected override StepResult StepTask(ReadOnlySpan<float> action, Span<float> observation)
    {
        (double xBefore, double yBefore) = MassCenter();
        Simulate(action);
        (double xAfter, double yAfter) = MassCenter();
        double xVelocity = (xAfter - xBefore) / Dt;
        double yVelocity = (yAfter - yBefore) / Dt;

        bool healthy = IsHealthy();
        double forwardReward = Arguments.ForwardRewardWeight * xVelocity;
        double healthyReward = healthy ? Arguments.HealthyReward : 0.0;
        double ctrlCost = Arguments.CtrlCostWeight * SumOfSquares(action);
        (double contactCostLow, double contactCostHigh) = Arguments.ContactCostRange;
        double contactCost = Math.Clamp(Arguments.ContactCostWeight * ContactForceSquares(), contactCostLow, contactCostHigh);
        double reward = forwardReward + healthyReward - (ctrlCost + contactCost);

        WriteObservation(observation);
        Span<double> terms = Terms;
        WriteResetTerms(terms);
        terms[3] = xVelocity;
        terms[4] = yVelocity;
        terms[5] = healthyReward;
        terms[6] = forwardReward;
        terms[7] = -ctrlCost;
        terms[8] = -contactCost;
        return new StepResult(reward, Terminated: !healthy, Truncated: false);
    }

    private protected override void WriteObservation(Span<float> observation)
    {
        MujocoSimulation sim = Simulation;
        int n = Write(sim.Qpos[2..], observation);
        n += Write(sim.Qvel, observation[n..]);
        // v5 leaves out the world body (index 0) of the per-body quantities, and the free joint's six dofs of qfrc_actuator.
        n += Write(sim.Cinert[10..], observation[n..]);
        n += Write(sim.Cvel[6..], observation[n..]);
        n += Write(sim.QfrcActuator[6..], observation[n..]);
        Write(sim.CfrcExt[6..], observation[n..]);
    }

    private protected override void WriteResetTerms(Span<double> terms)
    {
        ReadOnlySpan<double> qpos = Simulation.Qpos;
        terms[0] = qpos[0];
        terms[1] = qpos[1];
        terms[2] = Math.Sqrt(qpos[0] * qpos[0] + qpos[1] * qpos[1]);
    }

    /// <summary>Σ cfrc_ext² over every body, the world's included.</summary>
    private double ContactForceSquares()
    {
        double sum = 0;
        foreach (double f in Simulation.CfrcExt)
            sum += f * f;
        return sum;
    }
}
