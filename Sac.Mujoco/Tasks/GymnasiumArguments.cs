namespace Sac.Mujoco.Tasks;

/// <summary>
/// The keyword arguments of a Gymnasium v5 locomotion environment's <c>__init__</c>, each documented once here: a task
/// declares its own values in one initializer (Gymnasium's defaults, citing its <c>*_v5.py</c>), and its step reads them
/// from there. An argument the task's Gymnasium file does not take keeps its default here, which is the value that
/// leaves the reward or the health check as if the term were absent; the task's code does not read it.
/// </summary>
/// <remarks>
/// Gymnasium's remaining arguments are fixed by Sac's tasks and not represented: <c>xml_file</c> (the embedded asset),
/// <c>default_camera_config</c> (<see cref="MujocoTask.Camera"/>), <c>terminate_when_unhealthy</c> (always true),
/// <c>exclude_current_positions_from_observation</c> (always true), <c>main_body</c> (Ant's torso),
/// <c>include_cfrc_ext_in_observation</c> and the other <c>include_*</c> flags (always their defaults, true).
/// </remarks>
public sealed record GymnasiumArguments
{
    /// <summary><c>frame_skip</c>: mj_step calls per environment step, so dt = <c>opt.timestep</c> × frame_skip.</summary>
    public required int FrameSkip { get; init; }

    /// <summary>
    /// <c>reset_noise_scale</c>: the half-width of the U(−scale, scale) noise added to every qpos at a reset, and of the
    /// qvel noise (or its standard deviation, where the task draws qvel from N(0, scale²)).
    /// </summary>
    public required double ResetNoiseScale { get; init; }

    /// <summary><c>forward_reward_weight</c>: reward_forward = weight × x_velocity.</summary>
    public required double ForwardRewardWeight { get; init; }

    /// <summary><c>ctrl_cost_weight</c>: ctrl_cost = weight × Σ aⱼ², over the action as given.</summary>
    public required double CtrlCostWeight { get; init; }

    /// <summary><c>healthy_reward</c>: reward_survive, paid only on healthy steps (the v5 fix); 0 for a task with no health.</summary>
    public double HealthyReward { get; init; }

    /// <summary>
    /// <c>healthy_z_range</c>: the torso height (qpos[1] for a planar walker, qpos[2] for a free body) must lie within
    /// it; whether its ends are included is the task's (see its remarks).
    /// </summary>
    public (double Low, double High) HealthyZRange { get; init; } = (double.NegativeInfinity, double.PositiveInfinity);

    /// <summary><c>healthy_angle_range</c>: the torso angle qpos[2] of a planar walker must lie strictly within it.</summary>
    public (double Low, double High) HealthyAngleRange { get; init; } = (double.NegativeInfinity, double.PositiveInfinity);

    /// <summary><c>healthy_state_range</c>: every element of <c>state_vector()[2:]</c> (qpos[2:], then qvel) must lie strictly within it.</summary>
    public (double Low, double High) HealthyStateRange { get; init; } = (double.NegativeInfinity, double.PositiveInfinity);

    /// <summary><c>contact_cost_weight</c>: contact_cost = weight × Σ cfrc_ext² (the forces clipped or not, as the task says).</summary>
    public double ContactCostWeight { get; init; }

    /// <summary><c>contact_force_range</c>: cfrc_ext is clipped to it, in the observation and in the contact cost.</summary>
    public (double Low, double High) ContactForceRange { get; init; } = (double.NegativeInfinity, double.PositiveInfinity);

    /// <summary><c>contact_cost_range</c>: the contact cost itself (not the forces) is clipped to it.</summary>
    public (double Low, double High) ContactCostRange { get; init; } = (double.NegativeInfinity, double.PositiveInfinity);
}
