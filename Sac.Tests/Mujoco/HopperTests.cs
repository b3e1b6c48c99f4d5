using Sac.Core.Environments;
using Sac.Core;
using Sac.Mujoco.Native;
using Sac.Mujoco.Tasks;

namespace Sac.Tests.Mujoco;

/// <summary>
/// Hopper-v5 against Gymnasium's definition (gymnasium/envs/mujoco/hopper_v5.py), with the state read straight from
/// mjData by <see cref="RawMjData"/>. The numbers below are Gymnasium's, typed here, not the task's.
/// </summary>
public class HopperTests
{
    private const int Nq = 6, Nv = 6, Nu = 3;
    private const double Dt = 0.002 * 4;
    private const double ForwardRewardWeight = 1.0, CtrlCostWeight = 1e-3, HealthyReward = 1.0, ResetNoiseScale = 5e-3;
    private static readonly double[] s_initialQpos = [0, 1.25, 0, 0, 0, 0];

    /// <summary>hopper_v5.py's is_healthy, over a raw qpos and qvel.</summary>
    private static bool GymnasiumIsHealthy(double[] qpos, double[] qvel)
    {
        double z = qpos[1], angle = qpos[2];
        double[] state = [.. qpos, .. qvel];
        bool healthyState = state.Skip(2).All(s => -100.0 < s && s < 100.0);
        bool healthyZ = 0.7 < z && z < double.PositiveInfinity;
        bool healthyAngle = -0.2 < angle && angle < 0.2;
        return healthyState && healthyZ && healthyAngle;
    }

    private static Hopper ResetHopper(int seed, out float[] observation)
    {
        var env = new Hopper();
        observation = new float[11];
        env.Reset(observation, seed);
        return env;
    }

    [Test]
    public void Spaces_AreGymnasiums()
    {
        using var env = new Hopper();
        Assert.That(env.Id, Is.EqualTo("Hopper-v5"));
        Assert.That(env.ObservationSpace.Dimension, Is.EqualTo(11), "5 of qpos (no rootx) + 6 of qvel");
        Assert.That(env.ActionSpace.ToString(), Is.EqualTo("Box(3, low=[-1, -1, -1], high=[1, 1, 1])"));
        Assert.That(env.FrameSkip, Is.EqualTo(4));
        Assert.That(env.Dt, Is.EqualTo(Dt));
    }

