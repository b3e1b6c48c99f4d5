namespace Sac.Render.Raster;

/// <summary>A point or direction in 3-D, in double precision (world coordinates are metres, z up, as in MuJoCo).</summary>
public readonly record struct Vec3(double X, double Y, double Z)
{
    /// <summary>a + b.</summary>
    public static Vec3 operator +(Vec3 a, Vec3 b) => new(a.X + b.X, a.Y + b.Y, a.Z + b.Z);

    /// <summary>a − b.</summary>
    public static Vec3 operator -(Vec3 a, Vec3 b) => new(a.X - b.X, a.Y - b.Y, a.Z - b.Z);

    /// <summary>−a.</summary>
    public static Vec3 operator -(Vec3 a) => new(-a.X, -a.Y, -a.Z);

    /// <summary>s·a.</summary>
    public static Vec3 operator *(double s, Vec3 a) => new(s * a.X, s * a.Y, s * a.Z);

    /// <summary>a · b.</summary>
    public static double Dot(Vec3 a, Vec3 b) => a.X * b.X + a.Y * b.Y + a.Z * b.Z;

    /// <summary>a × b.</summary>
    public static Vec3 Cross(Vec3 a, Vec3 b) => new(a.Y * b.Z - a.Z * b.Y, a.Z * b.X - a.X * b.Z, a.X * b.Y - a.Y * b.X);

    /// <summary>|a|.</summary>
    public double Length => Math.Sqrt(Dot(this, this));

    /// <summary>a / |a| (the zero vector stays zero).</summary>
    public Vec3 Normalized()
    {
        double length = Length;
        return length > 0 ? (1 / length) * this : this;
    }

    /// <summary>The point at <paramref name="offset"/> of a flat array of 3-vectors (xpos-style storage).</summary>
    public static Vec3 At(ReadOnlySpan<double> values, int offset) => new(values[offset], values[offset + 1], values[offset + 2]);
}
