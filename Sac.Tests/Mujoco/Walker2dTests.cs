using Sac.Core.Environments;
using Sac.Core;
using Sac.Mujoco.Native;
using Sac.Mujoco.Tasks;

namespace Sac.Tests.Mujoco;

/// <summary>
/// Walker2d-v5 against Gymnasium's definition (gymnasium/envs/mujoco/walker2d_v5.py), with the state read straight from
/// mjData by <see cref="RawMjData"/>. The numbers below are Gymnasium's, typed here, not the task's.
/// </summary>
public class Walker2dTests
{
    private const int Nq = 9, Nv = 9, Nu = 6;
    private const double Dt = 0.002 * 4;
    private const double ForwardRewardWeight = 1.0, CtrlCostWeight = 1e-3, HealthyReward = 1.0, ResetNoiseScale = 5e-3;
    private static readonly double[] s_initialQpos = [0, 1.25, 0, 0, 0, 0, 0, 0, 0];

    /// <summary>walker2d_v5.py's is_healthy: z and angle only, both open intervals.</summary>
    private static bool GymnasiumIsHealthy(double[] qpos) => 0.8 < qpos[1] && qpos[1] < 2.0 && -1.0 < qpos[2] && qpos[2] < 1.0;

    private static float[] RandomAction(Rng rng) => [.. Enumerable.Range(0, Nu).Select(_ => (float)rng.Uniform(-1, 1))];

    [Test]
    public void Spaces_AreGymnasiums()
    {
        using var env = new Walker2d();
        Assert.That(env.Id, Is.EqualTo("Walker2d-v5"));
        Assert.That(env.ObservationSpace.Dimension, Is.EqualTo(17), "8 of qpos (no rootx) + 9 of qvel");
        Assert.That(env.ActionSpace.ToString(), Is.EqualTo("Box(6, low=-1, high=1)"));
        Assert.That(env.FrameSkip, Is.EqualTo(4));
        Assert.That(env.Dt, Is.EqualTo(Dt));
    }

    [Test]
    public void Step_Observation_IsQposWithoutRootxThenQvelClippedToTen()
    {
        using var env = new Walker2d();
        var observation = new float[17];
        env.Reset(observation, seed: 3);
        RawMjData.Write(env, MjDataArrays.qvel, [0, 0, 0, 0, 0, 30, 0, 0, -30]);
        bool clipped = false;
        var rng = new Rng(33);
        for (int t = 1; t <= 10; t++)
        {
            env.Step(RandomAction(rng), observation);
            double[] qpos = RawMjData.Read(env, MjDataArrays.qpos, Nq);
            double[] qvel = RawMjData.Read(env, MjDataArrays.qvel, Nv);
            clipped |= qvel.Any(v => Math.Abs(v) > 10);
            float[] expected = [.. qpos.Skip(1).Select(x => (float)x), .. qvel.Select(v => (float)Math.Clamp(v, -10.0, 10.0))];
            Assert.That(observation, Is.EqualTo(expected), $"after step {t}");
        }
        Assert.That(clipped, Is.True, "some |qvel| exceeded 10");
    }

    [Test]
    public void Step_RewardAndTermination_AreGymnasiumsFromTheStateBeforeAndAfter()
    {
        using var env = new Walker2d();
        var observation = new float[17];
        env.Reset(observation, seed: 8);
        var rng = new Rng(81);
        bool terminated = false;
        int t = 0;
        for (; t < 1000 && !terminated; t++)
        {
            float[] action = RandomAction(rng);
            double xBefore = RawMjData.Read(env, MjDataArrays.qpos, 1)[0];
            StepResult result = env.Step(action, observation);
            double[] qpos = RawMjData.Read(env, MjDataArrays.qpos, Nq);

            bool healthy = GymnasiumIsHealthy(qpos);
            double xVelocity = (qpos[0] - xBefore) / Dt;
            double healthyReward = healthy ? HealthyReward : 0.0;
            double ctrlCost = CtrlCostWeight * action.Sum(a => (double)a * a);
            Assert.That(result.Reward, Is.EqualTo(ForwardRewardWeight * xVelocity + healthyReward - ctrlCost).Within(1e-12), $"reward at step {t + 1}");
            Assert.That(result.Terminated, Is.EqualTo(!healthy), $"terminated at step {t + 1}");
            Assert.That(env.LastTerms.ToArray(),
                Is.EqualTo(new[] { qpos[0], qpos[1] - 1.25, xVelocity, xVelocity, -ctrlCost, healthyReward }).Within(1e-12));
            terminated = result.Terminated;
        }
        Assert.That(terminated, Is.True, $"the walker fell within {t} random steps, so termination was exercised");
    }

