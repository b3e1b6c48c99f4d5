using System.Numerics;
using Sac.Mujoco.Tasks;
using Sac.Render.Raster;
using SkiaSharp;

namespace Sac.Render.Scenes;

/// <summary>
/// A MuJoCo task as a shaded 3-D picture of its geoms, drawn from the model and data alone (Debian's MuJoCo 2.2.2 has
/// no OpenGL renderer): spheres, capsules, ellipsoids, cylinders and boxes tessellated once and placed each frame by
/// <c>geom_xpos</c>/<c>geom_xmat</c>, planes as an endless checkered floor, in the geoms' own colours, with shadows, seen
/// from a <see cref="CameraRig"/> that follows a body.
/// </summary>
/// <remarks>
/// Per frame: the sky, the floor (ray-plane intersection per pixel, so its checks are exact in perspective), the
/// shadows (each triangle projected onto the floor along the light), then the geoms' triangles through a z-buffer with
/// per-vertex lighting; all at <see cref="RenderSettings.Supersampling"/>× and averaged down. Height fields and meshes
/// are not drawn (no task has them), and transparency is ignored.
/// </remarks>
public sealed class MujocoGeomScene : Scene
{
    // The light: a directional light from above, a little from the camera's side and the left (its direction of travel).
    private static readonly Vec3 s_light = new Vec3(0.3, 0.5, -1).Normalized();
    private const double CheckSize = 0.5;
    private const double NearPlane = 0.05;
    private const float ShadowFactor = 0.6f;
    private static readonly Vector3 s_zenith = new(0.32f, 0.45f, 0.62f);
    private static readonly Vector3 s_horizon = new(0.80f, 0.85f, 0.90f);

    private readonly MujocoEnvironment? _environment;
    private readonly Geom[] _geoms;
    private readonly int _trackedBody;
    private readonly Lock _drawing = new();
    private Rasterizer? _rasterizer;
    // Per geom, reused by every frame (drawing holds _drawing): its vertices on screen, in the world, and their normals.
    private readonly ScreenVertex[][] _screen;
    private readonly Vec3[][] _world;
    private readonly Vec3[][] _normals;

    private sealed record Geom(MujocoGeomType Type, Vector3 Colour, Mesh? Mesh);

    /// <summary>Reads the geoms of <paramref name="environment"/>'s model (types, sizes, colours) and prepares their meshes.</summary>
    /// <param name="environment">The task; only <see cref="CaptureState"/> reads it again.</param>
    /// <param name="rig">The camera, default the task's own (<see cref="CameraRig.For"/>).</param>
    public MujocoGeomScene(MujocoEnvironment environment, CameraRig? rig = null)
        : this(environment.Id, environment.View, FrameRate.RealTime(environment.Dt), rig)
    {
        _environment = environment;
    }

    /// <summary>A scene of any model's view (a test's own model), captured with <see cref="Capture(MujocoView)"/>.</summary>
    internal MujocoGeomScene(string environmentId, MujocoView view, FrameRate frameRate, CameraRig? rig = null)
    {
        EnvironmentId = environmentId;
        FrameRate = frameRate;
        Rig = rig ?? CameraRig.For(environmentId);
        GeomCount = view.GeomCount;
        _trackedBody = Rig.Body.Length > 0 ? view.BodyId(Rig.Body) : Math.Min(1, view.BodyCount - 1);
        _geoms = new Geom[view.GeomCount];
        for (int g = 0; g < _geoms.Length; g++)
        {
            MujocoGeomType type = view.GeomType(g);
            ReadOnlySpan<double> s = view.GeomSize(g);
            Vector4 rgba = view.GeomRgba(g);
            Mesh? mesh = type switch
            {
                MujocoGeomType.Sphere => Mesh.Sphere(s[0]),
                MujocoGeomType.Capsule => Mesh.Capsule(s[0], s[1]),
                MujocoGeomType.Ellipsoid => Mesh.Ellipsoid(s[0], s[1], s[2]),
                MujocoGeomType.Cylinder => Mesh.Cylinder(s[0], s[1]),
                MujocoGeomType.Box => Mesh.Box(s[0], s[1], s[2]),
                _ => null,
            };
            // An invisible geom (alpha 0) is left out, as MuJoCo's renderer does.
            if (rgba.W <= 0)
                mesh = null;
            _geoms[g] = new Geom(type, new Vector3(rgba.X, rgba.Y, rgba.Z), mesh);
        }
        int Vertices(int g) => _geoms[g].Mesh?.Positions.Length ?? 0;
        _screen = Enumerable.Range(0, _geoms.Length).Select(g => new ScreenVertex[Vertices(g)]).ToArray();
        _world = Enumerable.Range(0, _geoms.Length).Select(g => new Vec3[Vertices(g)]).ToArray();
        _normals = Enumerable.Range(0, _geoms.Length).Select(g => new Vec3[Vertices(g)]).ToArray();
    }

