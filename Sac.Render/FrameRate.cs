namespace Sac.Render;

/// <summary>Frames per second as an exact fraction (ffmpeg's <c>-framerate 200/3</c>), so a video lasts exactly frames / rate.</summary>
/// <param name="Numerator">Frames.</param>
/// <param name="Denominator">Per this many seconds.</param>
public readonly record struct FrameRate(int Numerator, int Denominator)
{
    /// <summary>Frames per second as a number.</summary>
    public double PerSecond => (double)Numerator / Denominator;

    /// <summary>
    /// One frame per environment step of <paramref name="dt"/> seconds, so the video plays in real time: 1/dt, rounded to
    /// a fraction with a denominator of at most 1000 (dt = 0.015 gives 200/3, dt = 0.05 gives 20/1).
    /// </summary>
    public static FrameRate RealTime(double dt)
    {
        if (!(dt > 0) || !double.IsFinite(dt))
            throw new ArgumentOutOfRangeException(nameof(dt), dt, "The time step must be positive and finite.");
        // dt in microseconds is exact for every task's timestep × frame_skip; 1e6 / that, reduced.
        long micro = Math.Max(1, (long)Math.Round(dt * 1e6));
        long numerator = 1_000_000, denominator = micro;
        long gcd = Gcd(numerator, denominator);
        (numerator, denominator) = (numerator / gcd, denominator / gcd);
        while (denominator > 1000)
            (numerator, denominator) = ((numerator + 5) / 10, (denominator + 5) / 10);
        return new FrameRate((int)numerator, (int)denominator);
    }

    /// <summary>"20/1", as ffmpeg reads it.</summary>
    public override string ToString() => $"{Numerator}/{Denominator}";

    private static long Gcd(long a, long b) => b == 0 ? a : Gcd(b, a % b);
}
