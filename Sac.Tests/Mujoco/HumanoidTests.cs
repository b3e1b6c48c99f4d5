using Sac.Core.Environments;
using Sac.Core;
using Sac.Mujoco.Native;
using Sac.Mujoco.Tasks;

namespace Sac.Tests.Mujoco;

/// <summary>
/// Humanoid-v5 against Gymnasium's definition (gymnasium/envs/mujoco/humanoid_v5.py), with the state read straight
/// from mjData by <see cref="RawMjData"/>. The numbers below are Gymnasium's, typed here, not the task's.
/// </summary>
public class HumanoidTests
{
    private const int Nq = 24, Nv = 23, Nu = 17, Nbody = 14;
    private const double Dt = 0.003 * 5;
    private const double ForwardRewardWeight = 1.25, CtrlCostWeight = 0.1, ContactCostWeight = 5e-7, ContactCostMax = 10.0;
    private const double HealthyReward = 5.0, ResetNoiseScale = 1e-2;
    private static readonly double[] s_initialQpos = [0, 0, 1.4, 1, 0, 0, 0, .. new double[17]];

    /// <summary>humanoid_v5.py's is_healthy: 1.0 &lt; z = qpos[2] &lt; 2.0 (strict).</summary>
    private static bool GymnasiumIsHealthy(double[] qpos) => 1.0 < qpos[2] && qpos[2] < 2.0;

    /// <summary>humanoid_v5.py's numbers and its observation, six slices without the world body.</summary>
    internal static GymnasiumTask Gymnasium { get; } = new(
        "Humanoid-v5", () => new Humanoid(), ObservationDimension: 348, "22 + 23 + 130 + 78 + 17 + 78",
        Nq, Nv, Nu, CtrlLimit: 0.4, FrameSkip: 5, Dt, s_initialQpos, ResetNoiseScale, NormalVelocityNoise: false,
        Observation: GymnasiumObservation,
        ResetTerms: qpos => [qpos[0], qpos[1], Math.Sqrt(qpos[0] * qpos[0] + qpos[1] * qpos[1]), 0, 0, 0, 0, 0, 0]);

    /// <summary>[qpos[2:], qvel, cinert[1:], cvel[1:], qfrc_actuator[6:], cfrc_ext[1:]], each flattened row by row.</summary>
    private static float[] GymnasiumObservation(MujocoEnvironment env) =>
    [
        .. RawMjData.Read(env, MjDataArrays.qpos, Nq).Skip(2).Select(x => (float)x),
        .. RawMjData.Read(env, MjDataArrays.qvel, Nv).Select(x => (float)x),
        .. RawMjData.Read(env, MjDataArrays.cinert, 10 * Nbody).Skip(10).Select(x => (float)x),
        .. RawMjData.Read(env, MjDataArrays.cvel, 6 * Nbody).Skip(6).Select(x => (float)x),
        .. RawMjData.Read(env, MjDataArrays.qfrc_actuator, Nv).Skip(6).Select(x => (float)x),
        .. RawMjData.Read(env, MjDataArrays.cfrc_ext, 6 * Nbody).Skip(6).Select(x => (float)x),
    ];

    /// <summary>humanoid_v5.py's mass_center: Σ mass·xipos / Σ mass, x and y.</summary>
    private static (double X, double Y) GymnasiumMassCenter(Humanoid env)
    {
        double[] mass = RawMjData.ReadModel(env, MjModelArrays.body_mass, Nbody);
        double[] xipos = RawMjData.Read(env, MjDataArrays.xipos, 3 * Nbody);
        double total = mass.Sum();
        return (Enumerable.Range(0, Nbody).Sum(b => mass[b] * xipos[3 * b]) / total,
            Enumerable.Range(0, Nbody).Sum(b => mass[b] * xipos[3 * b + 1]) / total);
    }

    [Test]
    public void StepAndReset_Observation_IsGymnasiumsSixSlicesWithoutTheWorldBody()
    {
        using Humanoid env = GymnasiumTask.Reset<Humanoid>(seed: 3, out float[] observation);
        var rng = new Rng(35);
        for (int t = 0; t <= 40; t++)
        {
            Assert.That(observation, Is.EqualTo(GymnasiumObservation(env)), t == 0 ? "after Reset" : $"after step {t}");
            env.Step(GymnasiumTask.RandomAction(rng, Nu, 0.4), observation);
        }
        Assert.That(observation[(348 - 78)..], Has.Some.Not.Zero, "contact forces reached the observation");
    }

