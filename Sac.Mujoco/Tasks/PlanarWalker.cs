using Sac.Core.Environments;

namespace Sac.Mujoco.Tasks;

/// <summary>
/// What Hopper-v5 and Walker2d-v5 share (walker2d_v5.py "builds on the hopper environment"; their steps are the same
/// code): a planar body whose qpos starts rootx, rootz, rooty, rewarded for moving in +x while it stays healthy, and
/// terminated when it is not. Each task says what healthy means and gives its weights.
/// </summary>
/// <remarks>
/// From hopper_v5.py and walker2d_v5.py:
/// <code>
/// observation = [qpos[1:], clip(qvel, −limit, limit)]              rootx is excluded
/// x_velocity  = (qpos[0] after − qpos[0] before) / dt
/// reward      = (w_forward·x_velocity + healthy_reward·healthy) − w_ctrl·Σ aⱼ²   reward_forward + reward_survive + reward_ctrl
/// terminated  = not healthy
/// </code>
/// </remarks>
public abstract class PlanarWalker : MujocoEnvironment
{
    private static readonly string[] s_termNames =
        ["x_position", "z_distance_from_origin", "x_velocity", "reward_forward", "reward_ctrl", "reward_survive"];

    // NOTE: not an argument: hopper_v5.py and walker2d_v5.py both write np.clip(qvel, -10, 10) in _get_obs.
    private const double ObservationVelocityLimit = 10.0;

    private readonly GymnasiumArguments _arguments;

    /// <summary>Loads the model; the task gives every number (Gymnasium's default arguments).</summary>
    /// <param name="id">The Gymnasium id.</param>
    /// <param name="assetFile">The embedded MJCF file.</param>
    /// <param name="arguments">
    /// The task's Gymnasium arguments: the step reads <c>forward_reward_weight</c>, <c>ctrl_cost_weight</c> and
    /// <c>healthy_reward</c>, the task's <see cref="IsHealthy"/> its healthy ranges; the reset noise is U(−scale, scale)
    /// on qpos and qvel.
    /// </param>
    /// <param name="observationDimension">nq − 1 + nv.</param>
    private protected PlanarWalker(string id, string assetFile, GymnasiumArguments arguments, int observationDimension)
        : base(id, assetFile, arguments, observationDimension, normalVelocityNoise: false, s_termNames)
    {
        _arguments = arguments;
    }

    /// <summary>Whether the current state is healthy (see the task's remarks); the episode terminates when it is not.</summary>
    internal abstract bool IsHealthy();

    private protected override StepResult StepTask(ReadOnlySpan<float> action, Span<float> observation)
    {
        double xBefore = Simulation.Qpos[0];
        Simulate(action);
        double xAfter = Simulation.Qpos[0];
        double xVelocity = (xAfter - xBefore) / Dt;

        bool healthy = IsHealthy();
        double forwardReward = _arguments.ForwardRewardWeight * xVelocity;
        double healthyReward = healthy ? _arguments.HealthyReward : 0.0;
        double ctrlCost = _arguments.CtrlCostWeight * SumOfSquares(action);
        double reward = forwardReward + healthyReward - ctrlCost;

        WriteObservation(observation);
        Span<double> terms = Terms;
        terms[0] = xAfter;
        terms[1] = Simulation.Qpos[1] - InitialQpos[1];
        terms[2] = xVelocity;
        terms[3] = forwardReward;
        terms[4] = -ctrlCost;
        terms[5] = healthyReward;
        return new StepResult(reward, Terminated: !healthy, Truncated: false);
    }

    private protected override void WriteObservation(Span<float> observation)
    {
        int n = Write(Simulation.Qpos[1..], observation);
        WriteClipped(Simulation.Qvel, -ObservationVelocityLimit, ObservationVelocityLimit, observation[n..]);
    }

    private protected override void WriteResetTerms(Span<double> terms)
    {
        terms[0] = Simulation.Qpos[0];
        terms[1] = Simulation.Qpos[1] - InitialQpos[1];
    }
}
