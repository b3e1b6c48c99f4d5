using Sac.Core;
using Sac.Core.Environments;
using Sac.Mujoco;
using Sac.Mujoco.Native;
using Sac.Mujoco.Tasks;

namespace Sac.Tests.Mujoco;

/// <summary>
/// A task's numbers as Gymnasium defines them (its <c>*_v5.py</c> and MJCF), typed in the task's own test file, not
/// read from the task: what <see cref="MujocoTaskTests"/> checks every task against in the same way.
/// </summary>
/// <param name="Id">The Gymnasium id.</param>
/// <param name="Create">A fresh, unwrapped task.</param>
/// <param name="ObservationDimension">The observation length.</param>
/// <param name="ObservationLayout">What the observation is made of, in one line (the assert message).</param>
/// <param name="Nq">The model's nq.</param>
/// <param name="Nv">The model's nv; nq = nv + 1 for a free joint, whose quaternion is qpos[3..7].</param>
/// <param name="Nu">The number of actuators.</param>
/// <param name="CtrlLimit">Every actuator's ctrlrange is [−limit, limit].</param>
/// <param name="FrameSkip">Gymnasium's <c>frame_skip</c>.</param>
/// <param name="Dt">model.opt.timestep · frame_skip.</param>
/// <param name="InitialQpos">qpos0, which the reset noise is added to (qvel starts at 0).</param>
/// <param name="ResetNoiseScale">Gymnasium's <c>reset_noise_scale</c>.</param>
/// <param name="NormalVelocityNoise">True when qvel's reset noise is N(0, scale²), false for U(−scale, scale).</param>
/// <param name="Observation">The observation Gymnasium builds from the state, read from mjData by <see cref="RawMjData"/>.</param>
/// <param name="ResetTerms">The terms (info values) after a reset to <c>qpos</c>.</param>
public sealed record GymnasiumTask(
    string Id, Func<MujocoEnvironment> Create, int ObservationDimension, string ObservationLayout,
    int Nq, int Nv, int Nu, double CtrlLimit, int FrameSkip, double Dt,
    double[] InitialQpos, double ResetNoiseScale, bool NormalVelocityNoise,
    Func<MujocoEnvironment, float[]> Observation, Func<double[], double[]> ResetTerms)
{
    /// <summary>A free joint (Ant, Humanoid) has a quaternion, one qpos more than its three rotational dofs.</summary>
    public bool HasFreeJoint => Nq == Nv + 1;

    /// <summary>Every task, in <see cref="MujocoEnvironments.Tasks"/>'s order.</summary>
    public static IEnumerable<TestFixtureData> All() =>
        new[] { HalfCheetahTests.Gymnasium, HopperTests.Gymnasium, Walker2dTests.Gymnasium, AntTests.Gymnasium, HumanoidTests.Gymnasium }
            .Select(task => new TestFixtureData(task).SetArgDisplayNames(task.Id));

    /// <summary>The ids of the registered tasks (registering them first).</summary>
    public static IEnumerable<string> RegisteredIds()
    {
        MujocoEnvironments.Register();
        return MujocoEnvironments.Ids;
    }

    /// <summary>A new <typeparamref name="TTask"/> reset with <paramref name="seed"/>, and its observation buffer.</summary>
    public static TTask Reset<TTask>(int seed, out float[] observation) where TTask : MujocoEnvironment, new()
    {
        var env = new TTask();
        observation = new float[env.ObservationSpace.Dimension];
        env.Reset(observation, seed);
        return env;
    }

    /// <summary>An action of U(−limit, limit) per actuator.</summary>
    public static float[] RandomAction(Rng rng, int nu, double limit = 1.0) =>
        [.. Enumerable.Range(0, nu).Select(_ => (float)rng.Uniform(-limit, limit))];

    /// <summary>
    /// One step with an action of U(−<see cref="CtrlLimit"/>, <see cref="CtrlLimit"/>) per actuator, reading
    /// <paramref name="position"/> just before and just after it, as Gymnasium reads the position its velocity comes from.
    /// </summary>
    /// <returns>The action, the step's result, and the position before and after.</returns>
    public (float[] Action, StepResult Result, TPosition Before, TPosition After) StepRandomly<TPosition>(
        MujocoEnvironment env, Rng rng, float[] observation, Func<TPosition> position)
    {
        float[] action = RandomAction(rng, Nu, CtrlLimit);
        TPosition before = position();
        StepResult result = env.Step(action, observation);
        return (action, result, before, position());
    }

    /// <summary>
    /// A <typeparamref name="TTask"/> reset with seed 0, then scripted to qpos0 with qpos[<paramref name="index"/>] =
    /// <paramref name="value"/> and a zero qvel: Gymnasium's definition (<paramref name="gymnasiumIsHealthy"/>) says
    /// <paramref name="healthy"/>, so the case itself is right, and so does the task (<paramref name="isHealthy"/>).
    /// </summary>
    public void AssertHealthWithQpos<TTask>(int index, double value, bool healthy,
        Func<double[], double[], bool> gymnasiumIsHealthy, Func<TTask, bool> isHealthy) where TTask : MujocoEnvironment, new()
    {
        using TTask env = Reset<TTask>(seed: 0, out _);
        double[] qpos = [.. InitialQpos];
        qpos[index] = value;
        var qvel = new double[Nv];
        RawMjData.Write(env, MjDataArrays.qpos, qpos);
        RawMjData.Write(env, MjDataArrays.qvel, qvel);
        Assert.That(gymnasiumIsHealthy(qpos, qvel), Is.EqualTo(healthy), "the case itself is what the definition says");
        Assert.That(isHealthy(env), Is.EqualTo(healthy));
    }

    /// <summary>Scripts the state (a zero qvel unless given), then steps with a zero action.</summary>
    public static StepResult StepFrom(MujocoEnvironment env, double[] qpos, double[] qvel, float[] observation)
    {
        RawMjData.Write(env, MjDataArrays.qpos, qpos);
        RawMjData.Write(env, MjDataArrays.qvel, qvel);
        return env.Step(new float[env.ActionSpace.Dimension], observation);
    }

    /// <summary>
    /// Gymnasium's <c>reset_model</c> under <paramref name="seed"/>'s Rng: every qpos draw U(−scale, scale) added to
    /// qpos0, then every qvel draw (normal or uniform) added to 0. A free joint's quaternion is left as drawn here
    /// (MuJoCo then normalizes it).
    /// </summary>
    public (double[] Qpos, double[] Qvel) ExpectedReset(int seed)
    {
        var rng = new Rng((ulong)seed);
        double s = ResetNoiseScale;
        double[] qpos = [.. InitialQpos.Select(q => q + rng.Uniform(-s, s))];
        double[] qvel = [.. Enumerable.Range(0, Nv).Select(_ => NormalVelocityNoise ? 0.0 + s * rng.Normal() : 0.0 + rng.Uniform(-s, s))];
        return (qpos, qvel);
    }
}
