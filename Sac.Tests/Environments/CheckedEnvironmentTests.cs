using Sac.Core.Environments;

namespace Sac.Tests.Environments;

/// <summary>The strict checker turns every contract violation into one clear <see cref="EnvironmentException"/>.</summary>
public class CheckedEnvironmentTests
{
    private static CheckedEnvironment ResetPendulum(out float[] observation)
    {
        var env = new CheckedEnvironment(new Pendulum());
        observation = new float[3];
        env.Reset(observation, seed: 0);
        return env;
    }

    /// <summary>A Pendulum reset with seed 0, unwrapped (the reference a checked one must agree with).</summary>
    private static Pendulum RawPendulum(out float[] observation)
    {
        var env = new Pendulum();
        observation = new float[3];
        env.Reset(observation, seed: 0);
        return env;
    }

    [TestCase(2)]
    [TestCase(0)]
    public void Step_ActionOfWrongLength_ThrowsNamingIdLengthAndSpace(int length)
    {
        var env = ResetPendulum(out var observation);
        var error = Assert.Throws<EnvironmentException>(() => env.Step(new float[length], observation))!;
        Assert.That(error.Message, Does.Contain("Pendulum-v1"));
        Assert.That(error.Message, Does.Contain($"action has {length} value(s)"));
        Assert.That(error.Message, Does.Contain("Box(1, low=[-2], high=[2])"));
        Assert.That(error.Message, Does.Contain("expects 1"));
    }

    [TestCase(float.NaN, "nan")]
    [TestCase(float.PositiveInfinity, "inf")]
    [TestCase(float.NegativeInfinity, "-inf")]
    public void Step_NonFiniteAction_ThrowsNamingIdElementAndValue(float value, string shown)
    {
        var env = ResetPendulum(out var observation);
        var error = Assert.Throws<EnvironmentException>(() => env.Step([value], observation))!;
        Assert.That(error.Message, Does.Contain("Pendulum-v1"));
        Assert.That(error.Message, Does.Contain($"action[0] is {shown} at step 1"));
        Assert.That(error.Message, Does.Contain("Box(1, low=[-2], high=[2])"));
    }

    [Test]
    public void Step_RejectedAction_DoesNotReachTheEnvironment()
    {
        var inner = new FaultyEnvironment();
        var env = new CheckedEnvironment(inner);
        var observation = new float[3];
        env.Reset(observation);
        Assert.Throws<EnvironmentException>(() => env.Step([float.NaN], observation));
        Assert.That(inner.StepCalls, Is.EqualTo(0));
        // The episode is still usable: a good action goes through and is step 1.
        env.Step([0f], observation);
        Assert.That((inner.StepCalls, env.EpisodeStep), Is.EqualTo((1, 1)));
    }

    [Test]
    public void Step_FiniteActionOutsideBounds_IsPassedOnForTheEnvironmentToClip()
    {
        var env = ResetPendulum(out var observation);
        var raw = RawPendulum(out var rawObservation);

        StepResult result = env.Step([100f], observation);
        StepResult expected = raw.Step([2f], rawObservation);
        Assert.That(result, Is.EqualTo(expected));
        Assert.That(observation, Is.EqualTo(rawObservation));
    }

    [Test]
    public void Step_ObservationSpanOfWrongLength_Throws()
    {
        var env = ResetPendulum(out _);
        var error = Assert.Throws<EnvironmentException>(() => env.Step([0f], new float[4]))!;
        Assert.That(error.Message, Does.Contain("Pendulum-v1").And.Contain("Step has 4 element(s)").And.Contain("needs exactly 3"));
    }

    [Test]
    public void Reset_ObservationSpanOfWrongLength_Throws()
    {
        var env = new CheckedEnvironment(new Pendulum());
        var error = Assert.Throws<EnvironmentException>(() => env.Reset(new float[2], seed: 0))!;
        Assert.That(error.Message, Does.Contain("Pendulum-v1").And.Contain("Reset has 2 element(s)").And.Contain("needs exactly 3"));
    }