    [TestCase(1, 0.8, false, TestName = "IsHealthy_ZExactlyAtItsLowerBound_IsUnhealthy")]
    [TestCase(1, 0.80000000000000016, true, TestName = "IsHealthy_ZJustAboveItsLowerBound_IsHealthy")]
    [TestCase(1, 2.0, false, TestName = "IsHealthy_ZExactlyAtItsUpperBound_IsUnhealthy")]
    [TestCase(1, 1.9999999999999998, true, TestName = "IsHealthy_ZJustBelowItsUpperBound_IsHealthy")]
    [TestCase(2, 1.0, false, TestName = "IsHealthy_AngleExactlyAtItsUpperBound_IsUnhealthy")]
    [TestCase(2, 0.99999999999999989, true, TestName = "IsHealthy_AngleJustBelowItsUpperBound_IsHealthy")]
    [TestCase(2, -1.0, false, TestName = "IsHealthy_AngleExactlyAtItsLowerBound_IsUnhealthy")]
    [TestCase(2, -0.99999999999999989, true, TestName = "IsHealthy_AngleJustAboveItsLowerBound_IsHealthy")]
    [TestCase(3, -200.0, true, TestName = "IsHealthy_JointFarOut_IsHealthyAsWalkerHasNoStateRange")]
    public void IsHealthy_QposAtThreshold(int index, double value, bool healthy)
    {
        using var env = new Walker2d();
        env.Reset(new float[17], seed: 0);
        double[] qpos = [.. s_initialQpos];
        qpos[index] = value;
        RawMjData.Write(env, MjDataArrays.qpos, qpos);
        Assert.That(GymnasiumIsHealthy(qpos), Is.EqualTo(healthy), "the case itself is what the definition says");
        Assert.That(env.IsHealthy(), Is.EqualTo(healthy));
    }

    [TestCase(0.5, 0.0, TestName = "Step_FromAFallenWalker_Terminates")]
    [TestCase(2.5, 0.0, TestName = "Step_FromAWalkerTooHigh_Terminates")]
    [TestCase(1.25, 1.5, TestName = "Step_FromATiltedTorso_Terminates")]
    public void Step_FromScriptedUnhealthyState_TerminatesWithoutHealthyReward(double z, double angle)
    {
        using var env = new Walker2d();
        var observation = new float[17];
        env.Reset(observation, seed: 0);
        RawMjData.Write(env, MjDataArrays.qpos, [0, z, angle, 0, 0, 0, 0, 0, 0]);
        RawMjData.Write(env, MjDataArrays.qvel, new double[Nv]);
        StepResult result = env.Step(new float[Nu], observation);
        Assert.That(result.Terminated, Is.True);
        Assert.That(env.LastTerms[5], Is.Zero, "reward_survive");
    }

    [Test]
    public void Reset_Seeded_AddsUniformNoiseToQposAndQvelFromThatSeedsRng()
    {
        using var env = new Walker2d();
        var observation = new float[17];
        env.Reset(observation, seed: 9);
        var rng = new Rng(9);
        double[] qpos = [.. s_initialQpos.Select(q => q + rng.Uniform(-ResetNoiseScale, ResetNoiseScale))];
        double[] qvel = [.. Enumerable.Range(0, Nv).Select(_ => 0.0 + rng.Uniform(-ResetNoiseScale, ResetNoiseScale))];
        Assert.That(RawMjData.Read(env, MjDataArrays.qpos, Nq), Is.EqualTo(qpos));
        Assert.That(RawMjData.Read(env, MjDataArrays.qvel, Nv), Is.EqualTo(qvel));
        Assert.That(observation, Is.EqualTo(qpos.Skip(1).Concat(qvel).Select(x => (float)x).ToArray()));
    }

    [Test]
    public void Reset_SameSeedSameObservation_DifferentSeedDifferent()
    {
        using var env = new Walker2d();
        var a = new float[17];
        var b = new float[17];
        var c = new float[17];
        env.Reset(a, seed: 21);
        env.Reset(b, seed: 21);
        env.Reset(c, seed: 22);
        Assert.That(b, Is.EqualTo(a));
        Assert.That(c, Is.Not.EqualTo(a));
    }
}
