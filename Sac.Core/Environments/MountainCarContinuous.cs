namespace Sac.Core.Environments;

/// <summary>
/// Gymnasium's <c>MountainCarContinuous-v0</c>: an under-powered car in a valley must rock back and forth to reach the
/// flag at position 0.45 on the right hill. Observation [position, velocity]; action [force], clipped to [−1, 1].
/// Terminates at the goal; the registry's <see cref="TimeLimit"/> truncates it at 999 steps.
/// </summary>
/// <remarks>
/// One step (Gymnasium's order, float64 arithmetic on the stored state):
/// <code>
/// f  = clip(a, −1, 1)
/// v′ = clip(v + (f·0.0015 − 0.0025·cos(3x)), −0.07, 0.07)
/// x′ = clip(x + v′, −1.2, 0.6);   if x′ = −1.2 and v′ &lt; 0 then v′ = 0      (inelastic left wall)
/// terminated = x′ ≥ 0.45 and v′ ≥ goal_velocity (0)
/// r  = (terminated ? 100 : 0) − 0.1·a²                                     (the unclipped a: see Step)
/// </code>
/// Reset draws x ~ U(−0.6, −0.4) and sets v = 0. The state is rounded to float32 after every step, as Gymnasium stores it.
/// <para>
/// NOTE: this is bit-for-bit Gymnasium under numpy 1.x type promotion. numpy ≥ 2 (NEP 50) computes <c>3 * position</c>
/// in float32 once the stored state is np.float32 (and, for float32 actions, <c>force * power</c> too), so Gymnasium
/// on numpy 2 differs from this in the last bits of the velocity update (observations a few 1e-5 apart after thousands of steps).
/// </para>
/// </remarks>
public sealed class MountainCarContinuous : IEnvironment, IStatefulEnvironment
{
    /// <summary>The Gymnasium id, <c>"MountainCarContinuous-v0"</c>.</summary>
    public const string EnvironmentId = "MountainCarContinuous-v0";

    /// <summary>The left wall, −1.2 (Gymnasium's <c>min_position</c>).</summary>
    public const double MinPosition = -1.2;

    /// <summary>The right end of the track, 0.6 (Gymnasium's <c>max_position</c>).</summary>
    public const double MaxPosition = 0.6;

    /// <summary>|velocity| is clipped to this, 0.07 (Gymnasium's <c>max_speed</c>).</summary>
    public const double MaxSpeed = 0.07;

    /// <summary>The flag: reaching position ≥ 0.45 (with velocity ≥ <see cref="GoalVelocity"/>) ends the episode.</summary>
    public const double GoalPosition = 0.45;

    /// <summary>The force multiplier, 0.0015 (Gymnasium's <c>power</c>).</summary>
    public const double Power = 0.0015;

    /// <summary>The force is clipped to [−1, 1] (Gymnasium's <c>min_action</c>/<c>max_action</c>).</summary>
    public const double MaxAction = 1.0;

    /// <summary>The reward added on the step that reaches the goal.</summary>
    public const double GoalReward = 100.0;

    // Gymnasium's Box bounds: float32(−1.2, −0.07) and float32(0.6, 0.07). Its docstring table says ±Inf; the code does not.
    private static readonly Box s_observationSpace = new([(float)MinPosition, -(float)MaxSpeed], [(float)MaxPosition, (float)MaxSpeed]);
    private static readonly Box s_actionSpace = new([-(float)MaxAction], [(float)MaxAction]);

    private Rng? _rng;
    private double _position;
    private double _velocity;

    /// <summary>Creates the car; call <see cref="Reset"/> before stepping.</summary>
    /// <param name="goalVelocity">The minimum velocity at the flag for termination; Gymnasium's <c>goal_velocity</c>, default 0.</param>
    public MountainCarContinuous(double goalVelocity = 0.0)
    {
        if (!double.IsFinite(goalVelocity))
            throw new ArgumentOutOfRangeException(nameof(goalVelocity), goalVelocity, "The goal velocity must be finite.");
        GoalVelocity = goalVelocity;
    }

    /// <summary>The minimum velocity at the flag for the episode to terminate (Gymnasium's <c>goal_velocity</c>).</summary>
    public double GoalVelocity { get; }

    /// <inheritdoc/>
    public string Id => EnvironmentId;

    /// <inheritdoc/>
    /// <remarks>[position, velocity] within [−1.2, −0.07]…[0.6, 0.07].</remarks>
    public Box ObservationSpace => s_observationSpace;

    /// <inheritdoc/>
    /// <remarks>One force in [−1, 1].</remarks>
    public Box ActionSpace => s_actionSpace;

    /// <summary>The exact state the next step starts from (a float64 draw after Reset, float32 values after a Step); for tests.</summary>
    internal (double Position, double Velocity) State
    {
        get => (_position, _velocity);
        set => (_position, _velocity) = value;
    }

    /// <inheritdoc/>
    public void Reset(Span<float> observation, int? seed = null)
    {
        _rng = EnvironmentSeeding.ForReset(_rng, seed);
        // NOTE: Gymnasium keeps this draw in float64 until the first step, so it is not rounded here.
        _position = _rng.Uniform(-0.6, -0.4);
        _velocity = 0.0;
        WriteObservation(observation);
    }

    /// <inheritdoc/>
    public StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        double a = action[0];
        double position = _position;
        double velocity = _velocity;
        double force = Math.Clamp(a, -MaxAction, MaxAction);

        // Gymnasium's `velocity += force * power - 0.0025 * cos(3 * position)`: the bracket is one rounding unit.
        velocity += force * Power - 0.0025 * Math.Cos(3 * position);
        velocity = Math.Clamp(velocity, -MaxSpeed, MaxSpeed);
        position += velocity;
        position = Math.Clamp(position, MinPosition, MaxPosition);
        if (position == MinPosition && velocity < 0)
            velocity = 0.0;

        // NOTE: decided on the float64 values, before the state is rounded to float32 below, as Gymnasium does: a car
        // just past 0.45 terminates although its observation reads float32(0.45) = 0.44999998807907104.
        bool terminated = position >= GoalPosition && velocity >= GoalVelocity;

        // NOTE: the penalty squares the action as given, not the clipped force (Gymnasium's math.pow(action[0], 2)), so
        // an action of 3 costs 0.9 while pushing no harder than 1.
        // Math.Pow rather than a·a for the same reason as in Pendulum: it is the pow Gymnasium's math.pow calls.
        double reward = terminated ? GoalReward : 0.0;
        reward -= Math.Pow(a, 2) * 0.1;

        // CRUCIAL: Gymnasium stores its state as np.float32 after every step and the next step starts from those
        // rounded values; without this rounding trajectories drift from Gymnasium's within a few steps.
        _position = (float)position;
        _velocity = (float)velocity;
        WriteObservation(observation);
        return new StepResult(reward, terminated, Truncated: false);
    }

    private void WriteObservation(Span<float> observation)
    {
        observation[0] = (float)_position;
        observation[1] = (float)_velocity;
    }

    /// <inheritdoc/>
    public System.Text.Json.Nodes.JsonObject SaveState() => new()
    {
        ["position"] = _position, ["velocity"] = _velocity, ["rng"] = EnvironmentState.SaveRng(_rng),
    };

    /// <inheritdoc/>
    public void RestoreState(System.Text.Json.Nodes.JsonObject state)
    {
        ArgumentNullException.ThrowIfNull(state);
        _position = EnvironmentState.Get<double>(state, "position", Id);
        _velocity = EnvironmentState.Get<double>(state, "velocity", Id);
        _rng = EnvironmentState.RestoreRng(state["rng"]);
    }
}
