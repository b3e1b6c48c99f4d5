using System.Text;
using Sac.Core.Environments;
using Sac.Mujoco.Native;
using Sac.Mujoco.Tasks;
using Sac.Mujoco;

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
        ["Walker2d-v5"] = (
            [-0.1879283547649015, 0.64026246060868619, -1.2193145067010425, -0.09502357746090441, -2.1247064901731472, 0.78071492745432902, -0.1016500194841209, -2.1102067587573554, 0.78391466497112305],
            [-0.38626929844024527, -3.4604383943029049, -4.5094378530539698, 0.86253957351491106, -7.9925308334302789, 2.6637271988958675, 1.7801973209600654, -9.2012133218031558, -2.553102624440915]),
        ["Ant-v5"] = (
            [-0.086425848984979542, -0.28018602347664889, 0.44778299243438485, 0.99499702291348302, -0.018963896740581101, -0.031021102443692328, 0.093053673849539248, -0.37013199637259969, 0.75119128264751744, -0.47439652615774192, -0.55693089614130953, 0.17987046723500469, -0.69544166679748287, -0.071487720844185323, 0.63350946312249123],
            [0.037595647760670342, 0.068429722107754651, 0.1938092706261417, -0.30227075520499602, 0.13811515310278427, -0.18933950356337664, 0.76381559811730071, -0.88953565413630609, 0.32964621250810816, -0.17982332028974812, 0.45463330425850113, -0.40220970076463108, -0.79710041479207805, 0.42826243832895289]),
        ["Humanoid-v5"] = (
            [-0.58220864469032718, -0.050373988479862686, 0.087846178936517152, 0.68689891783304857, 0.028741114503954238, -0.7256123959456342, 0.028817978188863363, -0.0050853104622705578, -0.42458316237549726, -0.036969137201159775, 0.0129983423138784, 0.1967449880489347, 0.019675606524816994, -2.6416183881986695, 0.00058647830634613008, 0.10921724905986592, -0.0090558846352923276, -2.5866874433431555, 0.5251366179477488, -0.77361737006446241, -1.4364083189356869, -0.56441921799000538, 0.75899699884713223, -1.4211461940777135],
            [-0.47143134560932565, -0.14290586863116445, -0.57548258352019832, 0.082658485205103743, 3.3861558228028574, -0.080075524098565776, 1.5039405879880035, -7.8576338546078794, -0.40740869858413953, 0.20684762890278319, -1.2915952255607976, 2.0448481933999503, 0.46710105748877195, 0.51112020261755431, 1.3185097900519802, 1.6009751736526234, 0.1980088894917893, -1.638382139100409, 4.571258978408709, 2.0021614617345782, 1.9292860962715499, -4.6562977838797863, 1.4165623974623036]),
    };

    // Every registered task: a new one fails here until its Gymnasium trajectory is pinned above.
    [TestCaseSource(typeof(MujocoEnvironments), nameof(MujocoEnvironments.Ids))]
    public void Asset_DrivenLikeGymnasiumsAsset_GivesTheSameTrajectoryBitForBit(string id)
    {
        Assert.That(s_gymnasium.ContainsKey(id), Is.True, $"no trajectory of Gymnasium's asset for {id}: print it with gymnasium_trajectories.c");
        using MujocoEnvironment env = MujocoEnvironments.Find(id)!.Create();
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
