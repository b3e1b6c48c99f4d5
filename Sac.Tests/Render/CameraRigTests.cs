using Sac.Render.Raster;
using Sac.Render.Scenes;

namespace Sac.Tests.Render;

/// <summary>Each MuJoCo task is filmed through the camera its own file declares, with the numbers it was drawn with before.</summary>
public class CameraRigTests
{
    // The rigs CameraRig.For held (commit 00c0a93), which docs/images/halfcheetah-frame.png and every video so far
    // were drawn with: (distance, azimuth, elevation, look-at z offset), all following the torso.
    [TestCase("HalfCheetah-v5", 3.0, 90, -15, -0.25)]
    [TestCase("Hopper-v5", 3.0, 90, -10, -0.3)]
    [TestCase("Walker2d-v5", 3.0, 90, -10, -0.3)]
    [TestCase("Ant-v5", 3.5, 60, -30, 0.0)]
    [TestCase("Humanoid-v5", 4.0, 90, -10, -0.4)]
    public void For_MujocoTask_IsTheRigItWasDrawnWith(string id, double distance, double azimuth, double elevation, double lookatZ)
    {
        Assert.That(CameraRig.For(id), Is.EqualTo(new CameraRig("torso", distance, azimuth, elevation, new Vec3(0, 0, lookatZ), FovYDegrees: 45)));
    }

    [Test]
    public void For_AnyOtherModel_IsASideViewOfTheFirstBody()
    {
        // An empty body name makes MujocoGeomScene follow body 1, the first below the world.
        Assert.That(CameraRig.For("my-model"), Is.EqualTo(new CameraRig("", 4.0, 90, -20, new Vec3(0, 0, 0))));
    }
}
