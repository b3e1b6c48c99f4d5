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

    private static float[] RandomAction(Rng rng) => [.. Enumerable.Range(0, Nu).Select(_ => (float)rng.Uniform(-0.4, 0.4))];

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
    public void Spaces_AreGymnasiums()
    {
        using var env = new Humanoid();
        Assert.That(env.Id, Is.EqualTo("Humanoid-v5"));
        Assert.That(env.ObservationSpace.Dimension, Is.EqualTo(348), "22 + 23 + 130 + 78 + 17 + 78");
        Assert.That(env.ActionSpace.Dimension, Is.EqualTo(17));
        Assert.That(env.ActionSpace.Low.ToArray(), Is.All.EqualTo(-0.4f));
        Assert.That(env.ActionSpace.High.ToArray(), Is.All.EqualTo(0.4f));
        Assert.That(env.FrameSkip, Is.EqualTo(5));
        Assert.That(env.Dt, Is.EqualTo(Dt));
    }

    [Test]
    public void StepAndReset_Observation_IsGymnasiumsSixSlicesWithoutTheWorldBody()
    {
        using var env = new Humanoid();
        var observation = new float[348];
        env.Reset(observation, seed: 3);
        var rng = new Rng(35);
        for (int t = 0; t <= 40; t++)
        {
            // [qpos[2:], qvel, cinert[1:], cvel[1:], qfrc_actuator[6:], cfrc_ext[1:]], each flattened row by row.
            float[] expected =
            [
                .. RawMjData.Read(env, MjDataArrays.qpos, Nq).Skip(2).Select(x => (float)x),
                .. RawMjData.Read(env, MjDataArrays.qvel, Nv).Select(x => (float)x),
                .. RawMjData.Read(env, MjDataArrays.cinert, 10 * Nbody).Skip(10).Select(x => (float)x),
                .. RawMjData.Read(env, MjDataArrays.cvel, 6 * Nbody).Skip(6).Select(x => (float)x),
                .. RawMjData.Read(env, MjDataArrays.qfrc_actuator, Nv).Skip(6).Select(x => (float)x),
                .. RawMjData.Read(env, MjDataArrays.cfrc_ext, 6 * Nbody).Skip(6).Select(x => (float)x),
            ];
            Assert.That(observation, Is.EqualTo(expected), t == 0 ? "after Reset" : $"after step {t}");
            env.Step(RandomAction(rng), observation);
        }
        Assert.That(observation[(348 - 78)..], Has.Some.Not.Zero, "contact forces reached the observation");
    }

    [Test]
    public void Step_RewardAndTermination_AreGymnasiumsFromTheMassCenterBeforeAndAfter()
    {
        using var env = new Humanoid();
        var observation = new float[348];
        env.Reset(observation, seed: 8);
        var rng = new Rng(83);
        bool terminated = false;
        int t = 0;
        for (; t < 1000 && !terminated; t++)
        {
            float[] action = RandomAction(rng);
            (double xBefore, double yBefore) = GymnasiumMassCenter(env);
            StepResult result = env.Step(action, observation);
            (double xAfter, double yAfter) = GymnasiumMassCenter(env);
            double[] qpos = RawMjData.Read(env, MjDataArrays.qpos, Nq);
            double[] cfrcExt = RawMjData.Read(env, MjDataArrays.cfrc_ext, 6 * Nbody);

            double xVelocity = (xAfter - xBefore) / Dt, yVelocity = (yAfter - yBefore) / Dt;
            bool healthy = 1.0 < qpos[2] && qpos[2] < 2.0;
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
        using var env = new Humanoid();
        var observation = new float[348];
        env.Reset(observation, seed: 0);
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
    public void IsHealthy_ZAtThreshold(double z, bool healthy)
    {
        using var env = new Humanoid();
        env.Reset(new float[348], seed: 0);
        double[] qpos = [.. s_initialQpos];
        qpos[2] = z;
        RawMjData.Write(env, MjDataArrays.qpos, qpos);
        Assert.That(1.0 < z && z < 2.0, Is.EqualTo(healthy), "the case itself is what the definition says");
        Assert.That(env.IsHealthy(), Is.EqualTo(healthy));
    }

    [Test]
    public void Step_FromAFallenHumanoid_TerminatesWithoutHealthyReward()
    {
        using var env = new Humanoid();
        var observation = new float[348];
        env.Reset(observation, seed: 0);
        double[] qpos = [.. s_initialQpos];
        qpos[2] = 0.9;
        RawMjData.Write(env, MjDataArrays.qpos, qpos);
        StepResult result = env.Step(new float[Nu], observation);
        Assert.That(result.Terminated, Is.True);
        Assert.That(env.LastTerms[5], Is.Zero, "reward_survive");
    }

    [Test]
    public void Reset_Seeded_AddsUniformNoiseToQposAndQvelFromThatSeedsRng()
    {
        using var env = new Humanoid();
        env.Reset(new float[348], seed: 9);
        var rng = new Rng(9);
        double[] qpos = [.. s_initialQpos.Select(q => q + rng.Uniform(-ResetNoiseScale, ResetNoiseScale))];
        double[] qvel = [.. Enumerable.Range(0, Nv).Select(_ => 0.0 + rng.Uniform(-ResetNoiseScale, ResetNoiseScale))];
        double[] actual = RawMjData.Read(env, MjDataArrays.qpos, Nq);
        Assert.That(actual.Take(3).Concat(actual.Skip(7)), Is.EqualTo(qpos.Take(3).Concat(qpos.Skip(7))));
        // MuJoCo 2.2.2's mj_forward normalizes the free joint's noisy quaternion in qpos.
        double norm = Math.Sqrt(qpos[3] * qpos[3] + qpos[4] * qpos[4] + qpos[5] * qpos[5] + qpos[6] * qpos[6]);
        Assert.That(actual[3..7], Is.EqualTo(qpos[3..7].Select(q => q / norm)).Within(1e-15));
        Assert.That(RawMjData.Read(env, MjDataArrays.qvel, Nv), Is.EqualTo(qvel));
    }

    [Test]
    public void Reset_SameSeedSameObservation_DifferentSeedDifferent()
    {
        using var env = new Humanoid();
        var a = new float[348];
        var b = new float[348];
        var c = new float[348];
        env.Reset(a, seed: 21);
        env.Reset(b, seed: 21);
        env.Reset(c, seed: 22);
        Assert.That(b, Is.EqualTo(a));
        Assert.That(c, Is.Not.EqualTo(a));
    }
}