    /// <inheritdoc/>
    public override string EnvironmentId { get; }

    /// <inheritdoc/>
    public override FrameRate FrameRate { get; }

    /// <summary>The tracking camera.</summary>
    public CameraRig Rig { get; }

    /// <summary>The model's geom count (the state holds 12 numbers per geom, then the tracked body's position).</summary>
    public int GeomCount { get; }

    /// <inheritdoc/>
    /// <remarks>geom_xpos (3 per geom), geom_xmat (9 per geom), then the tracked body's xpos.</remarks>
    public override double[] CaptureState(ReadOnlySpan<float> observation) =>
        Capture(_environment?.View ?? throw new InvalidOperationException("This scene was made from a view; capture with Capture(view)."));

    /// <summary>Copies the poses from <paramref name="view"/> (see <see cref="CaptureState"/>).</summary>
    internal double[] Capture(MujocoView view)
    {
        int n = GeomCount;
        var state = new double[12 * n + 3];
        view.GeomPositions.CopyTo(state);
        view.GeomOrientations.CopyTo(state.AsSpan(3 * n));
        view.BodyPositions.Slice(3 * _trackedBody, 3).CopyTo(state.AsSpan(12 * n));
        return state;
    }

    /// <summary>The camera of a frame: the rig at the tracked body's position then.</summary>
    public Camera CameraFor(SceneFrame frame) => Rig.At(Vec3.At(frame.State, 12 * GeomCount));

    /// <inheritdoc/>
    public override void Draw(SKBitmap target, SceneFrame frame, RenderSettings settings)
    {
        if (frame.State.Length != 12 * GeomCount + 3)
            throw new ArgumentException($"The frame holds {frame.State.Length} state values; a {EnvironmentId} frame has {12 * GeomCount + 3}.", nameof(frame));
        int s = settings.Supersampling;
        lock (_drawing)
        {
            if (_rasterizer is null || _rasterizer.Width != target.Width * s || _rasterizer.Height != target.Height * s)
                _rasterizer = new Rasterizer(target.Width * s, target.Height * s);
            Rasterize(_rasterizer, frame.State, CameraFor(frame));
            _rasterizer.DownsampleInto(target, s);
        }
    }

    private void Rasterize(Rasterizer raster, double[] state, Camera camera)
    {
        var view = new View(camera, raster.Width, raster.Height);
        DrawSky(raster, view);
        int n = GeomCount;
        Plane? floor = null;
        for (int g = 0; g < n; g++)
        {
            if (_geoms[g].Type != MujocoGeomType.Plane)
                continue;
            var plane = new Plane(Vec3.At(state, 3 * g), Axis(state, n, g, 0), Axis(state, n, g, 1), Axis(state, n, g, 2), _geoms[g].Colour);
            DrawPlane(raster, view, plane);
            floor ??= plane;
        }
        if (floor is { } ground)
        {
            for (int g = 0; g < n; g++)
                if (_geoms[g].Mesh is { } mesh)
                    DrawShadow(raster, view, ground, mesh, state, n, g);
            raster.ApplyShadow(ShadowFactor);
        }
        for (int g = 0; g < n; g++)
            if (_geoms[g].Mesh is { } mesh)
                DrawGeom(raster, view, mesh, _geoms[g].Colour, state, n, g);
    }

