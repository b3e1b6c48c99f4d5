namespace Sac.Render.Raster;

/// <summary>
/// A pinhole camera: at <see cref="Eye"/>, looking at <see cref="Target"/>, with <see cref="Up"/> as the picture's up and
/// a vertical field of view of <see cref="FovYDegrees"/> (MuJoCo's default is 45°). Screen x grows to the right and y
/// downward, from the picture's top-left corner; pixel (i, j) covers [i, i + 1) × [j, j + 1).
/// </summary>
/// <param name="Eye">The camera's position.</param>
/// <param name="Target">The point at the centre of the picture.</param>
/// <param name="Up">Which way is up (not parallel to the line of sight).</param>
/// <param name="FovYDegrees">The vertical field of view.</param>
public readonly record struct Camera(Vec3 Eye, Vec3 Target, Vec3 Up, double FovYDegrees)
{
    /// <summary>
    /// MuJoCo's free-camera convention: looking at <paramref name="lookat"/> from <paramref name="distance"/> away along
    /// the direction (cos e·cos a, cos e·sin a, sin e), for azimuth a and elevation e in degrees (e &lt; 0 looks down);
    /// z is up. Azimuth 90° looks along +y, so +x is to the right.
    /// </summary>
    public static Camera Orbit(Vec3 lookat, double distance, double azimuthDegrees, double elevationDegrees, double fovYDegrees = 45)
    {
        double a = azimuthDegrees * Math.PI / 180, e = elevationDegrees * Math.PI / 180;
        var forward = new Vec3(Math.Cos(e) * Math.Cos(a), Math.Cos(e) * Math.Sin(a), Math.Sin(e));
        return new Camera(lookat - distance * forward, lookat, new Vec3(0, 0, 1), fovYDegrees);
    }

    /// <summary>The unit line of sight.</summary>
    public Vec3 Forward => (Target - Eye).Normalized();

    /// <summary>The picture's unit right direction, Forward × Up.</summary>
    public Vec3 Right => Vec3.Cross(Forward, Up).Normalized();

    /// <summary>The picture's unit up direction, Right × Forward.</summary>
    public Vec3 TrueUp => Vec3.Cross(Right, Forward);

    /// <summary>Pixels per unit of x/z at unit depth for a picture <paramref name="height"/> pixels high: (h/2) / tan(fovy/2).</summary>
    public double FocalLength(int height) => height / 2.0 / Math.Tan(FovYDegrees * Math.PI / 360);
}