    [Test]
    public void Step_Observation_IsQposWithoutRootxThenQvelClippedToTen()
    {
        using Hopper env = ResetHopper(3, out float[] observation);
        // A hard kick on the foot, so that some velocity is beyond ±10 and the clip is exercised.
        RawMjData.Write(env, MjDataArrays.qvel, [0, 0, 0, 0, 0, 40]);
        bool clipped = false;
        var rng = new Rng(31);
        for (int t = 1; t <= 10; t++)
        {
            env.Step([(float)rng.Uniform(-1, 1), (float)rng.Uniform(-1, 1), (float)rng.Uniform(-1, 1)], observation);
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
        // Random actions until the hopper falls: every step's reward, health and termination against the definition.
        using Hopper env = ResetHopper(8, out float[] observation);
        var rng = new Rng(80);
        bool terminated = false;
        int t = 0;
        for (; t < 1000 && !terminated; t++)
        {
            float[] action = [(float)rng.Uniform(-1, 1), (float)rng.Uniform(-1, 1), (float)rng.Uniform(-1, 1)];
            double xBefore = RawMjData.Read(env, MjDataArrays.qpos, 1)[0];
            StepResult result = env.Step(action, observation);
            double[] qpos = RawMjData.Read(env, MjDataArrays.qpos, Nq);
            double[] qvel = RawMjData.Read(env, MjDataArrays.qvel, Nv);

            bool healthy = GymnasiumIsHealthy(qpos, qvel);
            double xVelocity = (qpos[0] - xBefore) / Dt;
            double healthyReward = healthy ? HealthyReward : 0.0;
            double ctrlCost = CtrlCostWeight * action.Sum(a => (double)a * a);
            Assert.That(result.Reward, Is.EqualTo(ForwardRewardWeight * xVelocity + healthyReward - ctrlCost).Within(1e-12), $"reward at step {t + 1}");
            Assert.That(result.Terminated, Is.EqualTo(!healthy), $"terminated at step {t + 1}");
            Assert.That(result.Truncated, Is.False, "only the TimeLimit truncates");
            // info: x_position, z_distance_from_origin, x_velocity, reward_forward, reward_ctrl, reward_survive.
            Assert.That(env.LastTerms.ToArray(),
                Is.EqualTo(new[] { qpos[0], qpos[1] - 1.25, xVelocity, xVelocity, -ctrlCost, healthyReward }).Within(1e-12));
            terminated = result.Terminated;
        }
        Assert.That(terminated, Is.True, $"the hopper fell within {t} random steps, so termination was exercised");
        Assert.That(env.LastTerms[5], Is.Zero, "v5: no healthy reward on the unhealthy step");
    }

    // Each case moves one quantity to just inside or exactly onto its bound; every range is open, so the bound
    // itself is unhealthy. The base state is the hopper standing still at qpos0.
    [TestCase(1, 0.7, false, TestName = "IsHealthy_ZExactlyAtItsLowerBound_IsUnhealthy")]
    [TestCase(1, 0.70000000000000007, true, TestName = "IsHealthy_ZJustAboveItsLowerBound_IsHealthy")]
    [TestCase(1, 150.0, true, TestName = "IsHealthy_ZFarAbove_IsHealthyAsZIsNotInTheStateRange")]
    [TestCase(2, 0.2, false, TestName = "IsHealthy_AngleExactlyAtItsUpperBound_IsUnhealthy")]
    [TestCase(2, 0.19999999999999998, true, TestName = "IsHealthy_AngleJustBelowItsUpperBound_IsHealthy")]
    [TestCase(2, -0.2, false, TestName = "IsHealthy_AngleExactlyAtItsLowerBound_IsUnhealthy")]
    [TestCase(2, -0.19999999999999998, true, TestName = "IsHealthy_AngleJustAboveItsLowerBound_IsHealthy")]
    [TestCase(3, -100.0, false, TestName = "IsHealthy_JointAngleAtMinus100_IsUnhealthy")]
    [TestCase(3, -99.999999999999986, true, TestName = "IsHealthy_JointAngleJustInsideMinus100_IsHealthy")]
    [TestCase(0, 1e6, true, TestName = "IsHealthy_RootxFarAway_IsHealthyAsRootxIsNotInTheStateRange")]
    public void IsHealthy_QposAtThreshold(int index, double value, bool healthy)
    {
        using Hopper env = ResetHopper(0, out _);
        double[] qpos = [.. s_initialQpos];
        qpos[index] = value;
        RawMjData.Write(env, MjDataArrays.qpos, qpos);
        RawMjData.Write(env, MjDataArrays.qvel, new double[Nv]);
        Assert.That(GymnasiumIsHealthy(qpos, new double[Nv]), Is.EqualTo(healthy), "the case itself is what the definition says");
        Assert.That(env.IsHealthy(), Is.EqualTo(healthy));
    }

    [TestCase(0, 100.0, false)]
    [TestCase(0, 99.999999999999986, true)]
    [TestCase(5, -100.0, false)]
    [TestCase(4, double.NaN, false)]
    public void IsHealthy_QvelAtThreshold_EveryVelocityIsInTheStateRange(int index, double value, bool healthy)
    {
        using Hopper env = ResetHopper(0, out _);
        var qvel = new double[Nv];
        qvel[index] = value;
        RawMjData.Write(env, MjDataArrays.qpos, [.. s_initialQpos]);
        RawMjData.Write(env, MjDataArrays.qvel, qvel);
        Assert.That(env.IsHealthy(), Is.EqualTo(healthy), $"qvel[{index}] = {value}");
    }

    [TestCase(0.5, 0.0, TestName = "Step_FromAFallenHopper_Terminates")]
    [TestCase(1.25, 0.5, TestName = "Step_FromATiltedTorso_Terminates")]
    [TestCase(1.25, -0.5, TestName = "Step_FromATorsoTiltedBack_Terminates")]
    public void Step_FromScriptedUnhealthyState_TerminatesWithoutHealthyReward(double z, double angle)
    {
        using Hopper env = ResetHopper(0, out float[] observation);
        RawMjData.Write(env, MjDataArrays.qpos, [0, z, angle, 0, 0, 0]);
        RawMjData.Write(env, MjDataArrays.qvel, new double[Nv]);
        StepResult result = env.Step(new float[Nu], observation);
        Assert.That(result.Terminated, Is.True);
        Assert.That(env.LastTerms[5], Is.Zero, "reward_survive");
    }

    [Test]
    public void Step_FromTheStandingStart_IsHealthyAndPaysTheHealthyReward()
    {
        using Hopper env = ResetHopper(0, out float[] observation);
        StepResult result = env.Step(new float[Nu], observation);
        Assert.That(result.Terminated, Is.False);
        Assert.That(env.LastTerms[5], Is.EqualTo(1.0), "reward_survive");
    }

    [Test]
    public void Reset_Seeded_AddsUniformNoiseToQposAndQvelFromThatSeedsRng()
    {
        using var env = new Hopper();
        var observation = new float[11];
        env.Reset(observation, seed: 9);
        var rng = new Rng(9);
        double[] qpos = [.. s_initialQpos.Select(q => q + rng.Uniform(-ResetNoiseScale, ResetNoiseScale))];
        double[] qvel = [.. Enumerable.Range(0, Nv).Select(_ => 0.0 + rng.Uniform(-ResetNoiseScale, ResetNoiseScale))];
        Assert.That(RawMjData.Read(env, MjDataArrays.qpos, Nq), Is.EqualTo(qpos));
        Assert.That(RawMjData.Read(env, MjDataArrays.qvel, Nv), Is.EqualTo(qvel));
        Assert.That(observation, Is.EqualTo(qpos.Skip(1).Concat(qvel).Select(x => (float)x).ToArray()));
        Assert.That(env.LastTerms.ToArray(), Is.EqualTo(new[] { qpos[0], qpos[1] - 1.25, 0, 0, 0, 0 }), "reset info: x_position, z_distance_from_origin");
    }

    [Test]
    public void Reset_OverManySeeds_NoiseStaysWithinScaleOfTheStart()
    {
        using var env = new Hopper();
        var observation = new float[11];
        double maxQpos = 0, maxQvel = 0;
        for (int seed = 0; seed < 300; seed++)
        {
            env.Reset(observation, seed);
            double[] qpos = RawMjData.Read(env, MjDataArrays.qpos, Nq);
            maxQpos = Math.Max(maxQpos, qpos.Zip(s_initialQpos, (q, q0) => Math.Abs(q - q0)).Max());
            maxQvel = Math.Max(maxQvel, RawMjData.Read(env, MjDataArrays.qvel, Nv).Max(Math.Abs));
        }
        Assert.That(maxQpos, Is.LessThanOrEqualTo(ResetNoiseScale).And.GreaterThan(0.99 * ResetNoiseScale));
        Assert.That(maxQvel, Is.LessThanOrEqualTo(ResetNoiseScale).And.GreaterThan(0.99 * ResetNoiseScale));
    }

    [Test]
    public void Reset_SameSeedSameObservation_DifferentSeedDifferent()
    {
        using var env = new Hopper();
        var a = new float[11];
        var b = new float[11];
        var c = new float[11];
        env.Reset(a, seed: 21);
        env.Reset(b, seed: 21);
        env.Reset(c, seed: 22);
        Assert.That(b, Is.EqualTo(a));
        Assert.That(c, Is.Not.EqualTo(a));
    }
}
