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

    /// <summary>hopper_v5.py's numbers; its observation [qpos[1:], clip(qvel, −10, 10)] and reset info are a planar walker's.</summary>
    internal static GymnasiumTask Gymnasium { get; } = PlanarWalkerChecks.Gymnasium(
        "Hopper-v5", () => new Hopper(), observationDimension: 11, "5 of qpos (no rootx) + 6 of qvel",
        Nq, Nv, Nu, frameSkip: 4, dt: 0.002 * 4, s_initialQpos, resetNoiseScale: 5e-3);

    [Test]
    public void Step_Observation_IsQposWithoutRootxThenQvelClippedToTen()
    {
        // A hard kick on the foot, so that some velocity is beyond ±10 and the clip is exercised.
        PlanarWalkerChecks.ObservationClipsQvel(Gymnasium, seed: 3, kick: [0, 0, 0, 0, 0, 40], new Rng(31));
    }

    [Test]
    public void Step_RewardAndTermination_AreGymnasiumsFromTheStateBeforeAndAfter() =>
        PlanarWalkerChecks.RewardsAndTerminationUntilTheFall(Gymnasium, seed: 8, new Rng(80), GymnasiumIsHealthy,
            forwardRewardWeight: 1.0, ctrlCostWeight: 1e-3, healthyReward: 1.0);

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
    public void IsHealthy_QposAtThreshold(int index, double value, bool healthy) =>
        Gymnasium.AssertHealthWithQpos<Hopper>(index, value, healthy, GymnasiumIsHealthy, env => env.IsHealthy());

    [TestCase(0, 100.0, false)]
    [TestCase(0, 99.999999999999986, true)]
    [TestCase(5, -100.0, false)]
    [TestCase(4, double.NaN, false)]
    public void IsHealthy_QvelAtThreshold_EveryVelocityIsInTheStateRange(int index, double value, bool healthy)
    {
        using Hopper env = GymnasiumTask.Reset<Hopper>(seed: 0, out _);
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
        using Hopper env = GymnasiumTask.Reset<Hopper>(seed: 0, out float[] observation);
        StepResult result = GymnasiumTask.StepFrom(env, [0, z, angle, 0, 0, 0], new double[Nv], observation);
        Assert.That(result.Terminated, Is.True);
        Assert.That(env.LastTerms[5], Is.Zero, "reward_survive");
    }

    [Test]
    public void Step_FromTheStandingStart_IsHealthyAndPaysTheHealthyReward()
    {
        using Hopper env = GymnasiumTask.Reset<Hopper>(seed: 0, out float[] observation);
        StepResult result = env.Step(new float[Nu], observation);
        Assert.That(result.Terminated, Is.False);
        Assert.That(env.LastTerms[5], Is.EqualTo(1.0), "reward_survive");
    }

    [Test]
    public void Reset_OverManySeeds_NoiseStaysWithinScaleOfTheStart()
    {
        using var env = new Hopper();
        var observation = new float[Gymnasium.ObservationDimension];
        double maxQpos = 0, maxQvel = 0;
        for (int seed = 0; seed < 300; seed++)
        {
            env.Reset(observation, seed);
            double[] qpos = RawMjData.Read(env, MjDataArrays.qpos, Nq);
            maxQpos = Math.Max(maxQpos, qpos.Zip(s_initialQpos, (q, q0) => Math.Abs(q - q0)).Max());
            maxQvel = Math.Max(maxQvel, RawMjData.Read(env, MjDataArrays.qvel, Nv).Max(Math.Abs));
        }
        double scale = Gymnasium.ResetNoiseScale;
        Assert.That(maxQpos, Is.LessThanOrEqualTo(scale).And.GreaterThan(0.99 * scale));
        Assert.That(maxQvel, Is.LessThanOrEqualTo(scale).And.GreaterThan(0.99 * scale));
    }
}
