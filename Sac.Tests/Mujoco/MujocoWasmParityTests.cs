using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Sac.Core;
using Sac.Mujoco.Native;
using Sac.Mujoco.Tasks;

namespace Sac.Tests.Mujoco;

/// <summary>
/// Every task's step against a MuJoCo that is not the one Sac links: the official WebAssembly build of MuJoCo 3.14.0
/// (npm's <c>@mujoco/mujoco</c>, pinned in <c>Wasm/package-lock.json</c>; `dotnet cake` installs it), run by Node.js.
/// Sac records its states along random trajectories; <c>Wasm/step.mjs</c> sets each one (qpos, qvel, qacc_warmstart,
/// ctrl) in 3.14.0, steps it as Gymnasium steps a v5 task (frame_skip × mj_step, then mj_rnePostConstraint), and the
/// next state and contact forces must be Sac's to the solver's tolerance.
/// </summary>
/// <remarks>
/// One documented change separates the two: since MuJoCo 3.5.0 a contact's margin is the sum of its two geoms' margins,
/// not their maximum (changelog, commit 6af0d4c8). Ant's geoms have 0.01, Hopper's and Humanoid's 0.001, and the floor
/// shares the default. The model given to 3.14.0 therefore has every margin halved, which gives the same contact
/// margin as 2.2.2 (and Gymnasium's 2.3.3) between two geoms of equal margin, the only pairs these models collide.
/// Unhalved, Ant makes contact at 2 cm instead of 1 cm (<see cref="MujocoWasmMarginTests"/>).
/// </remarks>
[TestFixtureSource(typeof(GymnasiumTask), nameof(GymnasiumTask.All))]
public class MujocoWasmParityTests(GymnasiumTask task)
{
    private const int Steps = 400;
    private static string OracleDirectory => Repository.File("Sac.Tests/Mujoco/Wasm");

    /// <summary>The tasks whose observation holds cfrc_ext, and so call mj_rnePostConstraint after their frames.</summary>
    private bool ObservesContactForces => task.Id is "Ant-v5" or "Humanoid-v5";

    [Test]
    public void Step_FromSacsStates_IsMujoco314sWithTheMarginsCompensated()
    {
        var (xml, requests, expected) = Record(task, seed: 11);
        var actual = Run(HalvedMargins(xml), task.FrameSkip, requests);

        // Measured: Ant 7e-7 in qvel over 3,000 steps; the bound leaves room for the solver's tolerance (1e-8 on the
        // gradient's norm), not for a different contact or a different integrator.
        double qvelScale = expected.Max(e => e.Qvel.Max(Math.Abs));
        double qpos = MaxDifference(expected, actual, e => e.Qpos), qvel = MaxDifference(expected, actual, e => e.Qvel);
        TestContext.Out.WriteLine($"{task.Id}: {Steps} steps; max |Δqpos| {qpos:E2}, max |Δqvel| {qvel:E2} (|qvel| up to {qvelScale:F1})");
        Assert.That(qpos, Is.LessThan(1e-5), "qpos after the frames");
        Assert.That(qvel, Is.LessThan(1e-4 * Math.Max(1, qvelScale)), "qvel after the frames");
        if (ObservesContactForces)
        {
            double forceScale = expected.Max(e => e.CfrcExt.Max(Math.Abs));
            double cfrc = MaxDifference(expected, actual, e => e.CfrcExt);
            TestContext.Out.WriteLine($"  max |Δcfrc_ext| {cfrc:E2} (|cfrc_ext| up to {forceScale:F1})");
            Assert.That(forceScale, Is.GreaterThan(1), "the trajectories touched the floor");
            Assert.That(cfrc, Is.LessThan(1e-4 * forceScale), "cfrc_ext, which the observation and the contact cost read");
        }
    }

    internal sealed record State(double[] Qpos, double[] Qvel, double[] CfrcExt);

