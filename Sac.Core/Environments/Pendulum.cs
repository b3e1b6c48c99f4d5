namespace Sac.Core.Environments;

/// <summary>
/// Gymnasium's <c>Pendulum-v1</c>: swing a frictionless pendulum up and hold it upright with a bounded torque.
/// State (θ, θ̇) with θ = 0 upright and θ measured counter-clockwise; observation [cos θ, sin θ, θ̇]; action [u], the
/// torque, clipped to [−2, 2]. It never terminates; the registry's <see cref="TimeLimit"/> truncates it at 200 steps.
/// </summary>
/// <remarks>
/// One step (Gymnasium's order, in float64 like numpy, from the pre-step state):
/// <code>
/// u    = clip(a, −2, 2)
/// r    = −(normalize(θ)² + 0.1·θ̇² + 0.001·u²)          normalize(θ) = ((θ + π) mod 2π) − π
/// θ̇′   = clip(θ̇ + (3g/(2l)·sin θ + 3/(m l²)·u)·dt, −8, 8)
/// θ′   = θ + θ̇′·dt                                      (the new θ̇′, i.e. semi-implicit Euler)
/// </code>
/// with g = 10 (by default), m = l = 1, dt = 0.05. Reset draws θ ~ U(−π, π), then θ̇ ~ U(−1, 1).
/// The state stays in double across steps (Gymnasium keeps a float64 array); only the observation is rounded to float32.
/// <para>
/// NOTE: this is bit-for-bit Gymnasium under numpy 1.x type promotion, whatever the action's dtype, given the same C
/// library (Math.Sin/Cos/Pow call the platform's libm, as numpy's scalar sin/cos/pow do on x86-64 Linux). numpy ≥ 2 (NEP 50)
/// evaluates <c>3.0 * u</c> and <c>0.001 * u**2</c> in float32 when the action array is float32, so there Gymnasium
/// matches this only for float64 actions; with float32 actions the last bits differ and, the pendulum being chaotic,
/// trajectories drift apart over an episode.
/// </para>
/// </remarks>
public sealed class Pendulum : IEnvironment, IStatefulEnvironment
{
    /// <summary>The Gymnasium id, <c>"Pendulum-v1"</c>.</summary>
    public const string EnvironmentId = "Pendulum-v1";

    /// <summary>Gymnasium's default gravity g, 10.0 m/s² (not 9.81).</summary>
    public const double DefaultGravity = 10.0;

    /// <summary>|θ̇| is clipped to this after every step, 8 rad/s (Gymnasium's <c>max_speed</c>).</summary>
    public const double MaxSpeed = 8.0;

    /// <summary>The torque is clipped to ±2 N·m (Gymnasium's <c>max_torque</c>).</summary>
    public const double MaxTorque = 2.0;

    /// <summary>The integration time step, 0.05 s.</summary>
    public const double Dt = 0.05;

    /// <summary>The mass m at the tip, 1 kg.</summary>
    public const double Mass = 1.0;

    /// <summary>The rod length l, 1 m.</summary>
    public const double Length = 1.0;

    private static readonly Box s_observationSpace = new([-1f, -1f, -(float)MaxSpeed], [1f, 1f, (float)MaxSpeed]);
    private static readonly Box s_actionSpace = new([-(float)MaxTorque], [(float)MaxTorque]);

    private Rng? _rng;
    private double _theta;
    private double _thetaDot;

    /// <summary>Creates the pendulum; call <see cref="Reset"/> before stepping.</summary>
    /// <param name="gravity">g in m/s²; Gymnasium's <c>gym.make("Pendulum-v1", g=...)</c>, default 10.0.</param>
    public Pendulum(double gravity = DefaultGravity)
    {
        if (!double.IsFinite(gravity))
            throw new ArgumentOutOfRangeException(nameof(gravity), gravity, "Gravity must be finite.");
        Gravity = gravity;
    }

    /// <summary>The gravitational acceleration g used by the dynamics.</summary>
    public double Gravity { get; }

    /// <inheritdoc/>
    public string Id => EnvironmentId;

