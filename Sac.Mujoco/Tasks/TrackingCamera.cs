namespace Sac.Mujoco.Tasks;

/// <summary>
/// A camera in MuJoCo's <c>track</c> mode: it keeps a fixed offset from a body, looking at the body's origin plus
/// <see cref="LookatOffset"/> from <see cref="Distance"/> metres away at an azimuth and elevation (the angles of MuJoCo's
/// free camera and of Gymnasium's <c>default_camera_config</c>). Sac.Render films a task through it.
/// </summary>
/// <param name="Body">The body followed (its <c>xpos</c>), by name.</param>
/// <param name="Distance">Metres from the look-at point.</param>
/// <param name="AzimuthDegrees">90 looks along +y (a side view with +x to the right).</param>
/// <param name="ElevationDegrees">Negative looks down.</param>
/// <param name="LookatOffset">Added to the body's position to give the look-at point, in metres.</param>
public sealed record TrackingCamera(string Body, double Distance, double AzimuthDegrees, double ElevationDegrees,
    (double X, double Y, double Z) LookatOffset);
