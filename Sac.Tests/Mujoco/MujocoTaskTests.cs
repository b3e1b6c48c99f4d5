using Sac.Core;
using Sac.Mujoco.Native;
using Sac.Mujoco.Tasks;

namespace Sac.Tests.Mujoco;

/// <summary>
/// What every locomotion task is checked for in the same way, against the Gymnasium numbers its own test file types
/// (<see cref="GymnasiumTask"/>): its spaces and timing, and its seeded reset. Each task's reward, termination and
/// observation details are tested in its own file.
/// </summary>
[TestFixtureSource(typeof(GymnasiumTask), nameof(GymnasiumTask.All))]
public class MujocoTaskTests(GymnasiumTask task)
{
    [Test]
    public void Spaces_AreGymnasiums()
    {
        using MujocoEnvironment env = task.Create();
        Assert.That(env.Id, Is.EqualTo(task.Id));
        Assert.That(env.ObservationSpace.Dimension, Is.EqualTo(task.ObservationDimension), task.ObservationLayout);
        Assert.That(env.ObservationSpace.Low.ToArray(), Is.All.EqualTo(float.NegativeInfinity));
        Assert.That(env.ObservationSpace.High.ToArray(), Is.All.EqualTo(float.PositiveInfinity));
        Assert.That(env.ActionSpace.Dimension, Is.EqualTo(task.Nu));
        Assert.That(env.ActionSpace.Low.ToArray(), Is.All.EqualTo((float)-task.CtrlLimit));
        Assert.That(env.ActionSpace.High.ToArray(), Is.All.EqualTo((float)task.CtrlLimit));
        Assert.That(env.FrameSkip, Is.EqualTo(task.FrameSkip));
        Assert.That(env.Dt, Is.EqualTo(task.Dt));
    }

    [Test]
    public void Reset_Seeded_AddsGymnasiumsNoiseToQposThenQvelFromThatSeedsRng()
    {
        using MujocoEnvironment env = task.Create();
        var observation = new float[task.ObservationDimension];
        env.Reset(observation, seed: 9);
        (double[] qpos, double[] qvel) = task.ExpectedReset(seed: 9);
        double[] actual = RawMjData.Read(env, MjDataArrays.qpos, task.Nq);
        if (task.HasFreeJoint)
        {
            Assert.That(actual.Take(3).Concat(actual.Skip(7)), Is.EqualTo(qpos.Take(3).Concat(qpos.Skip(7))));
            // The quaternion gets its noise too, unnormalized, exactly as Gymnasium adds it, and then MuJoCo 2.2.2's
            // mj_forward (mj_kinematics) normalizes it in qpos (3.x normalizes only a copy).
            double norm = Math.Sqrt(qpos[3] * qpos[3] + qpos[4] * qpos[4] + qpos[5] * qpos[5] + qpos[6] * qpos[6]);
            Assert.That(actual[3..7], Is.EqualTo(qpos[3..7].Select(q => q / norm)).Within(1e-15));
        }
        else
        {
            Assert.That(actual, Is.EqualTo(qpos));
        }
        Assert.That(RawMjData.Read(env, MjDataArrays.qvel, task.Nv), Is.EqualTo(qvel));
        Assert.That(RawMjData.ReadTime(env), Is.Zero, "mj_resetData restarts the clock");
        Assert.That(observation, Is.EqualTo(task.Observation(env)), "the observation of the reset state");
        Assert.That(env.LastTerms.ToArray(), Is.EqualTo(task.ResetTerms(qpos)), "reset info: the positions, zero for the rest");
    }

    [Test]
    public void Reset_SameSeedSameState_DifferentSeedDifferentState()
    {
        using MujocoEnvironment env = task.Create();
        var a = new float[task.ObservationDimension];
        var b = new float[task.ObservationDimension];
        var c = new float[task.ObservationDimension];
        env.Reset(a, seed: 11);
        double[] qposA = RawMjData.Read(env, MjDataArrays.qpos, task.Nq);
        env.Reset(b, seed: 11);
        double[] qposB = RawMjData.Read(env, MjDataArrays.qpos, task.Nq);
        env.Reset(c, seed: 12);
        Assert.That(qposB, Is.EqualTo(qposA), "same seed, same qpos");
        Assert.That(b, Is.EqualTo(a), "same seed, same observation");
        Assert.That(c, Is.Not.EqualTo(a), "another seed, another start");
    }

    [Test]
    public void Step_Observation_IsGymnasiumsAfterEveryStep()
    {
        using MujocoEnvironment env = task.Create();
        var observation = new float[task.ObservationDimension];
        env.Reset(observation, seed: 3);
        var rng = new Rng(30);
        for (int t = 1; t <= 40; t++)
        {
            env.Step(GymnasiumTask.RandomAction(rng, task.Nu, task.CtrlLimit), observation);
            Assert.That(observation, Is.EqualTo(task.Observation(env)), $"after step {t}");
        }
    }
}
