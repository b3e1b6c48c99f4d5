using System.Runtime.InteropServices;
using System.Text;
using Sac.Core;
using Sac.Mujoco.Native;
using Sac.Mujoco.Tasks;
using Sac.Render;
using Sac.Render.Raster;
using Sac.Render.Scenes;
using SkiaSharp;

namespace Sac.Tests.Render;

/// <summary>
/// The MuJoCo picture puts each geom where mjData says, in the model's colour: every geom's world position is read from
/// mjData here by the tests' own path (<see cref="Marshal"/> at the generated offset), projected with the camera math
/// written out again below, and the pixel there must have the geom's hue, not the sky's or the floor's.
/// </summary>
public class MujocoSceneTests
{
    private static readonly SceneCanvas Canvas = new(W: 480, H: 360);

    // Six primitive shapes in six hues at known places, and a sphere coloured by its material (its own rgba left at
    // MuJoCo's default, so the material's cyan shows). The ball hangs from a free joint, so a test can move it.
    private const string Model = """
        <mujoco model="render_test">
          <asset>
            <material name="cyan" rgba="0 0.8 0.8 1"/>
          </asset>
          <worldbody>
            <geom name="floor" type="plane" size="10 10 0.1" rgba="0.8 0.9 0.8 1"/>
            <body name="torso" pos="0 0 1">
              <freejoint/>
              <geom name="ball" type="sphere" size="0.15" rgba="0.9 0.1 0.1 1"/>
            </body>
            <body pos="0.8 0 0.5"><geom name="box" type="box" size="0.15 0.15 0.15" rgba="0.1 0.8 0.1 1" euler="0 0 30"/></body>
            <body pos="-0.8 0 0.6" euler="0 30 0"><geom name="capsule" type="capsule" size="0.08 0.2" rgba="0.1 0.2 0.9 1"/></body>
            <body pos="0 0 0.35"><geom name="cylinder" type="cylinder" size="0.12 0.1" rgba="0.9 0.8 0.1 1"/></body>
            <body pos="0.5 0 1.2"><geom name="ellipsoid" type="ellipsoid" size="0.2 0.1 0.1" rgba="0.8 0.1 0.8 1"/></body>
            <body pos="-0.45 0 1.25"><geom name="material" type="sphere" size="0.1" material="cyan"/></body>
          </worldbody>
        </mujoco>
        """;

    /// <summary>The colours the model gives its geoms, as typed in <see cref="Model"/>; the floor's is left out (it is checked for not being a geom's).</summary>
    private static readonly (double R, double G, double B)[] GeomColours =
        [(0.8, 0.9, 0.8), (0.9, 0.1, 0.1), (0.1, 0.8, 0.1), (0.1, 0.2, 0.9), (0.9, 0.8, 0.1), (0.8, 0.1, 0.8), (0, 0.8, 0.8)];

    private static readonly CameraRig Rig = new("torso", 3.0, 90, -10, new Vec3(0, 0, -0.3));

    /// <summary>mjData's geom_xpos through the tests' own path: the array's address at its generated pointer offset, then a copy.</summary>
    private static double[] RawGeomPositions(nint data, int ngeom)
    {
        var values = new double[3 * ngeom];
        Marshal.Copy(Marshal.ReadIntPtr(data, MjDataArrays.geom_xpos.PointerOffset), values, 0, values.Length);
        return values;
    }

    private static double[] RawBodyPosition(nint data, int body)
    {
        var values = new double[3];
        Marshal.Copy(Marshal.ReadIntPtr(data, MjDataArrays.xpos.PointerOffset) + 3 * body * sizeof(double), values, 0, 3);
        return values;
    }

    /// <summary>
    /// The camera, written out again: MuJoCo's free camera looks along (cos e·cos a, cos e·sin a, sin e) at the tracked
    /// body's position plus the offset, from the distance away; right = forward × z, up = right × forward; a point at depth
    /// d = (p − eye)·forward lands at (W/2 + f·(p − eye)·right/d, H/2 − f·(p − eye)·up/d) with f = (H/2)/tan(fovy/2).
    /// </summary>
    private static (double X, double Y) Project(double[] p, double[] body, CameraRig rig)
    {
        double a = rig.AzimuthDegrees * Math.PI / 180, e = rig.ElevationDegrees * Math.PI / 180;
        double[] forward = [Math.Cos(e) * Math.Cos(a), Math.Cos(e) * Math.Sin(a), Math.Sin(e)];
        double[] lookat = [body[0] + rig.LookatOffset.X, body[1] + rig.LookatOffset.Y, body[2] + rig.LookatOffset.Z];
        double[] eye = [lookat[0] - rig.Distance * forward[0], lookat[1] - rig.Distance * forward[1], lookat[2] - rig.Distance * forward[2]];
        double[] right = [forward[1], -forward[0], 0]; // forward × (0, 0, 1)
        double norm = Math.Sqrt(right[0] * right[0] + right[1] * right[1]);
        right = [right[0] / norm, right[1] / norm, 0];
        double[] up = [right[1] * forward[2] - right[2] * forward[1], right[2] * forward[0] - right[0] * forward[2], right[0] * forward[1] - right[1] * forward[0]];
        double[] d = [p[0] - eye[0], p[1] - eye[1], p[2] - eye[2]];
        double Dot(double[] u, double[] v) => u[0] * v[0] + u[1] * v[1] + u[2] * v[2];
        double f = Canvas.H / 2.0 / Math.Tan(rig.FovYDegrees * Math.PI / 360);
        double depth = Dot(d, forward);
        return (Canvas.W / 2.0 + f * Dot(d, right) / depth, Canvas.H / 2.0 - f * Dot(d, up) / depth);
    }

