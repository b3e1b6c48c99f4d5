using System.Text.Json.Nodes;
using Sac.Core.Environments;
using Sac.Mujoco.Native;

namespace Sac.Mujoco.Tasks;

/// <summary>
/// Gymnasium's <c>Ant-v5</c> with its default arguments: a four-legged ant (a free torso and eight hinges: 15 qpos,
/// 14 dofs; 8 torque actuators with ctrl in [−1, 1]) rewarded for walking in +x while it stays healthy, with a cost on
/// contact forces; the episode terminates when it is not healthy. The registry's <see cref="TimeLimit"/> truncates it at
/// <see cref="Metadata"/>'s step limit.
/// </summary>
/// <remarks>
/// From gymnasium/envs/mujoco/ant_v5.py (frame_skip 5, timestep 0.01, so dt = 0.05; main_body = 1, the torso):
/// <code>
/// observation   = [qpos[2:], qvel, clip(cfrc_ext[1:], −1, 1)]     105 = 13 + 14 + 13·6 (x, y and the world body excluded)
/// (x, y)_velocity = (xpos[torso][:2] after − before) / dt           the torso's frame position, as left by mj_step
/// contact_cost  = 5e-4·Σ clip(cfrc_ext, −1, 1)²                    over every body
/// healthy       = every qpos and qvel finite  and  0.2 ≤ z = qpos[2] ≤ 1.0   (closed, unlike the others)
/// reward        = (1·x_velocity + 1.0·healthy) − (0.5·Σ aⱼ² + contact_cost)
/// terminated    = not healthy
/// reset         = qpos0 + U(−0.1, 0.1) per qpos, then 0 + 0.1·N(0, 1) per qvel
/// </code>
/// NOTE: xpos after mj_step holds the kinematics from the start of the last sub-step, not of the final qpos; Gymnasium
/// reads it as it is, and so does this task (and its saved state keeps it, for a bitwise resume).
/// </remarks>
public sealed class Ant : MujocoEnvironment
{
    /// <summary>The Gymnasium id, <c>"Ant-v5"</c>.</summary>
    public const string EnvironmentId = "Ant-v5";

    /// <summary>
    /// Ant-v5 for the registry: Gymnasium's 1000-step limit, a three-quarter view from above that follows the torso,
    /// and CleanRL's SAC (<c>sac_continuous_action.py</c>) at its published defaults.
    /// </summary>
    /// <remarks>
    /// Ant-v5 observes its contact forces and pays for them; the values Tianshou tuned were on v3, where those were all
    /// zero. Gymnasium validated v5's Ant with SB3 2.0's SAC at its defaults (Kallinteris-Andreas/
    /// gymnasium-mujuco-v5-envs-validation: 10 runs, mean 4,332 at 1M), and with those settings (the profile from
    /// 2026-12-07 to 12-08; rl-zoo's 10,000 random steps before) Sac learned more slowly than SB3's runs from 200k steps
    /// on. On the held-out seeds 100 and 101, CleanRL's defaults reached 2,539 and 1,966 at 300k (the mean of five
    /// evaluations) against 1,310 and 1,956 with SB3's and 1,341 and 1,574 with rl-zoo's (docs/results.md, "Ant-v5").
    /// CleanRL's defaults: actor lr 3e-4; critics' and temperature's lr 1e-3; 5,000 random steps; the actor and the
    /// temperature stepped twice on every second update (policy_frequency 2), the temperature's loss on α (not log α)
    /// from a fresh sample of the stepped policy; log σ bounded by tanh into [−5, 2]; 10⁻⁶ inside the Jacobian's log.
    /// Sac keeps its critics' loss at SB3's half scale (CleanRL sums the two MSEs), which moves Adam's step only
    /// through its ε (CleanRlParityTests).
    /// </remarks>
    // NOTE: Sac's own framing: Gymnasium's DEFAULT_CAMERA_CONFIG sets only the distance (4.0); a 3-D walker turns, so
    // Sac looks from 60° azimuth and 30° above, 3.5 m away.
    public static MujocoTask Metadata { get; } = new(
        EnvironmentId,
        MaxEpisodeSteps: 1000, // gymnasium/envs/__init__.py
        Create: () => new Ant(),
        Camera: new TrackingCamera("torso", Distance: 3.5, AzimuthDegrees: 60, ElevationDegrees: -30, LookatOffset: (0, 0, 0)),
        Profile: new TrainingProfile(
            "CleanRL sac_continuous_action.py: actor lr 3e-4, critic and alpha lr 1e-3, learned alpha, policy_frequency 2, log std tanh-bounded in [-5, 2], start 5000 random steps, 1M steps",
            new JsonObject
            {
                ["steps"] = 1_000_000, ["actorLr"] = 3e-4, ["criticLr"] = 1e-3, ["alphaLr"] = 1e-3, ["learnAlpha"] = true,
                ["learningStarts"] = 5_000, ["policyFrequency"] = 2, ["temperatureLoss"] = "alpha", ["temperatureSample"] = "fresh",
                ["logStdBounding"] = "tanh", ["logStdMin"] = -5.0, ["jacobianEpsilon"] = 1e-6,
                ["evalEvery"] = 5_000, ["checkpointEvery"] = 50_000,
            }));