    /// <summary>Column <paramref name="column"/> of geom <paramref name="g"/>'s rotation: its local axis in world coordinates.</summary>
    private static Vec3 Axis(double[] state, int n, int g, int column)
    {
        int m = 3 * n + 9 * g;
        return new Vec3(state[m + column], state[m + 3 + column], state[m + 6 + column]);
    }

    /// <summary>A local point of geom g in world coordinates: xpos + xmat · p.</summary>
    private static Vec3 ToWorld(double[] state, int n, int g, Vec3 p)
    {
        int m = 3 * n + 9 * g;
        return new Vec3(
            state[3 * g] + state[m] * p.X + state[m + 1] * p.Y + state[m + 2] * p.Z,
            state[3 * g + 1] + state[m + 3] * p.X + state[m + 4] * p.Y + state[m + 5] * p.Z,
            state[3 * g + 2] + state[m + 6] * p.X + state[m + 7] * p.Y + state[m + 8] * p.Z);
    }

    private static Vec3 Rotate(double[] state, int n, int g, Vec3 v)
    {
        int m = 3 * n + 9 * g;
        return new Vec3(state[m] * v.X + state[m + 1] * v.Y + state[m + 2] * v.Z,
            state[m + 3] * v.X + state[m + 4] * v.Y + state[m + 5] * v.Z,
            state[m + 6] * v.X + state[m + 7] * v.Y + state[m + 8] * v.Z);
    }

    private static void DrawSky(Rasterizer raster, View view)
    {
        for (int y = 0; y < raster.Height; y++)
        {
            Vec3 ray = view.Ray(raster.Width / 2, y).Normalized();
            float t = (float)Math.Clamp(ray.Z / 0.6, 0, 1);
            Vector3 c = Vector3.Lerp(s_horizon, s_zenith, t);
            raster.ClearRow(y, Rasterizer.Pack(c.X, c.Y, c.Z));
        }
    }

    private readonly record struct Plane(Vec3 Origin, Vec3 U, Vec3 V, Vec3 Normal, Vector3 Colour);

    /// <summary>
    /// The floor, per pixel: the ray meets the plane at depth t; its checks are squares of <see cref="CheckSize"/> in the
    /// plane's own axes, light and dark shades of the plane's colour. Where a pixel spans more than a check, the checks
    /// blend into their mean, and the far floor fades into the horizon's colour.
    /// </summary>
    private static void DrawPlane(Rasterizer raster, View view, Plane plane)
    {
        Vector3 light = plane.Colour * 0.95f, dark = plane.Colour * 0.62f, mean = (light + dark) / 2;
        Vec3 eye = view.Camera.Eye - plane.Origin;
        double height = -Vec3.Dot(eye, plane.Normal);
        // Along a row the ray is r(x) = r0 + x·dr, so everything the pixel needs is affine (or, for |r|², quadratic) in x.
        Vec3 dr = (1 / view.Focal) * view.Right;
        double dAlong = Vec3.Dot(dr, plane.Normal), dU = Vec3.Dot(dr, plane.U), dV = Vec3.Dot(dr, plane.V), dd = Vec3.Dot(dr, dr);
        double eyeU = Vec3.Dot(eye, plane.U), eyeV = Vec3.Dot(eye, plane.V);
        for (int y = 0; y < raster.Height; y++)
        {
            Vec3 r0 = view.Ray(0, y);
            double along0 = Vec3.Dot(r0, plane.Normal);
            // The ray meets the plane in front of the eye only where along has the sign of height; skip rows that never do.
            if (height * along0 <= 0 && height * (along0 + (raster.Width - 1) * dAlong) <= 0)
                continue;
            double u0 = Vec3.Dot(r0, plane.U), v0 = Vec3.Dot(r0, plane.V), rr = Vec3.Dot(r0, r0), rd = Vec3.Dot(r0, dr);
            if (dAlong == 0)
            {
                // The usual case, a level floor under a camera without roll (its right axis is horizontal): the depth is
                // the same all along the row, and so, to within the row's small spread of incidence, are the blur and
                // the fog. Only the checks' parity changes from pixel to pixel.
                double t = height / along0;
                if (!(t >= NearPlane))
                    continue;
                double middle = raster.Width / 2.0;
                double cosine = Math.Abs(along0) / Math.Sqrt(rr + middle * (2 * rd + middle * dd));
                var (lightPixel, darkPixel) = FloorShades(light, dark, mean, t, t / view.Focal / Math.Max(cosine, 1e-3) / CheckSize);
                float inverseDepth = (float)(1 / t);
                double uStart = (eyeU + t * u0) / CheckSize, uStep = t * dU / CheckSize;
                double vStart = (eyeV + t * v0) / CheckSize, vStep = t * dV / CheckSize;
                for (int x = 0; x < raster.Width; x++)
                {
                    long parity = ((long)Math.Floor(uStart + x * uStep) + (long)Math.Floor(vStart + x * vStep)) & 1;
                    raster.Plot(x, y, inverseDepth, parity == 0 ? lightPixel : darkPixel);
                }
                continue;
            }
            for (int x = 0; x < raster.Width; x++)
            {
                double along = along0 + x * dAlong;
                double t = height / along; // the ray has unit length along the line of sight, so t is the depth
                if (!(t >= NearPlane))
                    continue;
                double u = (eyeU + t * (u0 + x * dU)) / CheckSize, v = (eyeV + t * (v0 + x * dV)) / CheckSize;
                bool isLight = (((long)Math.Floor(u) + (long)Math.Floor(v)) & 1) == 0;
                // Metres per pixel on the floor, in checks (t/f across the ray, stretched by 1/cos of the incidence): beyond
                // half a check per pixel the pattern would alias, so it blends into its mean.
                double cosine = Math.Abs(along) / Math.Sqrt(rr + x * (2 * rd + x * dd));
                var (lightPixel, darkPixel) = FloorShades(light, dark, mean, t, t / view.Focal / Math.Max(cosine, 1e-3) / CheckSize);
                raster.Plot(x, y, (float)(1 / t), isLight ? lightPixel : darkPixel);
            }
        }
    }

