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
    private static readonly double[] s_initialQpos = [0, 1.25, 0, 0, 0, 0, 0, 0, 0];

    /// <summary>walker2d_v5.py's is_healthy: z and angle only, both open intervals.</summary>
    private static bool GymnasiumIsHealthy(double[] qpos) => 0.8 < qpos[1] && qpos[1] < 2.0 && -1.0 < qpos[2] && qpos[2] < 1.0;

    /// <summary>walker2d_v5.py's numbers; its observation [qpos[1:], clip(qvel, −10, 10)] and reset info are a planar walker's.</summary>
    internal static GymnasiumTask Gymnasium { get; } = PlanarWalkerChecks.Gymnasium(
        "Walker2d-v5", () => new Walker2d(), observationDimension: 17, "8 of qpos (no rootx) + 9 of qvel",
        Nq, Nv, Nu, frameSkip: 4, dt: 0.002 * 4, s_initialQpos, resetNoiseScale: 5e-3);

    [Test]
    public void Step_Observation_IsQposWithoutRootxThenQvelClippedToTen()
    {
        // A kick to both knees, so that some velocity is beyond ±10 and the clip is exercised.
        PlanarWalkerChecks.ObservationClipsQvel(Gymnasium, seed: 3, kick: [0, 0, 0, 0, 0, 30, 0, 0, -30], new Rng(33));
    }

    [Test]
    public void Step_RewardAndTermination_AreGymnasiumsFromTheStateBeforeAndAfter() =>
        PlanarWalkerChecks.RewardsAndTerminationUntilTheFall(Gymnasium, seed: 8, new Rng(81), (qpos, _) => GymnasiumIsHealthy(qpos),
            forwardRewardWeight: 1.0, ctrlCostWeight: 1e-3, healthyReward: 1.0);

    [TestCase(1, 0.8, false, TestName = "IsHealthy_ZExactlyAtItsLowerBound_IsUnhealthy")]
    [TestCase(1, 0.80000000000000016, true, TestName = "IsHealthy_ZJustAboveItsLowerBound_IsHealthy")]
    [TestCase(1, 2.0, false, TestName = "IsHealthy_ZExactlyAtItsUpperBound_IsUnhealthy")]
    [TestCase(1, 1.9999999999999998, true, TestName = "IsHealthy_ZJustBelowItsUpperBound_IsHealthy")]
    [TestCase(2, 1.0, false, TestName = "IsHealthy_AngleExactlyAtItsUpperBound_IsUnhealthy")]
    [TestCase(2, 0.99999999999999989, true, TestName = "IsHealthy_AngleJustBelowItsUpperBound_IsHealthy")]
    [TestCase(2, -1.0, false, TestName = "IsHealthy_AngleExactlyAtItsLowerBound_IsUnhealthy")]
    [TestCase(2, -0.99999999999999989, true, TestName = "IsHealthy_AngleJustAboveItsLowerBound_IsHealthy")]
    [TestCase(3, -200.0, true, TestName = "IsHealthy_JointFarOut_IsHealthyAsWalkerHasNoStateRange")]
    public void IsHealthy_QposAtThreshold(int index, double value, bool healthy) =>
        Gymnasium.AssertHealthWithQpos<Walker2d>(index, value, healthy, (qpos, _) => GymnasiumIsHealthy(qpos), env => env.IsHealthy());

    [TestCase(0.5, 0.0, TestName = "Step_FromAFallenWalker_Terminates")]
    [TestCase(2.5, 0.0, TestName = "Step_FromAWalkerTooHigh_Terminates")]
    [TestCase(1.25, 1.5, TestName = "Step_FromATiltedTorso_Terminates")]
    public void Step_FromScriptedUnhealthyState_TerminatesWithoutHealthyReward(double z, double angle)
    {
        using Walker2d env = GymnasiumTask.Reset<Walker2d>(seed: 0, out float[] observation);
        StepResult result = GymnasiumTask.StepFrom(env, [0, z, angle, 0, 0, 0, 0, 0, 0], new double[Nv], observation);
        Assert.That(result.Terminated, Is.True);
        Assert.That(env.LastTerms[5], Is.Zero, "reward_survive");
    }
}
