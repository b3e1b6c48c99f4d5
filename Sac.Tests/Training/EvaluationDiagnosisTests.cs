using Sac.Autodiff;
using Sac.Core;
using Sac.Core.Algorithms;
using Sac.Core.Environments;
using Sac.Core.Training;

namespace Sac.Tests.Training;

/// <summary>
/// <see cref="Evaluation.Diagnose"/> against independent references: its episodes are <see cref="Evaluation.Run"/>'s,
/// bitwise; its value check is a brute-force replay (each state's Q at batch 1, each return summed forward term by
/// term); its reward terms add up to the return (Gymnasium's definition of the reward); a terminated episode's final
/// observation breaks Hopper-v5's healthy condition (hopper_v5.py).
/// </summary>
public class EvaluationDiagnosisTests
{
    private const int Seed = 321;

    private static Algorithm<float> Agent(string algo, IEnvironment env, int seed = 5) =>
        AlgorithmRegistry.Find(algo)!.Create<float>(env.ObservationSpace.Dimension, env.ActionSpace.Dimension,
            new SacOptions { HiddenSizes = [32, 32] }, new Rng((ulong)seed));

    /// <summary>Equal to 1e-5 of the value's size (at least 1e-5): batched and batch-1 float forwards round differently.</summary>
    private static NUnit.Framework.Constraints.IResolveConstraint Close(double expected) => Is.EqualTo(expected).Within(1e-5 * Math.Max(1, Math.Abs(expected)));

    private static IEnvironment Make(string id)
    {
        Sac.Mujoco.MujocoEnvironments.Register();
        return EnvironmentRegistry.Create(id);
    }

    [TestCase("Pendulum-v1", "v2", true)]
    [TestCase("Pendulum-v1", "v2", false)]
    [TestCase("Hopper-v5", "v1", false)]
    [TestCase("Hopper-v5", "td3", true)]
    public void Diagnose_PlaysTheEpisodesRunPlays_Bitwise(string env, string algo, bool deterministic)
    {
        var agent = Agent(algo, Make(env));
        var run = Evaluation.Run(agent, Make(env), 4, deterministic, deterministic ? null : new Rng(9), 77, Seed);
        var diagnosis = Evaluation.Diagnose(agent, Make(env), 4, deterministic, deterministic ? null : new Rng(9), 0.99, 77, Seed);
        Assert.That(diagnosis.Report.Returns, Is.EqualTo(run.Returns), "each return, bitwise");
        Assert.That(diagnosis.Report.MeanReturn, Is.EqualTo(run.MeanReturn));
        Assert.That(diagnosis.Report.StdReturn, Is.EqualTo(run.StdReturn));
        Assert.That(diagnosis.Report.MeanLength, Is.EqualTo(run.MeanLength));
        Assert.That(diagnosis.Report.Step, Is.EqualTo(77));
        Assert.That(diagnosis.Episodes.Select(e => e.Return), Is.EqualTo(run.Returns));
    }

    /// <summary>What a replay of the episodes gives, computed one state at a time.</summary>
    private sealed record Replay(List<(float[] S, float[] A, float[] Eps, double R)[]> Episodes, List<bool> Terminated);

    private static Replay Play(Algorithm<float> agent, IEnvironment env, int episodes, Rng noise)
    {
        var actor = new PolicyActor(agent);
        int obs = env.ObservationSpace.Dimension, act = env.ActionSpace.Dimension;
        var o = new float[obs];
        var (list, terminated) = (new List<(float[], float[], float[], double)[]>(), new List<bool>());
        for (int e = 0; e < episodes; e++)
        {
            env.Reset(o, e == 0 ? Seed : null);
            var steps = new List<(float[], float[], float[], double)>();
            while (true)
            {
                var s = (float[])o.Clone();
                var eps = new float[act];
                for (int i = 0; i < act; i++)
                    eps[i] = (float)noise.Normal();
                var a = new float[act];
                actor.Act(s, a, eps);
                var envAction = new float[act];
                ActionScaling.ToEnvironment(a, env.ActionSpace, envAction);
                var result = env.Step(envAction, o);
                steps.Add((s, a, eps, result.Reward));
                if (result.Terminated || result.Truncated)
                {
                    terminated.Add(result.Terminated);
                    break;
                }
            }
            list.Add([.. steps]);
        }
        return new Replay(list, terminated);
    }

