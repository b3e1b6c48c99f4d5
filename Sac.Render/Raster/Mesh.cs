namespace Sac.Render.Raster;

/// <summary>
/// A triangle mesh in a geom's own frame, with a normal per vertex (so curved surfaces shade smoothly): the shapes of
/// MuJoCo's primitive geoms, tessellated once per model (their sizes never change).
/// </summary>
public sealed class Mesh
{
    private Mesh(Vec3[] positions, Vec3[] normals, int[] triangles) => (Positions, Normals, Triangles) = (positions, normals, triangles);

    /// <summary>Vertex positions in the geom's frame.</summary>
    public Vec3[] Positions { get; }

    /// <summary>Unit outward normals, one per vertex.</summary>
    public Vec3[] Normals { get; }

    /// <summary>Vertex indices, three per triangle.</summary>
    public int[] Triangles { get; }

    /// <summary>Slices around the axis of every round shape.</summary>
    public const int Slices = 20;

    /// <summary>Rings from the pole to the equator of a sphere or a capsule's cap.</summary>
    public const int CapRings = 5;

    /// <summary>A sphere of radius <paramref name="radius"/> about the origin.</summary>
    public static Mesh Sphere(double radius) => Ellipsoid(radius, radius, radius);

    /// <summary>An ellipsoid with semi-axes <paramref name="a"/>, <paramref name="b"/>, <paramref name="c"/> along x, y, z.</summary>
    public static Mesh Ellipsoid(double a, double b, double c)
    {
        var profile = new List<(double Rho, double Z, double NRho, double NZ)>();
        for (int k = 0; k <= 2 * CapRings; k++)
        {
            double polar = Math.PI * k / (2 * CapRings); // 0 at the top pole, π at the bottom
            profile.Add((Math.Sin(polar), Math.Cos(polar), Math.Sin(polar), Math.Cos(polar)));
        }
        Mesh unit = Lathe(profile);
        // x = a·x̂ …; a normal transforms by the inverse transpose, diag(1/a, 1/b, 1/c).
        var positions = unit.Positions.Select(p => new Vec3(a * p.X, b * p.Y, c * p.Z)).ToArray();
        var normals = unit.Normals.Select(n => new Vec3(n.X / a, n.Y / b, n.Z / c).Normalized()).ToArray();
        return new Mesh(positions, normals, unit.Triangles);
    }

    /// <summary>A capsule: a cylinder of radius <paramref name="radius"/> from z = −<paramref name="halfLength"/> to
    /// +<paramref name="halfLength"/>, capped by two hemispheres.</summary>
    public static Mesh Capsule(double radius, double halfLength)
    {
        var profile = new List<(double, double, double, double)>();
        for (int k = 0; k <= CapRings; k++)
        {
            double polar = Math.PI / 2 * k / CapRings;
            profile.Add((radius * Math.Sin(polar), halfLength + radius * Math.Cos(polar), Math.Sin(polar), Math.Cos(polar)));
        }
        for (int k = 0; k <= CapRings; k++)
        {
            double polar = Math.PI / 2 + Math.PI / 2 * k / CapRings;
            profile.Add((radius * Math.Sin(polar), -halfLength + radius * Math.Cos(polar), Math.Sin(polar), Math.Cos(polar)));
        }
        return Lathe(profile);
    }

    /// <summary>A closed cylinder of radius <paramref name="radius"/> from z = −<paramref name="halfHeight"/> to +<paramref name="halfHeight"/>.</summary>
    public static Mesh Cylinder(double radius, double halfHeight) => Lathe(
    [
        // The rims appear twice, once with the cap's normal and once with the side's, so the edges stay sharp.
        (0, halfHeight, 0, 1), (radius, halfHeight, 0, 1),
        (radius, halfHeight, 1, 0), (radius, -halfHeight, 1, 0),
        (radius, -halfHeight, 0, -1), (0, -halfHeight, 0, -1),
    ]);

    /// <summary>A box with half-sizes <paramref name="x"/>, <paramref name="y"/>, <paramref name="z"/>: six quads with flat normals.</summary>
    public static Mesh Box(double x, double y, double z)
    {
        var positions = new List<Vec3>();
        var normals = new List<Vec3>();
        var triangles = new List<int>();
        foreach (var (n, u, v) in new (Vec3, Vec3, Vec3)[]
        {
            (new(1, 0, 0), new(0, 1, 0), new(0, 0, 1)), (new(-1, 0, 0), new(0, 0, 1), new(0, 1, 0)),
            (new(0, 1, 0), new(0, 0, 1), new(1, 0, 0)), (new(0, -1, 0), new(1, 0, 0), new(0, 0, 1)),
            (new(0, 0, 1), new(1, 0, 0), new(0, 1, 0)), (new(0, 0, -1), new(0, 1, 0), new(1, 0, 0)),
        })
        {
            int first = positions.Count;
            foreach (var (su, sv) in new[] { (-1, -1), (1, -1), (1, 1), (-1, 1) })
            {
                Vec3 corner = n + su * u + sv * v;
                positions.Add(new Vec3(x * corner.X, y * corner.Y, z * corner.Z));
                normals.Add(n);
            }
            triangles.AddRange([first, first + 1, first + 2, first, first + 2, first + 3]);
        }
        return new Mesh([.. positions], [.. normals], [.. triangles]);
    }

    /// <summary>
    /// A surface of revolution about z: each profile point (ρ, z) with its normal (n_ρ, n_z) is swept through
    /// <see cref="Slices"/> angles; consecutive points are joined by quads (one triangle where ρ = 0).
    /// </summary>
    private static Mesh Lathe(IReadOnlyList<(double Rho, double Z, double NRho, double NZ)> profile)
    {
        var positions = new Vec3[profile.Count * Slices];
        var normals = new Vec3[profile.Count * Slices];
        for (int k = 0; k < profile.Count; k++)
        {
            var (rho, z, nRho, nZ) = profile[k];
            for (int s = 0; s < Slices; s++)
            {
                double phi = 2 * Math.PI * s / Slices;
                positions[k * Slices + s] = new Vec3(rho * Math.Cos(phi), rho * Math.Sin(phi), z);
                normals[k * Slices + s] = new Vec3(nRho * Math.Cos(phi), nRho * Math.Sin(phi), nZ).Normalized();
            }
        }
        var triangles = new List<int>();
        for (int k = 0; k + 1 < profile.Count; k++)
        {
            // Two profile points at the same place (a rim with two normals) bound no surface.
            if (profile[k].Rho == profile[k + 1].Rho && profile[k].Z == profile[k + 1].Z)
                continue;
            for (int s = 0; s < Slices; s++)
            {
                int a = k * Slices + s, b = k * Slices + (s + 1) % Slices;
                int c = (k + 1) * Slices + s, d = (k + 1) * Slices + (s + 1) % Slices;
                if (profile[k].Rho > 0)
                    triangles.AddRange([a, c, b]);
                if (profile[k + 1].Rho > 0)
                    triangles.AddRange([b, c, d]);
            }
        }
        return new Mesh(positions, normals, [.. triangles]);
    }
}