    /// <summary>
    /// The light and dark checks at depth <paramref name="t"/>, where a pixel covers <paramref name="footprint"/> checks:
    /// from half a check per pixel on they blend into their mean (finer would alias), and beyond 15 m they fade into the
    /// horizon's colour, fully at 60 m.
    /// </summary>
    private static (uint Light, uint Dark) FloorShades(Vector3 light, Vector3 dark, Vector3 mean, double t, double footprint)
    {
        float blur = (float)Math.Clamp(2 * footprint - 0.5, 0, 1);
        float fog = (float)Math.Clamp((t - 15) / 45, 0, 1);
        Vector3 l = Vector3.Lerp(Vector3.Lerp(light, mean, blur), s_horizon, fog), d = Vector3.Lerp(Vector3.Lerp(dark, mean, blur), s_horizon, fog);
        return (Rasterizer.Pack(l.X, l.Y, l.Z), Rasterizer.Pack(d.X, d.Y, d.Z));
    }

    private void DrawShadow(Rasterizer raster, View view, Plane floor, Mesh mesh, double[] state, int n, int g)
    {
        double lightAlong = Vec3.Dot(s_light, floor.Normal);
        if (lightAlong >= 0)
            return; // the light does not reach the floor's upper side
        ScreenVertex[] screen = _screen[g];
        for (int i = 0; i < screen.Length; i++)
        {
            Vec3 p = ToWorld(state, n, g, mesh.Positions[i]);
            // Slide the point along the light onto the floor (a point under the floor stays where it is).
            double above = Math.Max(0, Vec3.Dot(p - floor.Origin, floor.Normal));
            screen[i] = view.ToScreen(p - (above / lightAlong) * s_light, default);
        }
        for (int t = 0; t < mesh.Triangles.Length; t += 3)
        {
            int ia = mesh.Triangles[t], ib = mesh.Triangles[t + 1], ic = mesh.Triangles[t + 2];
            // A closed shape's shadow is the shadow of its lit side: the faces turned from the light add nothing.
            if (Vec3.Dot(Rotate(state, n, g, mesh.Normals[ia] + mesh.Normals[ib] + mesh.Normals[ic]), s_light) > 0)
                continue;
            ref ScreenVertex a = ref screen[ia], b = ref screen[ib], c = ref screen[ic];
            if (a.InverseDepth > 0 && b.InverseDepth > 0 && c.InverseDepth > 0)
                raster.MarkShadow(a, b, c);
        }
    }