    /// <summary>
    /// Random trajectories of the task (each action U(−limit, limit), held for 1 to 20 steps so the body falls, rolls
    /// and bounces), reset when an episode ends: for each step, the state before it as 3.14.0 needs it, and the state
    /// after it as Sac's MuJoCo 2.2.2 left it; and the model's MJCF, as Sac.Mujoco embeds and compiles it.
    /// </summary>
    internal static (string Xml, JsonArray Requests, List<State> Expected) Record(GymnasiumTask task, int seed)
    {
        using MujocoEnvironment env = task.Create();
        var observation = new float[env.ObservationSpace.Dimension];
        env.Reset(observation, seed);
        var rng = new Rng((ulong)seed + 1000);
        var requests = new JsonArray();
        var expected = new List<State>();
        float[] action = GymnasiumTask.RandomAction(rng, task.Nu, task.CtrlLimit);
        int nbody = env.Simulation.Model.Sizes.nbody;
        for (int t = 0, hold = 0; t < Steps; t++)
        {
            if (hold-- <= 0)
            {
                action = GymnasiumTask.RandomAction(rng, task.Nu, task.CtrlLimit);
                hold = (int)rng.Uniform(0, 20);
            }
            double[] qpos = RawMjData.Read(env, MjDataArrays.qpos, task.Nq), qvel = RawMjData.Read(env, MjDataArrays.qvel, task.Nv);
            double[] warmstart = RawMjData.Read(env, MjDataArrays.qacc_warmstart, task.Nv);
            var result = env.Step(action, observation);
            requests.Add(new JsonObject
            {
                ["qpos"] = Json(qpos), ["qvel"] = Json(qvel), ["warmstart"] = Json(warmstart),
                ["ctrl"] = Json(RawMjData.Read(env, MjDataArrays.ctrl, task.Nu)),
            });
            expected.Add(new State(RawMjData.Read(env, MjDataArrays.qpos, task.Nq), RawMjData.Read(env, MjDataArrays.qvel, task.Nv),
                RawMjData.Read(env, MjDataArrays.cfrc_ext, 6 * nbody)));
            if (result.Terminated)
                env.Reset(observation);
        }
        return (Encoding.UTF8.GetString(MujocoModel.AssetXml(env.Simulation.Model.FileName)), requests, expected);
    }

    private static JsonArray Json(double[] values) => new([.. values.Select(v => (JsonNode)JsonValue.Create(v))]);

    private static string HalvedMargins(string xml) =>
        Regex.Replace(xml, "margin=\"([^\"]+)\"", m =>
            $"margin=\"{(double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) / 2).ToString("R", CultureInfo.InvariantCulture)}\"");

    /// <summary>Runs <c>Wasm/step.mjs</c> on the requests; fails with one line when Node.js or the package is missing.</summary>
    internal static List<State> Run(string xml, int frameSkip, JsonArray requests)
    {
        const string node = "/usr/bin/node";
        Assert.That(File.Exists(node), Is.True, $"{node} is missing: install Debian's nodejs (dotnet cake does, as root)");
        Assert.That(Directory.Exists(Path.Combine(OracleDirectory, "node_modules", "@mujoco", "mujoco")), Is.True,
            $"@mujoco/mujoco is not installed: run 'npm ci' in {OracleDirectory} (dotnet cake does)");
        string directory = Path.Combine(Path.GetTempPath(), "sac-wasm-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            string input = Path.Combine(directory, "in.json"), output = Path.Combine(directory, "out.json");
            File.WriteAllText(input, new JsonObject { ["xml"] = xml, ["frameSkip"] = frameSkip, ["steps"] = requests }.ToJsonString());
            var start = new ProcessStartInfo(node) { WorkingDirectory = OracleDirectory, RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            start.ArgumentList.Add("step.mjs");
            start.ArgumentList.Add(input);
            start.ArgumentList.Add(output);
            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.That(process.ExitCode, Is.Zero, stderr.Result);
            using var document = JsonDocument.Parse(File.ReadAllText(output));
            Assert.That(document.RootElement.GetProperty("version").GetString(), Is.EqualTo("3.14.0"));
            static double[] Read(JsonElement e) => [.. e.EnumerateArray().Select(x => x.GetDouble())];
            return [.. document.RootElement.GetProperty("steps").EnumerateArray()
                .Select(s => new State(Read(s.GetProperty("qpos")), Read(s.GetProperty("qvel")), Read(s.GetProperty("cfrcExt"))))];
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    internal static double MaxDifference(List<State> expected, List<State> actual, Func<State, double[]> field)
    {
        Assert.That(actual, Has.Count.EqualTo(expected.Count));
        double max = 0;
        for (int i = 0; i < expected.Count; i++)
        {
            double[] e = field(expected[i]), a = field(actual[i]);
            Assert.That(a, Has.Length.EqualTo(e.Length));
            for (int j = 0; j < e.Length; j++)
                max = Math.Max(max, Math.Abs(e[j] - a[j]));
        }
        return max;
    }
}

/// <summary>The control of <see cref="MujocoWasmParityTests"/>: the margins it compensates for do matter.</summary>
public class MujocoWasmMarginTests
{
    [Test]
    public void Step_AntWithMujoco35sSummedMargins_MakesOtherContacts()
    {
        // The same states given to 3.14.0 with Ant's margins as written, so that 3.14.0 sums them to 2 cm. Gymnasium's
        // Ant-v5 on MuJoCo 3.5 or later is this other contact model, and the parity would not hold.
        var task = AntTests.Gymnasium;
        var (xml, requests, expected) = MujocoWasmParityTests.Record(task, seed: 11);
        var actual = MujocoWasmParityTests.Run(xml, task.FrameSkip, requests);
        Assert.That(MujocoWasmParityTests.MaxDifference(expected, actual, e => e.Qvel), Is.GreaterThan(0.1), "contacts from 1 to 2 cm change the step");
    }
}