    [Test]
    public void Frame_OfAKnownModel_HasEachGeomWhereTheDataSaysInItsColour()
    {
        using var simulation = new MujocoSimulation(MujocoModel.LoadXml("render_test.xml", Encoding.UTF8.GetBytes(Model)));
        simulation.Forward();
        var view = new MujocoView(simulation);
        var scene = new MujocoGeomScene("render-test", view, new FrameRate(20, 1), Rig);
        int ngeom = GeomColours.Length;
        Assert.That(view.GeomCount, Is.EqualTo(ngeom));

        // Twice: as built, and with the ball moved by its free joint (the camera follows it).
        foreach (double[]? moved in new[] { null, new[] { 0.3, 0.2, 0.85 } })
        {
            if (moved is not null)
            {
                moved.CopyTo(simulation.Qpos);
                simulation.Forward();
            }
            using SKBitmap bitmap = Canvas.Draw(scene, scene.Capture(view));
            double[] positions = RawGeomPositions(simulation.Pointer, ngeom);
            double[] torso = RawBodyPosition(simulation.Pointer, 1);
            if (moved is not null)
                Assert.That(positions[3..6], Is.EqualTo(moved).Within(1e-12), "the ball is where qpos put it");
            for (int g = 1; g < ngeom; g++)
            {
                var (x, y) = Project(positions[(3 * g)..(3 * g + 3)], torso, Rig);
                SKColor pixel = Pixels.At(bitmap, x, y);
                var (r, gr, b) = GeomColours[g];
                Assert.That(Pixels.SameColourFamily(pixel, r, gr, b), Is.True,
                    $"geom {g} projects to ({x:F0}, {y:F0}) where the pixel is {pixel}, not of its colour ({r}, {gr}, {b})");
            }
            // The floor behind them and the sky above are neither geom-coloured nor each other's.
            var (fx, fy) = Project([0.2, 4, 0], torso, Rig);
            SKColor floor = Pixels.At(bitmap, fx, fy), sky = Pixels.At(bitmap, Canvas.W / 2, 3);
            Assert.That(Pixels.Hsv(floor).Saturation, Is.LessThan(0.2), $"the floor at ({fx:F0}, {fy:F0}) is {floor}");
            Assert.That(Pixels.HueDistance(Pixels.Hsv(sky).Hue, 212), Is.LessThan(20), $"the sky is blue, not {sky}");
            Assert.That(Pixels.Hsv(sky).Saturation, Is.GreaterThan(0.15), "the top of the sky is blue, not grey");
        }
    }

    // Gymnasium's half_cheetah.xml, geom by geom: the floor (0.8, 0.9, 0.8), the default class's (0.8, 0.6, 0.4) for the
    // torso, head and thighs, and rgba="0.9 0.6 0.6 1" on bshin, bfoot, fshin and ffoot.
    private static readonly (double R, double G, double B)[] s_halfCheetahColours =
    [
        (0.8, 0.9, 0.8), (0.8, 0.6, 0.4), (0.8, 0.6, 0.4), (0.8, 0.6, 0.4), (0.9, 0.6, 0.6), (0.9, 0.6, 0.6),
        (0.8, 0.6, 0.4), (0.9, 0.6, 0.6), (0.9, 0.6, 0.6),
    ];

