using Sac.Core.Environments;

namespace Sac.Tests.Environments;

/// <summary>Gymnasium's TimeLimit semantics: truncation exactly at max_episode_steps, and terminated kept apart.</summary>
public class TimeLimitTests
{
    /// <summary>A Pendulum limited to <paramref name="limit"/> steps, reset with seed 0 and stepped <paramref name="steps"/> times with a = 0.</summary>
    private static TimeLimit AfterSteps(int limit, int steps, out float[] observation)
    {
        var env = new TimeLimit(new Pendulum(), limit);
        observation = new float[3];
        env.Reset(observation, seed: 0);
        for (int t = 0; t < steps; t++)
            env.Step([0f], observation);
        return env;
    }

    // A constant action that never ends the episode itself (MountainCar with no force only rocks in the valley).
    [TestCase("Pendulum-v1", 0.5f, 200, TestName = "Step_PendulumFromRegistry_TruncatesExactlyAtStep200")]
    [TestCase("MountainCarContinuous-v0", 0f, 999, TestName = "Step_MountainCarThatNeverReachesGoal_TruncatesExactlyAtStep999")]
    public void Step_FromRegistry_TruncatesExactlyAtMaxEpisodeSteps(string id, float action, int maxEpisodeSteps)
    {
        IEnvironment env = EnvironmentRegistry.Create(id);
        var observation = new float[env.ObservationSpace.Dimension];
        env.Reset(observation, seed: 0);
        for (int t = 1; t <= maxEpisodeSteps; t++)
        {
            StepResult result = env.Step([action], observation);
            Assert.That(result.Truncated, Is.EqualTo(t == maxEpisodeSteps), $"truncated at step {t}");
            Assert.That(result.Terminated, Is.False, $"terminated at step {t}");
        }
    }

    [Test]
    public void Step_MountainCarReachingGoal_IsTerminatedNotTruncated()
    {
        IEnvironment env = EnvironmentRegistry.Create("MountainCarContinuous-v0");
        var observation = new float[2];
        env.Reset(observation, seed: 1);
        for (int t = 1; t <= 999; t++)
        {
            StepResult result = env.Step([observation[1] >= 0 ? 1f : -1f], observation);
            if (result.Terminated || result.Truncated)
            {
                Assert.That(result.Terminated, Is.True, $"ended at step {t}");
                Assert.That(result.Truncated, Is.False, $"ended at step {t}");
                return;
            }
        }
        Assert.Fail("The episode never ended.");
    }

    [Test]
    public void Step_TerminatingOnTheLastAllowedStep_ReportsBoth()
    {
        // Gymnasium sets truncated on the limit step regardless of terminated; a learner must still not bootstrap.
        var env = new TimeLimit(new FaultyEnvironment { TerminateAtStep = 5 }, maxEpisodeSteps: 5);
        var observation = new float[3];
        env.Reset(observation);
        for (int t = 1; t < 5; t++)
            env.Step([0f], observation);
        Assert.That(env.Step([0f], observation), Is.EqualTo(new StepResult(1.0, Terminated: true, Truncated: true)));
    }

    [Test]
    public void ElapsedSteps_CountsStepsAndResetsToZero()
    {
        var env = AfterSteps(10, 4, out var observation);
        Assert.That(env.ElapsedSteps, Is.EqualTo(4));
        env.Reset(observation);
        Assert.That(env.ElapsedSteps, Is.EqualTo(0));
        Assert.That(env.MaxEpisodeSteps, Is.EqualTo(10));
    }

    [Test]
    public void Step_AfterTruncationWithoutReset_ThrowsNamingTheEnvironment()
    {
        var env = AfterSteps(3, 3, out var observation);
        Assert.That(() => env.Step([0f], observation), Throws.TypeOf<EnvironmentException>()
            .With.Message.Contains("Pendulum-v1").And.Message.Contains("ended at step 3").And.Message.Contains("Reset"));

        // Reset makes it usable again, with a full new episode.
        env.Reset(observation);
        Assert.That(env.Step([0f], observation).Truncated, Is.False);
    }

    [Test]
    public void Step_AfterTerminationWithoutReset_Throws()
    {
        var env = new TimeLimit(new FaultyEnvironment { TerminateAtStep = 2 }, maxEpisodeSteps: 100);
        var observation = new float[3];
        env.Reset(observation);
        env.Step([0f], observation);
        Assert.That(env.Step([0f], observation).Terminated, Is.True);
        Assert.That(() => env.Step([0f], observation), Throws.TypeOf<EnvironmentException>().With.Message.Contains("Faulty-v0"));
    }

    [Test]
    public void Step_BeforeReset_Throws()
    {
        var env = new TimeLimit(new Pendulum(), maxEpisodeSteps: 3);
        Assert.That(() => env.Step([0f], new float[3]), Throws.TypeOf<EnvironmentException>().With.Message.Contains("before Reset"));
    }

    [TestCase(0)]
    [TestCase(-5)]
    public void Constructor_NonPositiveLimit_Throws(int limit)
    {
        Assert.That(() => new TimeLimit(new Pendulum(), limit), Throws.TypeOf<ArgumentOutOfRangeException>());
    }
}
