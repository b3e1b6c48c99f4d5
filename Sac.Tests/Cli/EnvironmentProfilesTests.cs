using System.Text.Json.Nodes;
using Sac.Cli.Runs;
using Sac.Mujoco;

namespace Sac.Tests.Cli;

/// <summary>
/// The MuJoCo tasks' profiles, declared in Sac.Mujoco's task files, reach `sac train` as the published settings, and
/// --help describes them in the words it used when Sac.Cli declared them itself.
/// </summary>
public class EnvironmentProfilesTests
{
    // Tianshou's examples/mujoco/mujoco_sac.py defaults and CleanRL's sac_continuous_action.py defaults (Ant's), written
    // out again as option keys from those files.
    private const string Tianshou = """
        { "steps": 1000000, "actorLr": 1e-3, "criticLr": 1e-3, "learnAlpha": false, "alpha": 0.2, "learningStarts": 10000, "evalEvery": 5000, "checkpointEvery": 50000 }
        """;
    private const string CleanRlAnt = """
        { "steps": 1000000, "actorLr": 3e-4, "criticLr": 1e-3, "alphaLr": 1e-3, "learnAlpha": true, "learningStarts": 5000,
          "policyFrequency": 2, "temperatureLoss": "alpha", "temperatureSample": "fresh", "logStdBounding": "tanh", "logStdMin": -5, "logStdMax": 2,
          "jacobianEpsilon": 1e-6, "evalEvery": 5000, "checkpointEvery": 50000 }
        """;

    [TestCase("HalfCheetah-v5", Tianshou)]
    [TestCase("Hopper-v5", Tianshou)]
    [TestCase("Walker2d-v5", Tianshou)]
    [TestCase("Ant-v5", CleanRlAnt)]
    [TestCase("Humanoid-v5", Tianshou)]
    public void For_MujocoTask_IsTheDefaultsWithThePublishedSettings(string id, string settings)
    {
        RunConfig expected = new RunConfig { Env = id }.With(JsonNode.Parse(settings)!.AsObject(), "the test");
        RunConfig actual = EnvironmentProfiles.For(id);
        Assert.That(actual.Differences(expected), Is.Empty, "every option as published, every other one at its default");
        Assert.That(actual.Differences(new RunConfig { Env = id }), Is.Not.Empty, "the profile is applied at all");
    }

    [Test]
    public void Describe_MujocoTasks_AreListedInRegistryOrderAsBefore()
    {
        // The sentence `sac train --help` printed while Sac.Cli declared these profiles (commit 00c0a93), but for Ant's,
        // CleanRL's defaults since 2026-12-08 (SB3's before, with rl-zoo's 10,000 random steps until 2026-12-07).
        const string before = "HalfCheetah-v5: --steps 1000000, --actor-lr 0.001, --critic-lr 0.001, --learn-alpha false, --alpha 0.2, --learning-starts 10000, --eval-every 5000, --checkpoint-every 50000; Hopper-v5: --steps 1000000, --actor-lr 0.001, --critic-lr 0.001, --learn-alpha false, --alpha 0.2, --learning-starts 10000, --eval-every 5000, --checkpoint-every 50000; Walker2d-v5: --steps 1000000, --actor-lr 0.001, --critic-lr 0.001, --learn-alpha false, --alpha 0.2, --learning-starts 10000, --eval-every 5000, --checkpoint-every 50000; Ant-v5: --steps 1000000, --actor-lr 0.0003, --critic-lr 0.001, --alpha-lr 0.001, --learn-alpha true, --learning-starts 5000, --policy-frequency 2, --temperature-loss alpha, --temperature-sample fresh, --log-std-bounding tanh, --log-std-min -5, --jacobian-epsilon 1E-06, --eval-every 5000, --checkpoint-every 50000; Humanoid-v5: --steps 1000000, --actor-lr 0.001, --critic-lr 0.001, --learn-alpha false, --alpha 0.2, --learning-starts 10000, --eval-every 5000, --checkpoint-every 50000.";
        Assert.That(EnvironmentProfiles.Describe(), Does.EndWith(before));
    }

    [Test]
    public void Describe_EveryMujocoTask_HasItsProfile()
    {
        // A task added to the registry gets its profile into --help with no edit here.
        foreach (string id in MujocoEnvironments.Ids)
            Assert.That(EnvironmentProfiles.Describe(), Does.Contain($"; {id}: --"), id);
    }
}
