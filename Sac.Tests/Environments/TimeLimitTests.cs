using Sac.Core.Environments;

namespace Sac.Tests.Environments;

/// <summary>Gymnasium's TimeLimit semantics: truncation exactly at max_episode_steps, and terminated kept apart.</summary>
public class TimeLimitTests
{
    [Test]
    public void Step_PendulumFromRegistry_TruncatesExactlyAtStep200()
    {
        IEnvironment env = EnvironmentRegistry.Create("Pendulum-v1");
        var observation = new float[3];
        env.Reset(observation, seed: 0);
        for (int t = 1; t <= 200; t++)
        {
            StepResult result = env.Step([0.5f], observation);
            Assert.That(result.Truncated, Is.EqualTo(t == 200), $"truncated at step {t}");
            Assert.That(result.Terminated, Is.False, $"terminated at step {t}");
        }
    }

    [Test]
    public void Step_MountainCarThatNeverReachesGoal_TruncatesExactlyAtStep999()
    {
        IEnvironment env = EnvironmentRegistry.Create("MountainCarContinuous-v0");
        var observation = new float[2];
        env.Reset(observation, seed: 0);
        for (int t = 1; t <= 999; t++)
        {
            // No force: the car only rocks in the valley.
            StepResult result = env.Step([0f], observation);
            Assert.That(result.Truncated, Is.EqualTo(t == 999), $"truncated at step {t}");
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
        var env = new TimeLimit(new Pendulum(), maxEpisodeSteps: 10);
        var observation = new float[3];
        env.Reset(observation, seed: 0);
        for (int t = 0; t < 4; t++)
            env.Step([0f], observation);
        Assert.That(env.ElapsedSteps, Is.EqualTo(4));
        env.Reset(observation);
        Assert.That(env.ElapsedSteps, Is.EqualTo(0));
        Assert.That(env.MaxEpisodeSteps, Is.EqualTo(10));
    }

    [Test]
    public void Step_AfterTruncationWithoutReset_ThrowsNamingTheEnvironment()
    {
        var env = new TimeLimit(new Pendulum(), maxEpisodeSteps: 3);
        var observation = new float[3];
        env.Reset(observation, seed: 0);
        for (int t = 0; t < 3; t++)
            env.Step([0f], observation);
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