    /// <summary>Gymnasium's default arguments (gymnasium/envs/mujoco/ant_v5.py, <c>AntEnv.__init__</c>).</summary>
    /// <remarks>
    /// The reset noise is U(−0.1, 0.1) on qpos, N(0, 0.1²) on qvel; the healthy z range is closed (see the class
    /// remarks); the forces are clipped to the contact force range in the observation and in the contact cost.
    /// </remarks>
    public static GymnasiumArguments Arguments { get; } = new()
    {
        FrameSkip = 5,
        ResetNoiseScale = 0.1,
        ForwardRewardWeight = 1.0,
        CtrlCostWeight = 0.5,
        ContactCostWeight = 5e-4,
        HealthyReward = 1.0,
        HealthyZRange = (0.2, 1.0),
        ContactForceRange = (-1.0, 1.0),
    };

    private static readonly string[] s_termNames =
    [
        "x_position", "y_position", "distance_from_origin", "x_velocity", "y_velocity",
        "reward_forward", "reward_ctrl", "reward_contact", "reward_survive",
    ];

    private readonly int _torso;

    /// <summary>Loads the model (and, on first use, MuJoCo); call <see cref="MujocoEnvironment.Reset"/> before stepping.</summary>
    /// <exception cref="MujocoException">MuJoCo 2.2.2 is not installed, or the model does not load.</exception>
    public Ant()
        : base(EnvironmentId, "ant.xml", Arguments, observationDimension: 105, normalVelocityNoise: true, s_termNames)
    {
        RequireSizes(nq: 15, nv: 14, nu: 8, nbody: 14);
        _torso = Simulation.Model.Id(MjObj.mjOBJ_BODY, "torso");
    }

    /// <summary>Whether the current state is healthy (see the class remarks); the episode terminates when it is not.</summary>
    internal bool IsHealthy()
    {
        ReadOnlySpan<double> qpos = Simulation.Qpos;
        double z = qpos[2];
        bool finite = AllFinite(qpos) && AllFinite(Simulation.Qvel);
        (double zLow, double zHigh) = Arguments.HealthyZRange;
        return finite && zLow <= z && z <= zHigh;
    }

    private protected override StepResult StepTask(ReadOnlySpan<float> action, Span<float> observation)
    {
        (double xBefore, double yBefore) = TorsoXy();
        Simulate(action);
        (double xAfter, double yAfter) = TorsoXy();
        double xVelocity = (xAfter - xBefore) / Dt;
        double yVelocity = (yAfter - yBefore) / Dt;

        bool healthy = IsHealthy();
        double forwardReward = xVelocity * Arguments.ForwardRewardWeight;
        double healthyReward = healthy ? Arguments.HealthyReward : 0.0;
        double ctrlCost = Arguments.CtrlCostWeight * SumOfSquares(action);
        double contactCost = Arguments.ContactCostWeight * ClippedContactForceSquares();
        double reward = forwardReward + healthyReward - (ctrlCost + contactCost);

        WriteObservation(observation);
        Span<double> terms = Terms;
        WriteResetTerms(terms);
        terms[3] = xVelocity;
        terms[4] = yVelocity;
        terms[5] = forwardReward;
        terms[6] = -ctrlCost;
        terms[7] = -contactCost;
        terms[8] = healthyReward;
        return new StepResult(reward, Terminated: !healthy, Truncated: false);
    }

    private protected override void WriteObservation(Span<float> observation)
    {
        int n = Write(Simulation.Qpos[2..], observation);
        n += Write(Simulation.Qvel, observation[n..]);
        // The world body's six entries (always zero) are left out, as in v5.
        (double low, double high) = Arguments.ContactForceRange;
        WriteClipped(Simulation.CfrcExt[6..], low, high, observation[n..]);
    }

    private protected override void WriteResetTerms(Span<double> terms)
    {
        ReadOnlySpan<double> qpos = Simulation.Qpos;
        terms[0] = qpos[0];
        terms[1] = qpos[1];
        terms[2] = Math.Sqrt(qpos[0] * qpos[0] + qpos[1] * qpos[1]);
    }

    private (double X, double Y) TorsoXy()
    {
        ReadOnlySpan<double> xpos = Simulation.Xpos;
        return (xpos[3 * _torso], xpos[3 * _torso + 1]);
    }

    /// <summary>Σ clip(cfrc_ext, −1, 1)² over every body, the world's included.</summary>
    private double ClippedContactForceSquares()
    {
        (double low, double high) = Arguments.ContactForceRange;
        double sum = 0;
        foreach (double f in Simulation.CfrcExt)
        {
            double clipped = Math.Clamp(f, low, high);
            sum += clipped * clipped;
        }
        return sum;
    }

    private static bool AllFinite(ReadOnlySpan<double> values)
    {
        foreach (double x in values)
        {
            if (!double.IsFinite(x))
                return false;
        }
        return true;
    }
}
