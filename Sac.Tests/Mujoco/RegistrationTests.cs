using System.Text.Json.Nodes;
using Sac.Core.Environments;
using Sac.Mujoco.Native;
using Sac.Mujoco.Tasks;
using Sac.Mujoco;

namespace Sac.Tests.Mujoco;

/// <summary>MujocoEnvironments.Register adds the tasks to the registry the way gym.make would make them.</summary>
public class RegistrationTests
{
    [Test]
    public void Register_CalledTwice_RegistersEachIdOnce()
    {
        MujocoEnvironments.Register();
        MujocoEnvironments.Register();
        foreach (string id in MujocoEnvironments.Ids)
            Assert.That(EnvironmentRegistry.Ids.Count(i => i == id), Is.EqualTo(1), id);
    }

    [TestCase("HalfCheetah-v5", typeof(HalfCheetah))]
    [TestCase("Hopper-v5", typeof(Hopper))]
    [TestCase("Walker2d-v5", typeof(Walker2d))]
    [TestCase("Ant-v5", typeof(Ant))]
    [TestCase("Humanoid-v5", typeof(Humanoid))]
    public void Create_RegisteredId_IsCheckedThousandStepTimeLimitedTask(string id, Type type)
    {
        MujocoEnvironments.Register();
        IEnvironment env = EnvironmentRegistry.Create(id);
        // gym.make: the env, a TimeLimit of the registered max_episode_steps (1000 for every v5 locomotion task), and the checker.
        var checkedEnv = (CheckedEnvironment)env;
        var timeLimit = (TimeLimit)checkedEnv.Inner;
        Assert.That(timeLimit.MaxEpisodeSteps, Is.EqualTo(1000));
        Assert.That(timeLimit.Inner, Is.TypeOf(type));
        Assert.That(env.Id, Is.EqualTo(id));
    }

    [Test]
    public void Tasks_Ids_AreGymnasiumsFiveV5LocomotionTasksInOrder()
    {
        // The order is the registry's, --help's and the benchmarks'.
        Assert.That(MujocoEnvironments.Ids, Is.EqualTo(new[] { "HalfCheetah-v5", "Hopper-v5", "Walker2d-v5", "Ant-v5", "Humanoid-v5" }));
    }

    [TestCaseSource(typeof(MujocoEnvironments), nameof(MujocoEnvironments.Ids))]
    public void Metadata_Create_MakesATaskOfItsOwnId(string id)
    {
        MujocoTask task = MujocoEnvironments.Find(id)!;
        // Catches metadata wired to another task's constructor (a copied file whose Create was not changed).
        using MujocoEnvironment env = task.Create();
        Assert.That(env.Id, Is.EqualTo(id));
        Assert.That(task.MaxEpisodeSteps, Is.EqualTo(1000), "gymnasium/envs/__init__.py: max_episode_steps=1000 for every v5 locomotion task");
    }

    [Test]
    public void Find_UnknownId_IsNull()
    {
        Assert.That(MujocoEnvironments.Find("Pendulum-v1"), Is.Null);
        Assert.That(MujocoEnvironments.Find("hopper-v5"), Is.Null, "ids are case-sensitive, as the registry's");
    }

    [TestCase("HalfCheetah-v5", "Tianshou mujoco_sac.py: hidden 256,256, actor and critic lr 1e-3, fixed alpha 0.2, start 10000 random steps, 1M steps")]
    [TestCase("Hopper-v5", "Tianshou mujoco_sac.py: hidden 256,256, actor and critic lr 1e-3, fixed alpha 0.2, start 10000 random steps, 1M steps")]
    [TestCase("Walker2d-v5", "Tianshou mujoco_sac.py: hidden 256,256, actor and critic lr 1e-3, fixed alpha 0.2, start 10000 random steps, 1M steps")]
    [TestCase("Ant-v5", "CleanRL sac_continuous_action.py: actor lr 3e-4, critic and alpha lr 1e-3, learned alpha, policy_frequency 2, log std tanh-bounded in [-5, 2], start 5000 random steps, 1M steps")]
    [TestCase("Humanoid-v5", "Tianshou mujoco_sac.py: hidden 256,256, actor and critic lr 1e-3, fixed alpha 0.2, start 10000 random steps, 1M steps")]
    public void Metadata_ProfileSource_IsThePublishedSourceAsSacCliQuotedIt(string id, string source)
    {
        // The strings Sac.Cli's EnvironmentProfiles held before the tasks declared their own (commit 00c0a93); Ant's
        // since its profile became CleanRL's defaults (2026-12-08).
        Assert.That(MujocoEnvironments.Find(id)!.Profile.Source, Is.EqualTo(source));
    }

    [Test]
    public void TrainingProfileOptions_ChangedByAReader_LeavesTheProfileAsDeclared()
    {
        // Four tasks share Tianshou's profile; one reader's edit must not reach the others.
        JsonObject copy = TrainingProfile.Tianshou.Options;
        copy["steps"] = 5;
        Assert.That(TrainingProfile.Tianshou.Options["steps"]!.GetValue<int>(), Is.EqualTo(1_000_000));
    }

    [Test]
    public void RewardTermsFind_ThroughTheRegistrysWrappers_FindsTheTasksTerms()
    {
        MujocoEnvironments.Register();
        IEnvironment env = EnvironmentRegistry.Create("Hopper-v5");
        IRewardTerms? terms = RewardTerms.Find(env);
        Assert.That(terms, Is.SameAs(((TimeLimit)((CheckedEnvironment)env).Inner).Inner));
        Assert.That(terms!.TermNames, Is.EqualTo(new[] { "x_position", "z_distance_from_origin", "x_velocity", "reward_forward", "reward_ctrl", "reward_survive" }));

        var observation = new float[11];
        env.Reset(observation, seed: 0);
        StepResult result = env.Step([0.1f, 0.2f, 0.3f], observation);
        ReadOnlySpan<double> last = terms.LastTerms;
        // The reward is the sum of its terms: reward_forward + reward_survive + reward_ctrl.
        Assert.That(result.Reward, Is.EqualTo(last[3] + last[5] + last[4]).Within(1e-12));
        Assert.That(last[4], Is.EqualTo(-1e-3 * (0.1f * 0.1f + 0.2f * 0.2f + 0.3f * 0.3f)).Within(1e-9), "reward_ctrl");
    }

    [Test]
    public void RewardTermsFind_EnvironmentWithoutTerms_IsNull()
    {
        Assert.That(RewardTerms.Find(EnvironmentRegistry.Create("Pendulum-v1")), Is.Null);
    }
}