    [Test]
    public void Step_RewardAndTermination_AreGymnasiumsFromTheMassCenterBeforeAndAfter()
    {
        using Humanoid env = GymnasiumTask.Reset<Humanoid>(seed: 8, out float[] observation);
        var rng = new Rng(83);
        bool terminated = false;
        int t = 0;
        for (; t < 1000 && !terminated; t++)
        {
            var (action, result, (xBefore, yBefore), (xAfter, yAfter)) = Gymnasium.StepRandomly(env, rng, observation, () => GymnasiumMassCenter(env));
            double[] qpos = RawMjData.Read(env, MjDataArrays.qpos, Nq);
            double[] cfrcExt = RawMjData.Read(env, MjDataArrays.cfrc_ext, 6 * Nbody);

            double xVelocity = (xAfter - xBefore) / Dt, yVelocity = (yAfter - yBefore) / Dt;
            bool healthy = GymnasiumIsHealthy(qpos);
            double healthyReward = healthy ? HealthyReward : 0.0;
            double ctrlCost = CtrlCostWeight * action.Sum(a => (double)a * a);
            double contactCost = Math.Min(ContactCostWeight * cfrcExt.Sum(f => f * f), ContactCostMax);
            double reward = ForwardRewardWeight * xVelocity + healthyReward - (ctrlCost + contactCost);
            Assert.That(result.Reward, Is.EqualTo(reward).Within(1e-11), $"reward at step {t + 1}");
            Assert.That(result.Terminated, Is.EqualTo(!healthy), $"terminated at step {t + 1}");
            Assert.That(env.LastTerms.ToArray(), Is.EqualTo(new[]
            {
                qpos[0], qpos[1], Math.Sqrt(qpos[0] * qpos[0] + qpos[1] * qpos[1]), xVelocity, yVelocity,
                healthyReward, ForwardRewardWeight * xVelocity, -ctrlCost, -contactCost,
            }).Within(1e-11));
            terminated = result.Terminated;
        }
        Assert.That(terminated, Is.True, $"the humanoid fell within {t} random steps, so termination was exercised");
    }

    [Test]
    public void Step_HardLanding_ClipsTheContactCostAtTen()
    {
        using Humanoid env = GymnasiumTask.Reset<Humanoid>(seed: 0, out float[] observation);
        // Dropped feet first at 8 m/s: the impact forces make 5e-7·Σ cfrc_ext² far larger than the cap of 10.
        double[] qvel = new double[Nv];
        qvel[2] = -8;
        RawMjData.Write(env, MjDataArrays.qvel, qvel);
        double maxUnclipped = 0;
        for (int t = 0; t < 20; t++)
        {
            env.Step(new float[Nu], observation);
            double unclipped = ContactCostWeight * RawMjData.Read(env, MjDataArrays.cfrc_ext, 6 * Nbody).Sum(f => f * f);
            maxUnclipped = Math.Max(maxUnclipped, unclipped);
            Assert.That(-env.LastTerms[8], Is.EqualTo(Math.Min(unclipped, ContactCostMax)).Within(1e-12), $"reward_contact at step {t + 1}");
        }
        Assert.That(maxUnclipped, Is.GreaterThan(ContactCostMax), "the cap was reached, so the clip was exercised");
    }

    [TestCase(1.0, false, TestName = "IsHealthy_ZExactlyAtItsLowerBound_IsUnhealthy")]
    [TestCase(1.0000000000000002, true, TestName = "IsHealthy_ZJustAboveItsLowerBound_IsHealthy")]
    [TestCase(2.0, false, TestName = "IsHealthy_ZExactlyAtItsUpperBound_IsUnhealthy")]
    [TestCase(1.9999999999999998, true, TestName = "IsHealthy_ZJustBelowItsUpperBound_IsHealthy")]
    public void IsHealthy_ZAtThreshold(double z, bool healthy) =>
        Gymnasium.AssertHealthWithQpos<Humanoid>(index: 2, z, healthy, (qpos, _) => GymnasiumIsHealthy(qpos), env => env.IsHealthy());

    [Test]
    public void Step_FromAFallenHumanoid_TerminatesWithoutHealthyReward()
    {
        using Humanoid env = GymnasiumTask.Reset<Humanoid>(seed: 0, out float[] observation);
        double[] qpos = [.. s_initialQpos];
        qpos[2] = 0.9;
        RawMjData.Write(env, MjDataArrays.qpos, qpos);
        StepResult result = env.Step(new float[Nu], observation);
        Assert.That(result.Terminated, Is.True);
        Assert.That(env.LastTerms[5], Is.Zero, "reward_survive");
    }
}
