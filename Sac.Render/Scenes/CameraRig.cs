using Sac.Mujoco;
using Sac.Mujoco.Tasks;
using Sac.Render.Raster;

namespace Sac.Render.Scenes;

/// <summary>
/// A task's <see cref="TrackingCamera"/> (MuJoCo's <c>track</c> mode) in the renderer's terms: the look-at offset as a
/// <see cref="Vec3"/>, and a field of view.
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
    /// The rig of the MuJoCo task <paramref name="environmentId"/>: its own <see cref="MujocoTask.Camera"/>, declared in
    /// the task's file. Any other model is seen from the side, 4 m from the first body below the world.
    /// </summary>
    public static CameraRig For(string environmentId) =>
        MujocoEnvironments.Find(environmentId) is { Camera: var camera } ? From(camera) : new("", 4.0, 90, -20, new Vec3(0, 0, 0));

    /// <summary>The rig of a task's <see cref="TrackingCamera"/>, at MuJoCo's default field of view.</summary>
    public static CameraRig From(TrackingCamera camera) => new(camera.Body, camera.Distance, camera.AzimuthDegrees,
        camera.ElevationDegrees, new Vec3(camera.LookatOffset.X, camera.LookatOffset.Y, camera.LookatOffset.Z));
}
