using Sac.Core.Environments;
using Sac.Mujoco.Native;
using Sac.Mujoco.Tasks;
using Sac.Mujoco;

namespace Sac.Tests.Mujoco;

/// <summary>
/// What MuJoCo reports instead of failing (a warning, a reset state) becomes one clear exception that names the
/// environment, the step and the field; the process lives on and Reset starts a good episode.
/// </summary>
public class FaultTests
{
    [Test]
    public void Step_NaNAction_ThrowsNamingTheStepTheFrameAndTheActuator()
    {
        // Straight to the task: the CheckedEnvironment the registry adds would refuse the NaN before MuJoCo saw it.
        using HalfCheetah env = GymnasiumTask.Reset<HalfCheetah>(seed: 1, out float[] observation);
        for (int t = 0; t < 3; t++)
            env.Step(new float[6], observation);

        var error = Assert.Throws<MujocoException>(() => env.Step([0, 0, float.NaN, 0, 0, 0], observation))!;
        Assert.That(error.Message, Does.StartWith("HalfCheetah-v5:"));
        Assert.That(error.Message, Does.Contain("ctrl[2]").And.Contain("action[2]"), "the field and the action element");
        Assert.That(error.Message, Does.Contain("step 4 of the episode, frame 1 of 5"));
        Assert.That(error.Message, Does.Contain("Nan, Inf or huge value in CTRL"), "MuJoCo's own warning is quoted");
    }

    [Test]
    public void Step_AfterAFailedStep_IsRefusedUntilResetThenWorks()
    {
        using Hopper env = GymnasiumTask.Reset<Hopper>(seed: 1, out float[] observation);
        Assert.Throws<MujocoException>(() => env.Step([float.NaN, 0, 0], observation));

        var refused = Assert.Throws<EnvironmentException>(() => env.Step(new float[3], observation))!;
        Assert.That(refused.Message, Does.Contain("Hopper-v5").And.Contain("call Reset"));
        Assert.Throws<EnvironmentException>(() => env.SaveState(), "a failed episode has no state worth saving");

        env.Reset(observation, seed: 1);
        StepResult result = env.Step(new float[3], observation);
        Assert.That(result.Terminated, Is.False, "a fresh episode steps normally");
        Assert.That(observation, Has.All.Matches<float>(float.IsFinite));
    }

    [Test]
    public void Step_ThroughTheRegistry_NaNActionIsStoppedByCheckedEnvironmentFirst()
    {
        MujocoEnvironments.Register();
        IEnvironment env = EnvironmentRegistry.Create("Hopper-v5");
        var observation = new float[11];
        env.Reset(observation, seed: 1);
        var error = Assert.Throws<EnvironmentException>(() => env.Step([0, float.NaN, 0], observation))!;
        Assert.That(error, Is.Not.InstanceOf<MujocoException>(), "the checker's message, before MuJoCo is called");
        Assert.That(error.Message, Does.Contain("action[1] is nan at step 1"));
    }

    [Test]
    public void Step_AbsurdActuatorGear_ThrowsForTheUnstableAccelerationMujocoReset()
    {
        using HalfCheetah env = GymnasiumTask.Reset<HalfCheetah>(seed: 2, out float[] observation);
        // gear 1e12 on bthigh: the first forward pass gives |qacc| far beyond 1e10, and mj_step's check resets the state.
        RawMjData.WriteModel(env, MjModelArrays.actuator_gear, 0, 1e12);
        var error = Assert.Throws<MujocoException>(() => env.Step([1, 0, 0, 0, 0, 0], observation))!;
        Assert.That(error.Message, Does.StartWith("HalfCheetah-v5:").And.Contain("qacc["));
        Assert.That(error.Message, Does.Contain("step 1 of the episode, frame 1 of 5").And.Contain("unstable"));
        Assert.That(error.Message, Does.Contain("QACC"), "MuJoCo's warning text");
    }

    [Test]
    public void Step_HugeTimestep_ThrowsOnceTheSimulationBlowsUp()
    {
        using Hopper env = GymnasiumTask.Reset<Hopper>(seed: 2, out float[] observation);
        // 5 s per mj_step instead of 2 ms: the integration diverges within one environment step.
        env.Simulation.Model.Timestep = 5.0;
        var error = Assert.Throws<MujocoException>(() =>
        {
            for (int t = 0; t < 100; t++)
                env.Step([1, -1, 1], observation);
        })!;
        Assert.That(error.Message, Does.StartWith("Hopper-v5:").And.Contain("step 1 of the episode"));
        Assert.That(error.Message, Does.Match(@"(qpos|qvel|qacc)\[\d+\]"), "names the field that went bad");
    }

    [Test]
    public void Step_ActionOfWrongLength_ThrowsBeforeMujocoIsCalled()
    {
        using Hopper env = GymnasiumTask.Reset<Hopper>(seed: 0, out float[] observation);
        var error = Assert.Throws<EnvironmentException>(() => env.Step(new float[6], observation))!;
        Assert.That(error.Message, Does.Contain("Hopper-v5").And.Contain("6 value(s)").And.Contain("expects 3"));
    }
}