    /// <inheritdoc/>
    /// <remarks>[cos θ, sin θ, θ̇] within [−1, −1, −8]…[1, 1, 8].</remarks>
    public Box ObservationSpace => s_observationSpace;

    /// <inheritdoc/>
    /// <remarks>One torque in [−2, 2].</remarks>
    public Box ActionSpace => s_actionSpace;

    /// <summary>The exact double state (θ, θ̇), which the float32 observation cannot recover; for tests.</summary>
    internal (double Theta, double ThetaDot) State
    {
        get => (_theta, _thetaDot);
        set => (_theta, _thetaDot) = value;
    }

    /// <inheritdoc/>
    public void Reset(Span<float> observation, int? seed = null)
    {
        _rng = EnvironmentSeeding.ForReset(_rng, seed);
        // Gymnasium draws the pair with one uniform(low=[−π, −1], high=[π, 1]) call: θ first, then θ̇.
        _theta = _rng.Uniform(-Math.PI, Math.PI);
        _thetaDot = _rng.Uniform(-1.0, 1.0);
        WriteObservation(observation);
    }

    /// <inheritdoc/>
    public StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        double theta = _theta;
        double thetaDot = _thetaDot;
        double g = Gravity;
        const double m = Mass;
        const double l = Length;

        double u = Math.Clamp((double)action[0], -MaxTorque, MaxTorque);

        // CRUCIAL: the cost uses the pre-step state and the clipped torque; θ is wrapped to [−π, π) so that a full turn
        // is not penalised as if the pendulum were far from upright.
        // NOTE: squares go through Math.Pow, not x·x: Gymnasium's `x ** 2` calls the C library's pow, which (glibc 2.36)
        // differs from the correctly rounded x·x in the last bit for about 0.1% of inputs; .NET's Math.Pow calls the same pow.
        double cost = Math.Pow(NormalizeAngle(theta), 2) + 0.1 * Math.Pow(thetaDot, 2) + 0.001 * Math.Pow(u, 2);

        // The expression keeps Gymnasium's grouping so that every rounding matches numpy's float64 evaluation.
        double newThetaDot = thetaDot + (3 * g / (2 * l) * Math.Sin(theta) + 3.0 / (m * Math.Pow(l, 2)) * u) * Dt;
        newThetaDot = Math.Clamp(newThetaDot, -MaxSpeed, MaxSpeed);
        // CRUCIAL: θ advances with the new, clipped θ̇ (semi-implicit Euler), not the old one.
        double newTheta = theta + newThetaDot * Dt;

        _theta = newTheta;
        _thetaDot = newThetaDot;
        WriteObservation(observation);
        return new StepResult(-cost, Terminated: false, Truncated: false);
    }

    /// <summary>
    /// ((θ + π) mod 2π) − π with Python's floored modulo (result in [0, 2π)), which C#'s truncating <c>%</c> is not:
    /// fmod, then shift a negative remainder up by 2π, exactly as numpy's remainder does.
    /// </summary>
    internal static double NormalizeAngle(double theta)
    {
        const double twoPi = 2 * Math.PI;
        double remainder = (theta + Math.PI) % twoPi;
        if (remainder < 0)
            remainder += twoPi;
        return remainder - Math.PI;
    }

    /// <inheritdoc/>
    public System.Text.Json.Nodes.JsonObject SaveState() => new()
    {
        ["theta"] = _theta, ["thetaDot"] = _thetaDot, ["rng"] = EnvironmentState.SaveRng(_rng),
    };

    /// <inheritdoc/>
    public void RestoreState(System.Text.Json.Nodes.JsonObject state)
    {
        ArgumentNullException.ThrowIfNull(state);
        _theta = EnvironmentState.Get<double>(state, "theta", Id);
        _thetaDot = EnvironmentState.Get<double>(state, "thetaDot", Id);
        _rng = EnvironmentState.RestoreRng(state["rng"]);
    }

    private void WriteObservation(Span<float> observation)
    {
        // Computed in double, rounded once to float32, as numpy's np.array([...], dtype=np.float32) does.
        observation[0] = (float)Math.Cos(_theta);
        observation[1] = (float)Math.Sin(_theta);
        observation[2] = (float)_thetaDot;
    }
}
