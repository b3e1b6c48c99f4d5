using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Sac.Core.Environments;
using Sac.Core;
using Sac.Mujoco.Native;
using Sac.Mujoco.Tasks;
using Sac.Mujoco;

namespace Sac.Tests.Mujoco;

/// <summary>
/// A saved state, written to JSON text and read back into a fresh environment, continues bit for bit: what a
/// checkpointed training run needs to resume mid-episode.
/// </summary>
public class ResumeTests
{
    private record struct Transition(float[] Observation, double Reward, bool Terminated, bool Truncated, double[] Terms);

    private static List<Transition> Run(IEnvironment env, float[][] actions, float[] observation)
    {
        IRewardTerms terms = RewardTerms.Find(env)!;
        var transitions = new List<Transition>();
        foreach (float[] action in actions)
        {
            StepResult result = env.Step(action, observation);
            transitions.Add(new(observation.ToArray(), result.Reward, result.Terminated, result.Truncated, terms.LastTerms.ToArray()));
            if (result.Terminated || result.Truncated)
                env.Reset(observation); // unseeded: the restored Rng must give the same noise
        }
        return transitions;
    }

    private static float[][] Actions(int count, int dimension, ulong seed)
    {
        var rng = new Rng(seed);
        return [.. Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, dimension).Select(_ => (float)rng.Uniform(-1, 1)).ToArray())];
    }

    /// <summary>
    /// A registry environment (reset with seed 5) stepped with seeded random actions and saved 15 steps before the
    /// first episode end after step 30 (a fall, or the 1000-step truncation; a probe run finds it), with the 30 actions
    /// that follow. Those cross the end, so the reset after it draws its noise from the saved Rng.
    /// </summary>
    private static (IEnvironment Original, JsonObject Saved, float[][] Continuation, float[] Observation) SaveBeforeAnEpisodeEnd(string id)
    {
        IEnvironment probe = EnvironmentRegistry.Create(id);
        var observation = new float[probe.ObservationSpace.Dimension];
        float[][] actions = Actions(1100, probe.ActionSpace.Dimension, seed: 1);
        probe.Reset(observation, seed: 5);
        int end = Run(probe, actions, observation).FindIndex(30, t => t.Terminated || t.Truncated);
        Assert.That(end, Is.GreaterThanOrEqualTo(30), "an episode ended within 1100 steps");

        IEnvironment original = EnvironmentRegistry.Create(id);
        original.Reset(observation, seed: 5);
        int save = end + 1 - 15;
        Run(original, actions[..save], observation);
        return (original, ((IStatefulEnvironment)original).SaveState(), actions[save..(save + 30)], observation);
    }

    [TestCaseSource(typeof(GymnasiumTask), nameof(GymnasiumTask.RegisteredIds))]
    public void RestoreState_IntoAFreshEnvironment_ContinuesBitForBitAcrossResets(string id)
    {
        var (original, state, continuation, observation) = SaveBeforeAnEpisodeEnd(id);
        string saved = state.ToJsonString();
        List<Transition> expected = Run(original, continuation, observation.ToArray());

        IEnvironment resumed = EnvironmentRegistry.Create(id);
        ((IStatefulEnvironment)resumed).RestoreState(JsonNode.Parse(saved)!.AsObject());
        List<Transition> actual = Run(resumed, continuation, new float[observation.Length]);

        Assert.That(expected.Any(t => t.Terminated || t.Truncated), Is.True, "the continuation crossed an episode end");
        for (int t = 0; t < continuation.Length; t++)
        {
            // Bit for bit: the same float32 observations and float64 rewards and terms, not merely close ones.
            Assert.That(actual[t].Observation.Select(BitConverter.SingleToInt32Bits), Is.EqualTo(expected[t].Observation.Select(BitConverter.SingleToInt32Bits)), $"observation {t + 1}");
            Assert.That(BitConverter.DoubleToInt64Bits(actual[t].Reward), Is.EqualTo(BitConverter.DoubleToInt64Bits(expected[t].Reward)), $"reward {t + 1}");
            Assert.That((actual[t].Terminated, actual[t].Truncated), Is.EqualTo((expected[t].Terminated, expected[t].Truncated)), $"flags {t + 1}");
            Assert.That(actual[t].Terms, Is.EqualTo(expected[t].Terms), $"terms {t + 1}");
        }
    }

    // The controls for the test above: each field named here is state that the others do not give back, so a
    // restore that dropped it would not continue the same bits, and the resume test could fail.
    [TestCase("HalfCheetah-v5", "rng", TestName = "RestoreState_WithAnotherRng_DivergesAtTheNextReset(HalfCheetah-v5)")]
    [TestCase("Hopper-v5", "rng", TestName = "RestoreState_WithAnotherRng_DivergesAtTheNextReset(Hopper-v5)")]
    [TestCase("Ant-v5", "xpos", TestName = "RestoreState_WithoutTheStaleBodyPositions_GetsAnotherFirstVelocity(Ant-v5)")]
    [TestCase("Humanoid-v5", "xipos", TestName = "RestoreState_WithoutTheStaleMassPositions_GetsAnotherFirstVelocity(Humanoid-v5)")]
    [TestCase("Humanoid-v5", "qacc_warmstart", TestName = "RestoreState_WithoutTheSolverWarmStart_DivergesAtOnce(Humanoid-v5)")]
    public void RestoreState_WithOneFieldReplaced_DoesNotContinueTheSameBits(string id, string field)
    {
        MujocoEnvironments.Register();
        var (original, state, continuation, observation) = SaveBeforeAnEpisodeEnd(id);
        JsonObject task = state["inner"]!["inner"]!.AsObject();
        task[field] = field switch
        {
            "rng" => EnvironmentState.SaveRng(new Rng(12345)),
            _ => MujocoState.SaveArray(new double[task[field]!.AsArray().Count]),
        };

        List<Transition> expected = Run(original, continuation, observation.ToArray());
        IEnvironment resumed = EnvironmentRegistry.Create(id);
        ((IStatefulEnvironment)resumed).RestoreState(JsonNode.Parse(state.ToJsonString())!.AsObject());
        List<Transition> actual = Run(resumed, continuation, new float[observation.Length]);
        Assert.That(Enumerable.Range(0, continuation.Length).Any(t =>
                !actual[t].Observation.SequenceEqual(expected[t].Observation) || actual[t].Reward != expected[t].Reward),
            Is.True, $"without the saved {field}, some observation or reward differs");
    }

    [Test]
    public void RestoreState_OfAnotherTask_IsRefusedAndLeavesTheEnvironmentAsItWas()
    {
        using var hopper = new Hopper();
        using var cheetah = new HalfCheetah();
        var observation = new float[11];
        hopper.Reset(observation, seed: 1);
        cheetah.Reset(new float[17], seed: 1);
        string before = hopper.SaveState().ToJsonString();
        var error = Assert.Throws<EnvironmentException>(() => hopper.RestoreState(cheetah.SaveState()))!;
        Assert.That(error.Message, Does.Contain("HalfCheetah-v5").And.Contain("Hopper-v5"));
        Assert.That(hopper.SaveState().ToJsonString(), Is.EqualTo(before), "nothing was written");
    }

    [TestCase("qpos", "has 5 value(s), but this model's has 6")]
    [TestCase("qvel", "qvel[2]")]
    [TestCase("rng", "no 's0'")]
    [TestCase("time", "no 'time'")]
    public void RestoreState_DamagedField_ThrowsOneClearError(string field, string message)
    {
        using var hopper = new Hopper();
        hopper.Reset(new float[11], seed: 1);
        JsonObject state = hopper.SaveState();
        switch (field)
        {
            case "qpos": state["qpos"] = new JsonArray(0.0, 1.25, 0.0, 0.0, 0.0); break;
            case "rng": state["rng"] = new JsonObject(); break;
            case "time": state.Remove("time"); break;
        }
        string text = state.ToJsonString();
        // JSON has no NaN; an overflowing number is what a damaged file would carry, and MuJoCo must never see it.
        if (field == "qvel")
        {
            text = Regex.Replace(text, "\"qvel\":\\[[^\\]]*\\]", "\"qvel\":[0,0,1e400,0,0,0]");
            Assert.That(text, Does.Contain("1e400"), "the damage is in the text");
        }
        var error = Assert.Throws<EnvironmentException>(() => hopper.RestoreState(JsonNode.Parse(text)!.AsObject()))!;
        Assert.That(error.Message, Does.Contain("Hopper-v5").And.Contain(message));
    }

    [Test]
    public void SavedArrays_ThroughJsonText_KeepEveryBit()
    {
        double[] values = [-0.0, double.Epsilon, 1.0 / 3, 1e-300, double.MaxValue, -2.5e-310, 0.1 + 0.2];
        var state = new JsonObject { ["a"] = MujocoState.SaveArray(values) };
        double[] back = MujocoState.RestoreArray(JsonNode.Parse(state.ToJsonString())!.AsObject(), "a", values.Length, "test");
        Assert.That(back.Select(BitConverter.DoubleToInt64Bits), Is.EqualTo(values.Select(BitConverter.DoubleToInt64Bits)), "−0, subnormals and 17-digit values included");
    }
}
