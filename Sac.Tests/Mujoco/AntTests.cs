using Sac.Core.Environments;
using Sac.Core;
using Sac.Mujoco.Native;
using Sac.Mujoco.Tasks;

namespace Sac.Tests.Mujoco;

/// <summary>
/// Ant-v5 against Gymnasium's definition (gymnasium/envs/mujoco/ant_v5.py), with the state read straight from mjData
/// by <see cref="RawMjData"/>. The numbers below are Gymnasium's, typed here, not the task's.
/// </summary>
public class AntTests
{
    private const int Nq = 15, Nv = 14, Nu = 8, Nbody = 14, Torso = 1;
    private const double Dt = 0.01 * 5;
    private const double ForwardRewardWeight = 1, CtrlCostWeight = 0.5, ContactCostWeight = 5e-4, HealthyReward = 1.0;
    private const double ResetNoiseScale = 0.1;
    // The torso at 0.75 with the identity quaternion; every hinge at 0 (Gymnasium v5 starts from qpos0, not from the
    // asset's custom init_qpos).
    private static readonly double[] s_initialQpos = [0, 0, 0.75, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

    /// <summary>ant_v5.py's is_healthy: a finite state and 0.2 ≤ z ≤ 1.0 (closed).</summary>
    private static bool GymnasiumIsHealthy(double[] qpos, double[] qvel) =>
        qpos.Concat(qvel).All(double.IsFinite) && 0.2 <= qpos[2] && qpos[2] <= 1.0;

    /// <summary>ant_v5.py's numbers and its observation [qpos[2:], qvel, clip(cfrc_ext[1:], −1, 1)].</summary>
    internal static GymnasiumTask Gymnasium { get; } = new(
        "Ant-v5", () => new Ant(), ObservationDimension: 105, "13 of qpos (no x, y) + 14 of qvel + 13 bodies × 6 of cfrc_ext",
        Nq, Nv, Nu, CtrlLimit: 1.0, FrameSkip: 5, Dt, s_initialQpos, ResetNoiseScale, NormalVelocityNoise: true,
        Observation: env => [.. RawMjData.Read(env, MjDataArrays.qpos, Nq).Skip(2).Select(x => (float)x),
            .. RawMjData.Read(env, MjDataArrays.qvel, Nv).Select(x => (float)x),
            .. RawMjData.Read(env, MjDataArrays.cfrc_ext, 6 * Nbody).Skip(6).Select(f => (float)Math.Clamp(f, -1.0, 1.0))],
        ResetTerms: qpos => [qpos[0], qpos[1], Math.Sqrt(qpos[0] * qpos[0] + qpos[1] * qpos[1]), 0, 0, 0, 0, 0, 0]);

    [Test]
    public void StepAndReset_Observation_IsQposWithoutXyThenQvelThenClippedContactForcesWithoutTheWorld()
    {
        using Ant env = GymnasiumTask.Reset<Ant>(seed: 3, out float[] observation);
        var rng = new Rng(34);
        bool contact = false, clipped = false;
        for (int t = 0; t <= 60; t++)
        {
            double[] cfrcExt = RawMjData.Read(env, MjDataArrays.cfrc_ext, 6 * Nbody);
            contact |= cfrcExt.Any(f => f != 0);
            clipped |= cfrcExt.Any(f => Math.Abs(f) > 1);
            Assert.That(observation, Is.EqualTo(Gymnasium.Observation(env)), t == 0 ? "after Reset (cfrc_ext still zero)" : $"after step {t}");
            env.Step(GymnasiumTask.RandomAction(rng, Nu), observation);
        }
        Assert.That(contact && clipped, Is.True, "the ant touched the floor, with forces beyond ±1, so the clip was exercised");
    }

    [Test]
    public void Step_RewardAndTermination_AreGymnasiumsFromTheTorsoPositionBeforeAndAfter()
    {
        using Ant env = GymnasiumTask.Reset<Ant>(seed: 8, out float[] observation);
        var rng = new Rng(82);
        double maxContactCost = 0;
        for (int t = 0; t < 200; t++)
        {
            // The torso's frame position (xpos of body 1) as mj_step left it, before and after the frames.
            var (action, result, before, after) = Gymnasium.StepRandomly(env, rng, observation, () => RawMjData.Read(env, MjDataArrays.xpos, 3 * Nbody));
            double[] qpos = RawMjData.Read(env, MjDataArrays.qpos, Nq);
            double[] qvel = RawMjData.Read(env, MjDataArrays.qvel, Nv);
            double[] cfrcExt = RawMjData.Read(env, MjDataArrays.cfrc_ext, 6 * Nbody);

            double xVelocity = (after[3 * Torso] - before[3 * Torso]) / Dt;
            double yVelocity = (after[3 * Torso + 1] - before[3 * Torso + 1]) / Dt;
            bool healthy = GymnasiumIsHealthy(qpos, qvel);
            double healthyReward = healthy ? HealthyReward : 0.0;
            double ctrlCost = CtrlCostWeight * action.Sum(a => (double)a * a);
            double contactCost = ContactCostWeight * cfrcExt.Sum(f => Math.Pow(Math.Clamp(f, -1.0, 1.0), 2));
            double reward = xVelocity * ForwardRewardWeight + healthyReward - (ctrlCost + contactCost);
            Assert.That(result.Reward, Is.EqualTo(reward).Within(1e-12), $"reward at step {t + 1}");
            Assert.That(result.Terminated, Is.EqualTo(!healthy), $"terminated at step {t + 1}");
            // info: x/y_position (qpos), distance_from_origin, x/y_velocity, reward_forward, _ctrl, _contact, _survive.
            Assert.That(env.LastTerms.ToArray(), Is.EqualTo(new[]
            {
                qpos[0], qpos[1], Math.Sqrt(qpos[0] * qpos[0] + qpos[1] * qpos[1]), xVelocity, yVelocity,
                xVelocity, -ctrlCost, -contactCost, healthyReward,
            }).Within(1e-12));
            maxContactCost = Math.Max(maxContactCost, contactCost);
            if (result.Terminated)
                env.Reset(observation);
        }
        Assert.That(maxContactCost, Is.GreaterThan(0), "the contact cost was exercised");
    }

    [TestCase(0.2, true, TestName = "IsHealthy_ZExactlyAtItsLowerBound_IsHealthyAsTheRangeIsClosed")]
    [TestCase(0.19999999999999998, false, TestName = "IsHealthy_ZJustBelowItsLowerBound_IsUnhealthy")]
    [TestCase(1.0, true, TestName = "IsHealthy_ZExactlyAtItsUpperBound_IsHealthyAsTheRangeIsClosed")]
    [TestCase(1.0000000000000002, false, TestName = "IsHealthy_ZJustAboveItsUpperBound_IsUnhealthy")]
    public void IsHealthy_ZAtThreshold(double z, bool healthy) =>
        Gymnasium.AssertHealthWithQpos<Ant>(index: 2, z, healthy, GymnasiumIsHealthy, env => env.IsHealthy());

    [TestCase(double.NaN)]
    [TestCase(double.PositiveInfinity)]
    public void IsHealthy_NonFiniteVelocity_IsUnhealthy(double value)
    {
        using Ant env = GymnasiumTask.Reset<Ant>(seed: 0, out _);
        var qvel = new double[Nv];
        qvel[9] = value;
        RawMjData.Write(env, MjDataArrays.qvel, qvel);
        Assert.That(env.IsHealthy(), Is.False);
    }

    [Test]
    public void Step_FromAnAntOnItsBack_Terminates()
    {
        using Ant env = GymnasiumTask.Reset<Ant>(seed: 0, out float[] observation);
        // Torso at 1.5 m, above the healthy range: the episode ends after this step.
        double[] qpos = [.. s_initialQpos];
        qpos[2] = 1.5;
        StepResult result = GymnasiumTask.StepFrom(env, qpos, new double[Nv], observation);
        Assert.That(result.Terminated, Is.True);
        Assert.That(env.LastTerms[8], Is.Zero, "reward_survive");
    }
}