    [Test]
    public void Diagnose_StochasticValueCheck_IsTheBruteForceSoftReturnAgainstQAtBatchOne()
    {
        const double gamma = 0.97;
        var agent = (SacV2<float>)Agent("v2", Make("Hopper-v5"));
        var diagnosis = Evaluation.Diagnose(agent, Make("Hopper-v5"), 5, deterministic: false, new Rng(4), gamma, seed: Seed);
        var replay = Play(agent, Make("Hopper-v5"), 5, new Rng(4));
        Assert.That(replay.Terminated, Has.All.True, "an untrained Hopper falls: every state's return is known");

        var tape = new Tape<float>();
        double alpha = agent.Alpha, qSum = 0, gSum = 0, logProbSum = 0, q0 = 0, g0 = 0;
        int states = 0, saturated = 0, entries = 0;
        foreach (var episode in replay.Episodes)
        {
            var logProb = new double[episode.Length];
            for (int t = 0; t < episode.Length; t++)
            {
                var (s, a, eps, _) = episode[t];
                tape.Reset();
                using var _ = tape.NoGrad();
                var st = new Tensor<float>(1, s.Length, s);
                logProb[t] = agent.Policy.Sample(tape, st, new Tensor<float>(1, eps.Length, eps)).LogProb.Span[0];
                var sa = tape.ConcatColumns(st, new Tensor<float>(1, a.Length, a));
                double q = Math.Min(agent.Critics.Q1.Forward(tape, sa).Span[0], agent.Critics.Q2.Forward(tape, sa).Span[0]);
                qSum += q;
                if (t == 0)
                    q0 += q;
                saturated += a.Count(x => Math.Abs(x) >= 0.99f);
                entries += a.Length;
            }
            // G_t = r_t + Σ_{k≥1} γ^k (r_{t+k} − α log π(a_{t+k}|s_{t+k})), summed forward.
            for (int t = 0; t < episode.Length; t++)
            {
                double g = episode[t].R, discount = 1;
                for (int k = t + 1; k < episode.Length; k++)
                {
                    discount *= gamma;
                    g += discount * (episode[k].R - alpha * logProb[k]);
                }
                gSum += g;
                if (t == 0)
                    g0 += g;
            }
            logProbSum += logProb.Sum();
            states += episode.Length;
        }

        var v = diagnosis.Value!;
        Assert.That(v.Soft, Is.True);
        Assert.That(v.Horizon, Is.EqualTo(152), "0.97^152 ≤ 0.01 < 0.97^151");
        Assert.That(v.States, Is.EqualTo(states));
        Assert.That(v.StartStates, Is.EqualTo(5));
        Assert.That(v.MeanQ, Close(qSum / states), "Q batched vs at batch 1");
        Assert.That(v.MeanReturn, Close(gSum / states));
        Assert.That(v.StartQ, Close(q0 / 5));
        Assert.That(v.StartReturn, Close(g0 / 5));
        Assert.That(diagnosis.Entropy, Close(-logProbSum / states));
        Assert.That(diagnosis.SaturatedFraction, Is.EqualTo((double)saturated / entries));
        Assert.That(diagnosis.Alpha, Is.EqualTo(alpha));
        Assert.That(diagnosis.TargetEntropy, Is.EqualTo(-3), "−dim(A) for Hopper's 3 actuators");
        Assert.That(diagnosis.Episodes.Select(e => e.Length), Is.EqualTo(replay.Episodes.Select(e => e.Length)));
    }

