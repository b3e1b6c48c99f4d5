using Sac.Core.Environments;
using Sac.Mujoco;
using Sac.Render.Recording;
using Sac.Render.Scenes;

namespace Sac.Tests.Render;

/// <summary>The episode recorder is invisible to whoever steps the environment, and keeps what happened.</summary>
public class RecorderTests
{
    /// <summary>Plays <paramref name="steps"/> steps of a fixed action sequence, resetting at episode ends.</summary>
    private static (List<float[]> Observations, List<double> Rewards) Play(IEnvironment env, int steps)
    {
        var observation = new float[env.ObservationSpace.Dimension];
        var action = new float[env.ActionSpace.Dimension];
        var observations = new List<float[]>();
        var rewards = new List<double>();
        env.Reset(observation, seed: 11);
        observations.Add(observation.ToArray());
        for (int t = 0; t < steps; t++)
        {
            for (int j = 0; j < action.Length; j++)
                action[j] = (float)Math.Sin(0.37 * t + j) * env.ActionSpace.High[j];
            var result = env.Step(action, observation);
            observations.Add(observation.ToArray());
            rewards.Add(result.Reward);
            if (result.Terminated || result.Truncated)
            {
                env.Reset(observation);
                observations.Add(observation.ToArray());
            }
        }
        return (observations, rewards);
    }

    [TestCase("Pendulum-v1")]
    [TestCase("Hopper-v5")]
    public void Recorder_ChangesNothing_AndKeepsEveryStep(string id)
    {
        MujocoEnvironments.Register();
        var plain = EnvironmentRegistry.Create(id);
        var wrapped = (CheckedEnvironment)EnvironmentRegistry.Create(id);
        int plans = 0;
        var recorder = new EpisodeRecorder(wrapped.Inner, SceneCatalog.For(wrapped), () =>
        {
            plans++;
            return new CapturePlan(2, WithPictures: true, PolicyStep: 42);
        });
        var recorded = new CheckedEnvironment(recorder);

        var (expectedObservations, expectedRewards) = Play(plain, 450);
        var (observations, rewards) = Play(recorded, 450);
        Assert.That(observations, Is.EqualTo(expectedObservations), "the same observations, bit for bit");
        Assert.That(rewards, Is.EqualTo(expectedRewards), "the same rewards");
        Assert.That(recorded.SaveState().ToJsonString(), Is.EqualTo(((CheckedEnvironment)plain).SaveState().ToJsonString()),
            "the same saved state: a checkpoint does not know the recorder is there");

        var episodes = recorder.TakeRecorded();
        Assert.That(plans, Is.EqualTo(1), "one plan until the recording is taken");
        Assert.That(episodes, Has.Count.EqualTo(2), "the two episodes asked for, though more were played");
        int first = episodes[0].Length;
        Assert.That(episodes[0].Frames, Has.Count.EqualTo(first + 1), "the reset, then one frame per step");
        Assert.That(episodes[0].Frames.Select(f => f.Observation), Is.EqualTo(expectedObservations.Take(first + 1)));
        Assert.That(episodes[0].Return, Is.EqualTo(expectedRewards.Take(first).Sum()).Within(1e-9));
        Assert.That(episodes[0].Frames[5].Return, Is.EqualTo(expectedRewards.Take(5).Sum()).Within(1e-9), "the return so far");
        Assert.That(episodes[0].HasPictures, Is.True);
        Assert.That(episodes[1].Index, Is.EqualTo(1));
        Assert.That(episodes[0].PolicyStep, Is.EqualTo(42));

        // The next reset asks again.
        Play(recorded, 3);
        Assert.That(plans, Is.EqualTo(2));
    }

    [Test]
    public void Recorder_OnAMujocoTask_KeepsItsRewardTerms()
    {
        MujocoEnvironments.Register();
        var env = (CheckedEnvironment)EnvironmentRegistry.Create("HalfCheetah-v5");
        var recorder = new EpisodeRecorder(env.Inner, SceneCatalog.For(env), () => new CapturePlan(1, WithPictures: false, PolicyStep: 0));
        Play(new CheckedEnvironment(recorder), 1000);
        var episode = recorder.TakeRecorded().Single();
        Assert.That(episode.TermNames, Is.EqualTo(new[] { "x_position", "x_velocity", "reward_forward", "reward_ctrl" }));
        Assert.That(episode.HasPictures, Is.False, "rewards only");
        foreach (var frame in episode.Frames.Skip(1))
            Assert.That(frame.Terms[2] + frame.Terms[3], Is.EqualTo(frame.Reward).Within(1e-12), "reward = reward_forward + reward_ctrl");
    }
}
