namespace Sac.Tests.Environments;

/// <summary>
/// Gymnasium's classic-control equations, written out straight from the published step functions
/// (gymnasium/envs/classic_control/pendulum.py and continuous_mountain_car.py) with Python/numpy semantics,
/// independently of Sac.Core. Arithmetic is float64, as numpy's is for these scalar expressions.
/// </summary>
internal static class GymnasiumOracle
{
    /// <summary>Python's float <c>a % b</c>: C's fmod, then moved into the sign of b (CPython's float_rem).</summary>
    public static double PythonMod(double a, double b)
    {
        double mod = a % b; // C# % on doubles is C's fmod
        if (mod != 0 && (b < 0) != (mod < 0))
            mod += b;
        return mod;
    }

    /// <summary>pendulum.py's angle_normalize: ((x + π) % (2π)) − π.</summary>
    public static double AngleNormalize(double x) => PythonMod(x + Math.PI, 2 * Math.PI) - Math.PI;

    /// <summary>One Pendulum-v1 step from (th, thdot) with raw action a; returns the reward and the new state.</summary>
    public static (double Reward, double Th, double ThDot) PendulumStep(double th, double thdot, double a, double g = 10.0)
    {
        const double maxSpeed = 8, maxTorque = 2.0, dt = 0.05, m = 1.0, l = 1.0;
        double u = Math.Min(Math.Max(a, -maxTorque), maxTorque);
        double costs = Math.Pow(AngleNormalize(th), 2) + 0.1 * Math.Pow(thdot, 2) + 0.001 * Math.Pow(u, 2);
        double newthdot = thdot + (3 * g / (2 * l) * Math.Sin(th) + 3.0 / (m * Math.Pow(l, 2)) * u) * dt;
        newthdot = Math.Min(Math.Max(newthdot, -maxSpeed), maxSpeed);
        double newth = th + newthdot * dt;
        return (-costs, newth, newthdot);
    }

    /// <summary>Pendulum's _get_obs: float32 of [cos θ, sin θ, θ̇].</summary>
    public static float[] PendulumObservation(double th, double thdot) => [(float)Math.Cos(th), (float)Math.Sin(th), (float)thdot];

    /// <summary>
    /// One MountainCarContinuous-v0 step from (position, velocity) with raw action a. Returns the reward, termination
    /// and the new state as Gymnasium stores it: np.array([position, velocity], dtype=np.float32).
    /// </summary>
    public static (double Reward, bool Terminated, float Position, float Velocity) MountainCarStep(double position, double velocity, double a)
    {
        const double minAction = -1.0, maxAction = 1.0, minPosition = -1.2, maxPosition = 0.6;
        const double maxSpeed = 0.07, goalPosition = 0.45, goalVelocity = 0, power = 0.0015;
        double force = Math.Min(Math.Max(a, minAction), maxAction);
        velocity += force * power - 0.0025 * Math.Cos(3 * position);
        if (velocity > maxSpeed) velocity = maxSpeed;
        if (velocity < -maxSpeed) velocity = -maxSpeed;
        position += velocity;
        if (position > maxPosition) position = maxPosition;
        if (position < minPosition) position = minPosition;
        if (position == minPosition && velocity < 0) velocity = 0;
        bool terminated = position >= goalPosition && velocity >= goalVelocity;
        double reward = 0;
        if (terminated) reward = 100.0;
        reward -= Math.Pow(a, 2) * 0.1;
        return (reward, terminated, (float)position, (float)velocity);
    }
}