    [Test]
    public void Diagnose_DeterministicTd3_ComparesThePlainReturn_AndHasNoEntropy()
    {
        const double gamma = 0.9;
        var agent = (Td3<float>)Agent("td3", Make("Hopper-v5"));
        var diagnosis = Evaluation.Diagnose(agent, Make("Hopper-v5"), 3, deterministic: true, null, gamma, seed: Seed);
        Assert.That(diagnosis.Alpha, Is.Null);
        Assert.That(diagnosis.Entropy, Is.Null);
        Assert.That(diagnosis.TargetEntropy, Is.Null);
        var v = diagnosis.Value!;
        Assert.That(v.Soft, Is.False);

        // The plain discounted return of each state, summed forward, over the same episodes.
        var actor = new PolicyActor(agent);
        var env = Make("Hopper-v5");
        var o = new float[env.ObservationSpace.Dimension];
        var (a, envAction) = (new float[3], new float[3]);
        double gSum = 0;
        int states = 0;
        for (int e = 0; e < 3; e++)
        {
            env.Reset(o, e == 0 ? Seed : null);
            var rewards = new List<double>();
            while (true)
            {
                actor.Act(o, a, deterministic: true, noise: null);
                ActionScaling.ToEnvironment(a, env.ActionSpace, envAction);
                var result = env.Step(envAction, o);
                rewards.Add(result.Reward);
                if (result.Terminated || result.Truncated)
                    break;
            }
            for (int t = 0; t < rewards.Count; t++)
                gSum += rewards.Skip(t).Select((r, k) => Math.Pow(gamma, k) * r).Sum();
            states += rewards.Count;
        }
        Assert.That(v.States, Is.EqualTo(states));
        Assert.That(v.MeanReturn, Is.EqualTo(gSum / states).Within(1e-9).Percent);
    }

    [Test]
    public void Diagnose_TruncatedEpisodes_CountOnlyTheStatesWhoseMissingTailWeighsAtMostOnePercent()
    {
        // Pendulum-v1 always runs its 200 steps. γ = 0.9: 0.9^44 ≤ 0.01 < 0.9^43, so t = 0 … 156 count in each episode.
        var agent = Agent("v2", Make("Pendulum-v1"));
        var diagnosis = Evaluation.Diagnose(agent, Make("Pendulum-v1"), 3, deterministic: true, null, 0.9, seed: Seed);
        Assert.That(diagnosis.TerminatedEpisodes, Is.Zero);
        Assert.That(diagnosis.Value!.Horizon, Is.EqualTo(44));
        Assert.That(diagnosis.Value.States, Is.EqualTo(3 * 157));
        Assert.That(diagnosis.Value.StartStates, Is.EqualTo(3));

        // γ = 0.99 needs 459 steps: none of Pendulum's 200 has them, and the check says so rather than guessing.
        var none = Evaluation.Diagnose(agent, Make("Pendulum-v1"), 2, deterministic: true, null, 0.99, seed: Seed).Value!;
        Assert.That((none.Horizon, none.States, none.StartStates), Is.EqualTo((459, 0, 0)));
        Assert.That(none.MeanQ, Is.NaN);
    }

    [Test]
    public void Diagnose_HopperRewardTerms_AddUpToTheReturn_AndATerminalObservationIsUnhealthy()
    {
        var agent = Agent("v2", Make("Hopper-v5"), seed: 11);
        var diagnosis = Evaluation.Diagnose(agent, Make("Hopper-v5"), 6, deterministic: false, new Rng(2), 0.99, seed: Seed);
        var names = diagnosis.TermNames;
        Assert.That(names, Does.Contain("reward_forward").And.Contain("reward_ctrl").And.Contain("reward_survive"));
        Assert.That(diagnosis.TerminatedEpisodes, Is.EqualTo(6));
        foreach (var e in diagnosis.Episodes)
        {
            double sum = names.Select((n, i) => n.StartsWith("reward_", StringComparison.Ordinal) ? e.Terms[i] : 0).Sum();
            Assert.That(sum, Is.EqualTo(e.Return).Within(1e-9 * Math.Max(1, Math.Abs(e.Return))), "reward = Σ reward terms");
            // hopper_v5.py: healthy while every state entry (but the height) is within ±100, z > 0.7 and |angle| < 0.2.
            var o = e.FinalObservation;
            bool healthy = o.Skip(1).All(x => Math.Abs(x) < 100) && o[0] > 0.7 && Math.Abs(o[1]) < 0.2;
            Assert.That(healthy, Is.False, $"terminated after {e.Length} steps at z = {o[0]}, angle = {o[1]}");
            // survive pays 1 a step while healthy: every step but the terminal one.
            Assert.That(e.Terms[names.ToList().IndexOf("reward_survive")], Is.EqualTo(e.Length - 1));
        }
    }
}
