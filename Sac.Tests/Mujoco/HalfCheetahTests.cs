using Sac.Core.Environments;
using Sac.Core;
using Sac.Mujoco.Native;
using Sac.Mujoco.Tasks;

namespace Sac.Tests.Mujoco;

/// <summary>
/// HalfCheetah-v5 against Gymnasium's definition (gymnasium/envs/mujoco/half_cheetah_v5.py), with the state read
/// straight from mjData by <see cref="RawMjData"/>. The numbers below are Gymnasium's, typed here, not the task's.
/// </summary>
public class HalfCheetahTests
{
    private const int Nq = 9, Nv = 9, Nu = 6;
    private const double Dt = 0.01 * 5; // model.opt.timestep * frame_skip
    private const double ForwardRewardWeight = 1.0, CtrlCostWeight = 0.1, ResetNoiseScale = 0.1;

    /// <summary>half_cheetah_v5.py's numbers and its observation [qpos[1:], qvel].</summary>
    internal static GymnasiumTask Gymnasium { get; } = new(
        "HalfCheetah-v5", () => new HalfCheetah(), ObservationDimension: 17, "8 of qpos (no rootx) + 9 of qvel",
        Nq, Nv, Nu, CtrlLimit: 1.0, FrameSkip: 5, Dt, InitialQpos: new double[Nq], ResetNoiseScale, NormalVelocityNoise: true,
        Observation: env => [.. RawMjData.Read(env, MjDataArrays.qpos, Nq).Skip(1).Select(x => (float)x),
            .. RawMjData.Read(env, MjDataArrays.qvel, Nv).Select(x => (float)x)],
        ResetTerms: qpos => [qpos[0], 0, 0, 0]); // reset info: x_position only

    [Test]
    public void Step_Reward_IsForwardVelocityOfRootxMinusControlCost()
    {
        using HalfCheetah env = GymnasiumTask.Reset<HalfCheetah>(seed: 4, out float[] observation);
        var rng = new Rng(40);
        double maxVelocity = 0;
        for (int t = 0; t < 100; t++)
        {
            var (action, result, xBefore, xAfter) = Gymnasium.StepRandomly(env, rng, observation, () => RawMjData.Read(env, MjDataArrays.qpos, 1)[0]);

            double xVelocity = (xAfter - xBefore) / Dt;
            double ctrlCost = CtrlCostWeight * action.Sum(a => (double)a * a);
            double reward = ForwardRewardWeight * xVelocity - ctrlCost;
            Assert.That(result.Reward, Is.EqualTo(reward).Within(1e-12), $"reward at step {t + 1}");
            Assert.That(result.Terminated || result.Truncated, Is.False, "HalfCheetah never ends an episode by itself");
            // The info dict: x_position, x_velocity, reward_forward, reward_ctrl (= −ctrl_cost).
            Assert.That(env.LastTerms.ToArray(), Is.EqualTo(new[] { xAfter, xVelocity, ForwardRewardWeight * xVelocity, -ctrlCost }).Within(1e-12));
            maxVelocity = Math.Max(maxVelocity, Math.Abs(xVelocity));
        }
        Assert.That(maxVelocity, Is.GreaterThan(0.1), "the cheetah moved, so the velocity term was exercised");
        Assert.That(env.TermNames, Is.EqualTo(new[] { "x_position", "x_velocity", "reward_forward", "reward_ctrl" }));
    }

    [Test]
    public void Step_ActionOutsideCtrlRange_MovesLikeTheClippedActionButCostsTheRawOne()
    {
        using var outside = new HalfCheetah();
        using var clipped = new HalfCheetah();
        var observationOutside = new float[17];
        var observationClipped = new float[17];
        outside.Reset(observationOutside, seed: 5);
        clipped.Reset(observationClipped, seed: 5);

        StepResult rOutside = outside.Step([3f, -2f, 0.5f, 1.5f, -7f, 0f], observationOutside);
        StepResult rClipped = clipped.Step([1f, -1f, 0.5f, 1f, -1f, 0f], observationClipped);
        // MuJoCo clamps ctrl to ctrlrange (ctrllimited), so the physics is that of the clipped action...
        Assert.That(observationOutside, Is.EqualTo(observationClipped));
        // ...but Gymnasium's control cost squares the action it was given: 0.1·(9 + 4 + 0.25 + 2.25 + 49) vs 0.1·(1 + 1 + 0.25 + 1 + 1).
        Assert.That(rClipped.Reward - rOutside.Reward, Is.EqualTo(0.1 * (64.5 - 4.25)).Within(1e-12));
    }

    [Test]
    public void Reset_OverManySeeds_QposNoiseIsWithinScaleAndQvelNoiseHasStdScale()
    {
        using var env = new HalfCheetah();
        var observation = new float[17];
        var velocities = new List<double>();
        double maxQpos = 0;
        for (int seed = 0; seed < 300; seed++)
        {
            env.Reset(observation, seed);
            maxQpos = Math.Max(maxQpos, RawMjData.Read(env, MjDataArrays.qpos, Nq).Max(Math.Abs));
            velocities.AddRange(RawMjData.Read(env, MjDataArrays.qvel, Nv));
        }
        Assert.That(maxQpos, Is.LessThan(ResetNoiseScale).And.GreaterThan(0.99 * ResetNoiseScale), "U(−0.1, 0.1), covered");
        double mean = velocities.Average();
        double std = Math.Sqrt(velocities.Average(v => (v - mean) * (v - mean)));
        // 2700 samples of N(0, 0.1²): the sample std is 0.1 ± 0.0014 (1σ), the mean 0 ± 0.002.
        Assert.That(std, Is.InRange(0.095, 0.105));
        Assert.That(mean, Is.InRange(-0.008, 0.008));
        Assert.That(velocities.Max(Math.Abs), Is.GreaterThan(ResetNoiseScale), "normal, not uniform: some exceed one scale");
    }
}
