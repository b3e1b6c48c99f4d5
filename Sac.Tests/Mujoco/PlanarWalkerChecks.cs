using Sac.Core;
using Sac.Core.Environments;
using Sac.Mujoco.Native;
using Sac.Mujoco.Tasks;

namespace Sac.Tests.Mujoco;

/// <summary>
/// The checks Hopper-v5 and Walker2d-v5 share, as their Gymnasium files share a step (walker2d_v5.py "builds on the
/// hopper environment"). Each task's test passes its own Gymnasium numbers and health oracle.
/// </summary>
internal static class PlanarWalkerChecks
{
    /// <summary>
    /// A planar walker's Gymnasium numbers with what hopper_v5.py and walker2d_v5.py share: ctrl in [−1, 1], U(−scale,
    /// scale) reset noise on qpos and qvel, the observation [qpos[1:], clip(qvel, −10, 10)], and the reset info
    /// x_position and z_distance_from_origin (qpos[1] − qpos0[1]).
    /// </summary>
    public static GymnasiumTask Gymnasium(string id, Func<MujocoEnvironment> create, int observationDimension, string observationLayout,
        int nq, int nv, int nu, int frameSkip, double dt, double[] initialQpos, double resetNoiseScale) => new(
        id, create, observationDimension, observationLayout, nq, nv, nu, CtrlLimit: 1.0, frameSkip, dt, initialQpos, resetNoiseScale,
        NormalVelocityNoise: false,
        Observation: env => [.. RawMjData.Read(env, MjDataArrays.qpos, nq).Skip(1).Select(x => (float)x),
            .. RawMjData.Read(env, MjDataArrays.qvel, nv).Select(v => (float)Math.Clamp(v, -10.0, 10.0))],
        ResetTerms: qpos => [qpos[0], qpos[1] - initialQpos[1], 0, 0, 0, 0]);

    /// <summary>
    /// After a kick to qvel, ten steps of random actions: every observation is <paramref name="task"/>'s
    /// [qpos[1:], clip(qvel, −10, 10)], and some |qvel| went beyond 10, so the clip was exercised.
    /// </summary>
    public static void ObservationClipsQvel(GymnasiumTask task, int seed, double[] kick, Rng rng)
    {
        using MujocoEnvironment env = task.Create();
        var observation = new float[task.ObservationDimension];
        env.Reset(observation, seed);
        RawMjData.Write(env, MjDataArrays.qvel, kick);
        bool clipped = false;
        for (int t = 1; t <= 10; t++)
        {
            env.Step(GymnasiumTask.RandomAction(rng, task.Nu), observation);
            clipped |= RawMjData.Read(env, MjDataArrays.qvel, task.Nv).Any(v => Math.Abs(v) > 10);
            Assert.That(observation, Is.EqualTo(task.Observation(env)), $"after step {t}");
        }
        Assert.That(clipped, Is.True, "some |qvel| exceeded 10");
    }

    /// <summary>
    /// Random actions until the walker falls: every step's reward (w_forward·x_velocity + healthy_reward·healthy −
    /// w_ctrl·Σ aⱼ²), termination (not healthy) and info terms against the definition, and no healthy reward on the
    /// step that ends it (v5).
    /// </summary>
    public static void RewardsAndTerminationUntilTheFall(GymnasiumTask task, int seed, Rng rng, Func<double[], double[], bool> isHealthy,
        double forwardRewardWeight, double ctrlCostWeight, double healthyReward)
    {
        using MujocoEnvironment env = task.Create();
        var observation = new float[task.ObservationDimension];
        env.Reset(observation, seed);
        bool terminated = false;
        int t = 0;
        for (; t < 1000 && !terminated; t++)
        {
            var (action, result, xBefore, _) = task.StepRandomly(env, rng, observation, () => RawMjData.Read(env, MjDataArrays.qpos, 1)[0]);
            double[] qpos = RawMjData.Read(env, MjDataArrays.qpos, task.Nq);
            double[] qvel = RawMjData.Read(env, MjDataArrays.qvel, task.Nv);

            bool healthy = isHealthy(qpos, qvel);
            double xVelocity = (qpos[0] - xBefore) / task.Dt;
            double survive = healthy ? healthyReward : 0.0;
            double ctrlCost = ctrlCostWeight * action.Sum(a => (double)a * a);
            Assert.That(result.Reward, Is.EqualTo(forwardRewardWeight * xVelocity + survive - ctrlCost).Within(1e-12), $"reward at step {t + 1}");
            Assert.That(result.Terminated, Is.EqualTo(!healthy), $"terminated at step {t + 1}");
            Assert.That(result.Truncated, Is.False, "only the TimeLimit truncates");
            // info: x_position, z_distance_from_origin, x_velocity, reward_forward, reward_ctrl, reward_survive.
            Assert.That(env.LastTerms.ToArray(),
                Is.EqualTo(new[] { qpos[0], qpos[1] - task.InitialQpos[1], xVelocity, forwardRewardWeight * xVelocity, -ctrlCost, survive }).Within(1e-12));
            terminated = result.Terminated;
        }
        Assert.That(terminated, Is.True, $"{task.Id} fell within {t} random steps, so termination was exercised");
        Assert.That(env.LastTerms[5], Is.Zero, "v5: no healthy reward on the unhealthy step");
    }
}
