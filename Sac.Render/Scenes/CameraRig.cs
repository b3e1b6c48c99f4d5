using Sac.Render.Raster;

namespace Sac.Render.Scenes;

/// <summary>
/// A tracking camera, MuJoCo's <c>track</c> mode: it keeps a fixed offset from a body, looking at the body's origin
/// plus <see cref="LookatOffset"/> from <see cref="Distance"/> metres away at the given azimuth and elevation (the
/// angles of MuJoCo's free camera and of Gymnasium's <c>default_camera_config</c>).
/// </summary>
/// <param name="Body">The body followed (its <c>xpos</c>).</param>
/// <param name="Distance">Metres from the look-at point.</param>
/// <param name="AzimuthDegrees">90 looks along +y (a side view with +x to the right).</param>
/// <param name="ElevationDegrees">Negative looks down.</param>
/// <param name="LookatOffset">Added to the body's position to give the look-at point.</param>
/// <param name="FovYDegrees">Vertical field of view (MuJoCo's default, 45°).</param>
public sealed record CameraRig(string Body, double Distance, double AzimuthDegrees, double ElevationDegrees, Vec3 LookatOffset, double FovYDegrees = 45)
{
    /// <summary>The camera when the body is at <paramref name="body"/>.</summary>
    public Camera At(Vec3 body) => Camera.Orbit(body + LookatOffset, Distance, AzimuthDegrees, ElevationDegrees, FovYDegrees);

    /// <summary>
    /// The rig of each MuJoCo task: Gymnasium's distances (HalfCheetah and Ant 4, Hopper and Walker2d 3, Humanoid 4), a
    /// side view of the planar runners and a three-quarter view of the Ant, all following the torso.
    /// </summary>
    public static CameraRig For(string environmentId) => environmentId switch
    {
        "HalfCheetah-v5" => new("torso", 3.0, 90, -15, new Vec3(0, 0, -0.25)),
        "Hopper-v5" => new("torso", 3.0, 90, -10, new Vec3(0, 0, -0.3)),
        "Walker2d-v5" => new("torso", 3.0, 90, -10, new Vec3(0, 0, -0.3)),
        "Ant-v5" => new("torso", 3.5, 60, -30, new Vec3(0, 0, 0)),
        "Humanoid-v5" => new("torso", 4.0, 90, -10, new Vec3(0, 0, -0.4)),
        // Any other model: the first body below the world, from the side.
        _ => new("", 4.0, 90, -20, new Vec3(0, 0, 0)),
    };
}