    private void DrawGeom(Rasterizer raster, View view, Mesh mesh, Vector3 colour, double[] state, int n, int g)
    {
        ScreenVertex[] screen = _screen[g];
        Vec3[] world = _world[g], normals = _normals[g];
        for (int i = 0; i < screen.Length; i++)
        {
            world[i] = ToWorld(state, n, g, mesh.Positions[i]);
            normals[i] = Rotate(state, n, g, mesh.Normals[i]);
            screen[i] = view.ToScreen(world[i], Shade(colour, normals[i], (view.Camera.Eye - world[i]).Normalized()));
        }
        for (int t = 0; t < mesh.Triangles.Length; t += 3)
        {
            int ia = mesh.Triangles[t], ib = mesh.Triangles[t + 1], ic = mesh.Triangles[t + 2];
            // Behind the near plane: not drawn (no task brings the camera that close).
            if (screen[ia].InverseDepth <= 0 || screen[ib].InverseDepth <= 0 || screen[ic].InverseDepth <= 0)
                continue;
            // A face whose outward normal points away from the eye is hidden behind the rest of its closed shape.
            if (Vec3.Dot(normals[ia] + normals[ib] + normals[ic], view.Camera.Eye - world[ia]) < 0)
                continue;
            raster.FillTriangle(screen[ia], screen[ib], screen[ic]);
        }
    }

    /// <summary>
    /// Lambert shading under the directional light and a headlight, with ambient and a little specular:
    /// c = base·(0.25 + 0.55·max(0, n·l) + 0.3·max(0, n·v)) + 0.25·max(0, n·h)⁴⁰, h the half vector of l and v.
    /// </summary>
    private static Vector3 Shade(Vector3 colour, Vec3 normal, Vec3 toEye)
    {
        Vec3 toLight = -s_light;
        double diffuse = Math.Max(0, Vec3.Dot(normal, toLight));
        double head = Math.Max(0, Vec3.Dot(normal, toEye));
        double specular = Math.Pow(Math.Max(0, Vec3.Dot(normal, (toLight + toEye).Normalized())), 40);
        return colour * (float)(0.25 + 0.55 * diffuse + 0.3 * head) + new Vector3((float)(0.25 * specular));
    }

    /// <summary>The camera's basis and focal length for one picture size, and the projection of world points onto it.</summary>
    private readonly struct View
    {
        public View(Camera camera, int width, int height)
        {
            Camera = camera;
            (Forward, Right, Up) = (camera.Forward, camera.Right, camera.TrueUp);
            (Width, Height, Focal) = (width, height, camera.FocalLength(height));
        }

        public Camera Camera { get; }
        public Vec3 Forward { get; }
        public Vec3 Right { get; }
        public Vec3 Up { get; }
        public int Width { get; }
        public int Height { get; }
        public double Focal { get; }

        /// <summary>The ray through pixel (x, y)'s centre, scaled to unit length along the line of sight.</summary>
        public Vec3 Ray(int x, int y) => Forward + ((x + 0.5 - Width / 2.0) / Focal) * Right - ((y + 0.5 - Height / 2.0) / Focal) * Up;

        /// <summary>A world point on screen with its colour; InverseDepth ≤ 0 when it is behind the near plane.</summary>
        public ScreenVertex ToScreen(Vec3 p, Vector3 colour)
        {
            Vec3 d = p - Camera.Eye;
            double depth = Vec3.Dot(d, Forward);
            if (depth < NearPlane)
                return new ScreenVertex(0, 0, -1, 0, 0, 0);
            return new ScreenVertex((float)(Width / 2.0 + Focal * Vec3.Dot(d, Right) / depth), (float)(Height / 2.0 - Focal * Vec3.Dot(d, Up) / depth),
                (float)(1 / depth), colour.X, colour.Y, colour.Z);
        }
    }
}
