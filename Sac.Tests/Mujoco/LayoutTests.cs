using System.Diagnostics;
using System.Reflection;
using Sac.Mujoco.Native;
using Sac.Mujoco.Tasks;

namespace Sac.Tests.Mujoco;

/// <summary>The generated struct layout is what MuJoCo's headers give, and reads the right fields.</summary>
public class LayoutTests
{
    [Test]
    public void GeneratedLayout_RegeneratedFromTheInstalledHeaders_IsTheCommittedFile()
    {
        string root = Repository.Root;
        string committed = Path.Combine(root, "Sac.Mujoco", "Native", "MujocoLayout.g.cs");
        string regenerated = Path.Combine(Path.GetTempPath(), $"MujocoLayout.{Environment.ProcessId}.g.cs");
        // Never skipped: without gcc or the headers the check cannot run, and that is a failure to fix, not a pass.
        Assert.That(File.Exists("/usr/include/mujoco/mjxmacro.h"), Is.True,
            "MuJoCo's headers are missing, so the layout cannot be checked: run `apt-get install -y libmujoco-dev` (build.cake does, as root).");
        try
        {
            var start = new ProcessStartInfo("sh", [Path.Combine(root, "Sac.Mujoco", "Generator", "gen_layout.sh"), regenerated])
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            };
            using var process = Process.Start(start)!;
            string stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.That(process.ExitCode, Is.Zero,
                $"gen_layout.sh failed (is gcc installed? `apt-get install -y gcc libmujoco-dev`):\n{stderr}");
            // Byte for byte: any moved field, changed size or edit by hand shows up here.
            Assert.That(File.ReadAllText(regenerated), Is.EqualTo(File.ReadAllText(committed)),
                "Sac.Mujoco/Native/MujocoLayout.g.cs differs from what the installed headers give; run Sac.Mujoco/Generator/gen_layout.sh");
        }
        finally
        {
            File.Delete(regenerated);
        }
    }

    [TestCase(typeof(MjModelArrays))]
    [TestCase(typeof(MjDataArrays))]
    public void GeneratedArrays_EachOne_IsReadSomewhereInSac(Type arrays)
    {
        // The layout holds only the fields Sac reads (gen_layout.c's read lists): a field no code names any more
        // should leave the list too. The oracle is the source text, bindings and tests alike.
        string root = Repository.Root;
        string sources = string.Concat(Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !path.EndsWith(".g.cs", StringComparison.Ordinal))
            .Select(File.ReadAllText));
        string[] fields = arrays.GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => f.Name).ToArray();
        Assert.That(fields, Is.Not.Empty);
        Assert.That(fields.Where(name => !sources.Contains($"{arrays.Name}.{name}", StringComparison.Ordinal)), Is.Empty,
            "generated but read nowhere: remove them from gen_layout.c's read lists and regenerate");
    }

    [Test]
    public void StructSizes_AreThoseMeasuredForDebiansBuild()
    {
        // notes/mujoco.md, measured on these machines: mjModel 3,280 bytes, mjData 41,176 bytes, double mjtNum.
        Assert.That(MujocoLayout.ModelSize, Is.EqualTo(3280));
        Assert.That(MujocoLayout.DataSize, Is.EqualTo(41176));
        Assert.That(MujocoLayout.NumSize, Is.EqualTo(8));
    }

    [Test]
    public void ModelFields_ReadThroughTheLayout_AreTheHopperAssetsNumbers()
    {
        using var env = new Hopper();
        MujocoModel model = env.Simulation.Model;
        // hopper.xml: 6 dofs, 3 motors, world + torso/thigh/leg/foot, 4 geoms + floor, timestep 0.002.
        Assert.That((model.Sizes.nq, model.Sizes.nv, model.Sizes.nu, model.Sizes.nbody, model.Sizes.ngeom), Is.EqualTo((6, 6, 3, 5, 5)));
        Assert.That(model.Timestep, Is.EqualTo(0.002));
        // qpos0 holds rootz's ref = 1.25; every motor has gear 200 and ctrlrange [-1, 1].
        Assert.That(model.Array<double>(MjModelArrays.qpos0).ToArray(), Is.EqualTo(new[] { 0, 1.25, 0, 0, 0, 0 }));
        var gear = model.Array<double>(MjModelArrays.actuator_gear).ToArray();
        Assert.That(gear.Where((_, i) => i % 6 == 0), Is.All.EqualTo(200.0), "gear[j, 0]");
        Assert.That(model.Array<double>(MjModelArrays.actuator_ctrlrange).ToArray(), Is.EqualTo(new[] { -1.0, 1, -1, 1, -1, 1 }));
        Assert.That(model.Id(MjObj.mjOBJ_BODY, "torso"), Is.EqualTo(1));
    }

    [Test]
    public void ArrayOfWrongElementType_IsRefused()
    {
        using var env = new Hopper();
        // body_parentid is int: reading it as double would read garbage, so the accessor refuses.
        var error = Assert.Throws<ArgumentException>(() => env.Simulation.Model.Array<double>(MjModelArrays.body_parentid))!;
        Assert.That(error.Message, Does.Contain("body_parentid holds int"));
        Assert.That(env.Simulation.Model.Array<int>(MjModelArrays.body_parentid).ToArray(), Is.EqualTo(new[] { 0, 0, 1, 2, 3 }));
    }
}
