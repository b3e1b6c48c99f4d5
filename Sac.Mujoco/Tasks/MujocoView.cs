using System.Numerics;
using Sac.Mujoco.Native;

namespace Sac.Mujoco.Tasks;

/// <summary>MuJoCo's geom types (<c>mjtGeom</c>), numbered as <c>geom_type</c> holds them.</summary>
public enum MujocoGeomType
{
    /// <summary><c>mjGEOM_PLANE</c>: an infinite plane (or a rectangle when its half-sizes are non-zero), its normal the frame's z.</summary>
    Plane = MjGeom.mjGEOM_PLANE,

    /// <summary><c>mjGEOM_HFIELD</c>: a height field.</summary>
    HeightField = MjGeom.mjGEOM_HFIELD,

    /// <summary><c>mjGEOM_SPHERE</c>: radius <c>size[0]</c>.</summary>
    Sphere = MjGeom.mjGEOM_SPHERE,

    /// <summary><c>mjGEOM_CAPSULE</c>: radius <c>size[0]</c>, half-length <c>size[1]</c> of its cylinder along the frame's z.</summary>
    Capsule = MjGeom.mjGEOM_CAPSULE,

    /// <summary><c>mjGEOM_ELLIPSOID</c>: semi-axes <c>size[0..2]</c>.</summary>
    Ellipsoid = MjGeom.mjGEOM_ELLIPSOID,

    /// <summary><c>mjGEOM_CYLINDER</c>: radius <c>size[0]</c>, half-height <c>size[1]</c> along the frame's z.</summary>
    Cylinder = MjGeom.mjGEOM_CYLINDER,

    /// <summary><c>mjGEOM_BOX</c>: half-sizes <c>size[0..2]</c>.</summary>
    Box = MjGeom.mjGEOM_BOX,

    /// <summary><c>mjGEOM_MESH</c>: a mesh.</summary>
    Mesh = MjGeom.mjGEOM_MESH,
}

/// <summary>
/// What a renderer reads from a task's model and data, through the generated layout: each geom's type, size, colour and
/// body (fixed by the model), and the world positions and orientations of the geoms and bodies (mjData's
/// <c>geom_xpos</c>, <c>geom_xmat</c>, <c>xpos</c>). MuJoCo 2.2.2 on Debian has no renderer of its own, so this is all a
/// picture of the simulation needs.
/// </summary>
/// <remarks>
/// The spans are views of native memory, overwritten by the next step or reset and invalid once the task is disposed:
/// copy what must be kept. As with Gymnasium's renderer, the poses are those mjData holds after <c>mj_step</c>, i.e. the
/// kinematics computed at the start of the last sub-step.
/// </remarks>
public sealed class MujocoView
{
    // MuJoCo's default geom rgba: a geom that keeps it shows its material's colour instead.
    private static readonly Vector4 s_defaultRgba = new(0.5f, 0.5f, 0.5f, 1f);

    private readonly MujocoSimulation _simulation;

    internal MujocoView(MujocoSimulation simulation) => _simulation = simulation;

    /// <summary><c>ngeom</c>: the number of geoms, the world's included.</summary>
    public int GeomCount => _simulation.Model.Sizes.ngeom;

    /// <summary><c>nbody</c>: the number of bodies, the world (body 0) included.</summary>
    public int BodyCount => _simulation.Model.Sizes.nbody;

    /// <summary><c>geom_type[geom]</c>.</summary>
    public MujocoGeomType GeomType(int geom) => (MujocoGeomType)_simulation.Model.Array<int>(MjModelArrays.geom_type)[Checked(geom)];

    /// <summary><c>geom_size[geom]</c>: three values whose meaning depends on the type (see <see cref="MujocoGeomType"/>).</summary>
    public ReadOnlySpan<double> GeomSize(int geom) => _simulation.Model.Array<double>(MjModelArrays.geom_size).Slice(3 * Checked(geom), 3);

    /// <summary><c>geom_bodyid[geom]</c>: the body the geom is attached to (0 for the world).</summary>
    public int GeomBody(int geom) => _simulation.Model.Array<int>(MjModelArrays.geom_bodyid)[Checked(geom)];

    /// <summary>
    /// The geom's colour as MuJoCo's own renderer picks it (<c>mjv_updateScene</c>): <c>geom_rgba</c>, unless the geom
    /// has a material (<c>geom_matid</c> ≥ 0) and kept the default rgba (0.5, 0.5, 0.5, 1), in which case
    /// <c>mat_rgba</c> of that material.
    /// </summary>
    public Vector4 GeomRgba(int geom)
    {
        Checked(geom);
        ReadOnlySpan<float> rgba = _simulation.Model.Array<float>(MjModelArrays.geom_rgba).Slice(4 * geom, 4);
        var own = new Vector4(rgba[0], rgba[1], rgba[2], rgba[3]);
        int material = _simulation.Model.Array<int>(MjModelArrays.geom_matid)[geom];
        if (material < 0 || own != s_defaultRgba)
            return own;
        ReadOnlySpan<float> m = _simulation.Model.Array<float>(MjModelArrays.mat_rgba).Slice(4 * material, 4);
        return new Vector4(m[0], m[1], m[2], m[3]);
    }

    /// <summary>The id of the body named <paramref name="name"/> (<c>mj_name2id</c>).</summary>
    /// <exception cref="MujocoException">The model has no such body.</exception>
    public int BodyId(string name) => _simulation.Model.Id(MjObj.mjOBJ_BODY, name);

    /// <summary><c>geom_xpos</c> (ngeom × 3): each geom's centre in world coordinates.</summary>
    public ReadOnlySpan<double> GeomPositions => _simulation.Array<double>(MjDataArrays.geom_xpos);

    /// <summary><c>geom_xmat</c> (ngeom × 9): each geom's orientation, a row-major 3 × 3 rotation whose columns are the geom's axes in world coordinates.</summary>
    public ReadOnlySpan<double> GeomOrientations => _simulation.Array<double>(MjDataArrays.geom_xmat);

    /// <summary><c>xpos</c> (nbody × 3): each body frame's origin in world coordinates.</summary>
    public ReadOnlySpan<double> BodyPositions => _simulation.Array<double>(MjDataArrays.xpos);

    private int Checked(int geom)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(geom);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(geom, GeomCount);
        return geom;
    }
}