    [Test]
    public void Step_NanInObservationAtStep5_ThrowsNamingStepAndElement()
    {
        var env = new CheckedEnvironment(new FaultyEnvironment { NanObservationAtStep = 5, NanObservationIndex = 2 });
        var observation = new float[3];
        env.Reset(observation);
        for (int t = 1; t < 5; t++)
            env.Step([0f], observation);
        var error = Assert.Throws<EnvironmentException>(() => env.Step([0f], observation))!;
        Assert.That(error.Message, Does.Contain("Faulty-v0: observation[2] is nan at step 5 of the episode"));
    }

    [Test]
    public void Step_InfiniteRewardAtStep3_ThrowsNamingStepAndReward()
    {
        var env = new CheckedEnvironment(new FaultyEnvironment { InfiniteRewardAtStep = 3 });
        var observation = new float[3];
        env.Reset(observation);
        env.Step([0f], observation);
        env.Step([0f], observation);
        var error = Assert.Throws<EnvironmentException>(() => env.Step([0f], observation))!;
        Assert.That(error.Message, Does.Contain("Faulty-v0: reward is inf at step 3 of the episode"));
    }

    [Test]
    public void Reset_NanInFirstObservation_ThrowsNamingResetAndElement()
    {
        var env = new CheckedEnvironment(new FaultyEnvironment { NanObservationOnReset = true, NanObservationIndex = 1 });
        var error = Assert.Throws<EnvironmentException>(() => env.Reset(new float[3]))!;
        Assert.That(error.Message, Does.Contain("Faulty-v0: observation[1] is nan at step 0 of the episode (returned by Reset)"));
        // The failed reset leaves no episode to step in.
        Assert.That(() => env.Step([0f], new float[3]), Throws.TypeOf<EnvironmentException>());
    }

    [Test]
    public void Step_AfterAFailedCheck_RefusesUntilReset()
    {
        var inner = new FaultyEnvironment { InfiniteRewardAtStep = 1 };
        var env = new CheckedEnvironment(inner);
        var observation = new float[3];
        env.Reset(observation);
        Assert.Throws<EnvironmentException>(() => env.Step([0f], observation));
        Assert.That(() => env.Step([0f], observation), Throws.TypeOf<EnvironmentException>().With.Message.Contains("without Reset"));
        Assert.That(inner.StepCalls, Is.EqualTo(1), "the refused step must not reach the environment");
    }

    [Test]
    public void Step_BeforeReset_Throws()
    {
        var env = new CheckedEnvironment(new Pendulum());
        Assert.That(() => env.Step([0f], new float[3]), Throws.TypeOf<EnvironmentException>()
            .With.Message.Contains("Pendulum-v1").And.Message.Contains("before Reset"));
    }

    [Test]
    public void Step_AfterTerminationWithoutReset_Throws()
    {
        var env = new CheckedEnvironment(new FaultyEnvironment { TerminateAtStep = 1 });
        var observation = new float[3];
        env.Reset(observation);
        Assert.That(env.Step([0f], observation).Terminated, Is.True);
        Assert.That(() => env.Step([0f], observation), Throws.TypeOf<EnvironmentException>().With.Message.Contains("ended at step 1"));
    }

    [Test]
    public void Step_ValidUse_PassesResultsThroughUnchanged()
    {
        var env = ResetPendulum(out var observation);
        var raw = RawPendulum(out var rawObservation);
        Assert.That(observation, Is.EqualTo(rawObservation));
        for (int t = 0; t < 50; t++)
        {
            float action = (float)Math.Sin(t);
            Assert.That(env.Step([action], observation), Is.EqualTo(raw.Step([action], rawObservation)));
            Assert.That(observation, Is.EqualTo(rawObservation));
        }
        Assert.That(env.EpisodeStep, Is.EqualTo(50));
    }
}
