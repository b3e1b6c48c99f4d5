using System.Text;
using Sac.Core.Environments;
using Sac.Mujoco;
using Sac.Mujoco.Native;
using Sac.Mujoco.Tasks;

namespace Sac.Tests.Mujoco;

/// <summary>
/// Sac's MJCF files are Gymnasium's v5 physics: driven the same way, they give bit for bit the trajectory Gymnasium's own
/// asset gives in the same MuJoCo. And a model MuJoCo cannot compile is one clear exception.
/// </summary>
public class AssetTests
{
    /// <summary>
    /// Final qpos and qvel after 300 mj_step calls from qpos0 with ctrl[i] = ((7t + 3i) mod 11 − 5) / 5, printed by
    /// gymnasium_trajectories.c (beside this file) from Gymnasium's asset files in MuJoCo 2.2.2.
    /// </summary>
    private static readonly Dictionary<string, (double[] Qpos, double[] Qvel)> s_gymnasium = new()
    {
        ["HalfCheetah-v5"] = (
            [-0.98384146923961047, -0.12203542229739395, 0.049834951004835835, -0.021161718559240556, 0.082735887624330623, -0.0048469848104195218, -0.034523677708977449, -0.10717800188787936, -0.13581592653955685],
            [-0.61641583196387473, -0.10700162612826851, -0.046981089391288297, -3.2830865860076557, 3.1320839231537887, 3.9118212941889565, -1.4683941267864884, 1.2011601170808461, -0.82206398155259941]),
        ["Hopper-v5"] = (
            [-0.041804267753680693, 1.2016781059859218, -0.1445951417242809, -0.041963263166953653, -0.17490770010370921, 0.081019317782662248],
            [-0.12855063562247876, -0.039743097539839164, -0.67989237745994346, -0.45374680597249162, -0.4626717341617933, 0.42115862158948347]),
    };

    private static IEnumerable<string> Ids() => s_gymnasium.Keys;

    private static MujocoEnvironment Make(string id) => id switch
    {
        HalfCheetah.EnvironmentId => new HalfCheetah(),
        Hopper.EnvironmentId => new Hopper(),
        _ => throw new ArgumentOutOfRangeException(nameof(id)),
    };

    [TestCaseSource(nameof(Ids))]
    public void Asset_DrivenLikeGymnasiumsAsset_GivesTheSameTrajectoryBitForBit(string id)
    {
        using MujocoEnvironment env = Make(id);
        MujocoSimulation sim = env.Simulation;
        sim.ResetData();
        for (int t = 0; t < 300; t++)
        {
            Span<double> ctrl = sim.Ctrl;
            for (int i = 0; i < ctrl.Length; i++)
                ctrl[i] = ((t * 7 + i * 3) % 11 - 5) / 5.0;
            sim.Step();
        }
        var (qpos, qvel) = s_gymnasium[id];
        // Equal doubles, not close ones: any differing mass, size, range, gear or option would show within 300 steps.
        Assert.That(RawMjData.Read(env, MjDataArrays.qpos, qpos.Length), Is.EqualTo(qpos));
        Assert.That(RawMjData.Read(env, MjDataArrays.qvel, qvel.Length), Is.EqualTo(qvel));
    }

    [Test]
    public void LoadXml_UnknownElement_ThrowsOneExceptionCarryingMujocosMessage()
    {
        byte[] xml = Encoding.UTF8.GetBytes("<mujoco><worldbody><bogus/></worldbody></mujoco>");
        var error = Assert.Throws<MujocoException>(() => MujocoModel.LoadXml("broken.xml", xml))!;
        Assert.That(error.Message, Does.Contain("could not load the model broken.xml"));
        Assert.That(error.Message, Does.Contain("bogus"), "MuJoCo's own text names the offending element");
        Assert.That(error, Is.InstanceOf<EnvironmentException>(), "callers catch it as an environment failure");
    }

    [Test]
    public void LoadXml_MalformedXml_ThrowsWithTheParsersMessage()
    {
        byte[] xml = Encoding.UTF8.GetBytes("<mujoco><worldbody></mujoco>");
        var error = Assert.Throws<MujocoException>(() => MujocoModel.LoadXml("truncated.xml", xml))!;
        Assert.That(error.Message, Does.Contain("truncated.xml").And.Contain("XML parse error"));
    }

    [Test]
    public void LoadXml_InvalidPhysics_ThrowsWithTheCompilersMessage()
    {
        // A sphere needs a positive radius: the parser accepts this, the compiler does not.
        byte[] xml = Encoding.UTF8.GetBytes("<mujoco><worldbody><body><freejoint/><geom type=\"sphere\" size=\"-1\"/></body></worldbody></mujoco>");
        var error = Assert.Throws<MujocoException>(() => MujocoModel.LoadXml("negative.xml", xml))!;
        Assert.That(error.Message, Does.Contain("negative.xml"));
        Assert.That(error.Message.Length, Is.GreaterThan("MuJoCo could not load the model negative.xml: ".Length + 10), "MuJoCo's text is attached");
    }

    [Test]
    public void LoadXml_EmptyText_IsRefusedBeforeReachingMujoco()
    {
        // mj_makeEmptyFileVFS answers a zero size with mju_error, so it must never see one.
        var error = Assert.Throws<MujocoException>(() => MujocoModel.LoadXml("empty.xml", []))!;
        Assert.That(error.Message, Does.Contain("empty.xml is empty"));
    }

    [Test]
    public void LoadXml_AfterAFailedLoad_StillLoadsAGoodModel()
    {
        Assert.Throws<MujocoException>(() => MujocoModel.LoadXml("broken.xml", Encoding.UTF8.GetBytes("<mujoco><bogus/></mujoco>")));
        // The process survived and MuJoCo is usable: a valid model compiles right after.
        using MujocoModel model = MujocoModel.LoadXml("ok.xml",
            Encoding.UTF8.GetBytes("<mujoco><worldbody><body><freejoint/><geom type=\"sphere\" size=\"0.1\"/></body></worldbody></mujoco>"));
        Assert.That((model.Sizes.nq, model.Sizes.nv, model.Sizes.nbody), Is.EqualTo((7, 6, 2)));
    }
}