    [Test]
    public void Frame_OfHalfCheetahInMotion_HasEveryBodyGeomWhereTheDataSays()
    {
        using var env = new HalfCheetah();
        var scene = new MujocoGeomScene(env);
        var observation = new float[17];
        env.Reset(observation, seed: 5);
        var rng = new Rng(9);
        var action = new float[6];
        for (int t = 0; t < 40; t++)
        {
            for (int j = 0; j < 6; j++)
                action[j] = (float)rng.Uniform(-1, 1);
            env.Step(action, observation);
        }
        using SKBitmap bitmap = Canvas.Draw(scene, scene.CaptureState(observation));

        // Gymnasium's half_cheetah.xml: 9 geoms (the floor, then torso, head and six leg capsules), body 1 the torso.
        const int ngeom = 9;
        double[] positions = RawGeomPositions(env.Simulation.Pointer, ngeom);
        double[] torso = RawBodyPosition(env.Simulation.Pointer, 1);
        Assert.That(Math.Abs(torso[0]), Is.GreaterThan(0.05), "the cheetah moved away from its start, so tracking matters");
        for (int g = 1; g < ngeom; g++)
        {
            var (x, y) = Project(positions[(3 * g)..(3 * g + 3)], torso, scene.Rig);
            SKColor pixel = Pixels.At(bitmap, x, y);
            var (r, gr, b) = s_halfCheetahColours[g];
            Assert.That(Pixels.SameColourFamily(pixel, r, gr, b), Is.True, $"geom {g} at ({x:F0}, {y:F0}): {pixel}, expected ({r}, {gr}, {b})");
        }
        // Half a metre above the torso there is no cheetah.
        var (ax, ay) = Project([torso[0], torso[1], torso[2] + 0.5], torso, scene.Rig);
        Assert.That(Pixels.SameColourFamily(Pixels.At(bitmap, ax, ay), 0.8, 0.6, 0.4), Is.False, "above the cheetah");
    }

    [Test]
    public void View_ReadsTheModelsGeoms()
    {
        using var simulation = new MujocoSimulation(MujocoModel.LoadXml("render_test.xml", Encoding.UTF8.GetBytes(Model)));
        simulation.Forward();
        var view = new MujocoView(simulation);
        // As typed in the model above.
        Assert.That(Enumerable.Range(0, view.GeomCount).Select(view.GeomType), Is.EqualTo(new[]
        {
            MujocoGeomType.Plane, MujocoGeomType.Sphere, MujocoGeomType.Box, MujocoGeomType.Capsule,
            MujocoGeomType.Cylinder, MujocoGeomType.Ellipsoid, MujocoGeomType.Sphere,
        }));
        Assert.That(view.GeomSize(3).ToArray()[..2], Is.EqualTo(new[] { 0.08, 0.2 }));
        Assert.That(view.GeomSize(5).ToArray(), Is.EqualTo(new[] { 0.2, 0.1, 0.1 }));
        Assert.That(view.GeomBody(0), Is.EqualTo(0), "the floor belongs to the world");
        Assert.That(view.GeomBody(1), Is.EqualTo(view.BodyId("torso")));
        Assert.That(view.GeomRgba(1), Is.EqualTo(new System.Numerics.Vector4(0.9f, 0.1f, 0.1f, 1)));
        Assert.That(view.GeomRgba(6), Is.EqualTo(new System.Numerics.Vector4(0, 0.8f, 0.8f, 1)), "a geom at the default rgba shows its material's");
        Assert.That(view.GeomPositions.ToArray(), Is.EqualTo(RawGeomPositions(simulation.Pointer, view.GeomCount)));
        Assert.That(view.GeomPositions.Slice(3 * 2, 3).ToArray(), Is.EqualTo(new[] { 0.8, 0, 0.5 }).Within(1e-12));
        // The box turned 30° about z: its x axis, the first column of the row-major geom_xmat, is (cos 30°, sin 30°, 0).
        double[] box = view.GeomOrientations.Slice(9 * 2, 9).ToArray();
        Assert.That(new[] { box[0], box[3], box[6] }, Is.EqualTo(new[] { Math.Cos(Math.PI / 6), Math.Sin(Math.PI / 6), 0 }).Within(1e-9));
        Assert.Throws<MujocoException>(() => view.BodyId("no such body"));
        Assert.Throws<ArgumentOutOfRangeException>(() => view.GeomType(view.GeomCount));
    }

    [Test]
    public void Tasks_KeepGymnasiumsColours()
    {
        using var walker = new Walker2d();
        MujocoView view = walker.View;
        Assert.That(view.GeomRgba(0), Is.EqualTo(new System.Numerics.Vector4(0.8f, 0.9f, 0.8f, 1)), "the floor");
        Assert.That(view.GeomRgba(1), Is.EqualTo(new System.Numerics.Vector4(0.8f, 0.6f, 0.4f, 1)), "the torso");
        Assert.That(view.GeomRgba(view.GeomCount - 1), Is.EqualTo(new System.Numerics.Vector4(0.7f, 0.3f, 0.6f, 1)), "the left foot");

        using var cheetah = new HalfCheetah();
        var colours = Enumerable.Range(0, cheetah.View.GeomCount).Select(g => cheetah.View.GeomRgba(g)).ToArray();
        Assert.That(colours, Is.EqualTo(s_halfCheetahColours.Select(c => new System.Numerics.Vector4((float)c.R, (float)c.G, (float)c.B, 1))),
            "HalfCheetah's nine geoms, the four pink leg geoms included");
    }
}
