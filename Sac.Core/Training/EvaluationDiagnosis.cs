using Sac.Autodiff;
using Sac.Core.Algorithms;
using Sac.Core.Environments;

namespace Sac.Core.Training;

/// <summary>One evaluation episode in detail.</summary>
/// <param name="Return">Undiscounted sum of rewards.</param>
/// <param name="Length">Steps.</param>
/// <param name="Terminated">True if it ended in a terminal state, false if the time limit truncated it.</param>
/// <param name="Terms">The environment's reward terms (<see cref="IRewardTerms"/>), in <see cref="EvaluationDiagnosis.TermNames"/>'
/// order: a <c>reward_*</c> term summed over the episode (those add up to the return), any other (a position, a
/// velocity) averaged over its steps.</param>
/// <param name="FinalObservation">The observation the last step returned (the terminal one, for a terminated episode):
/// what tells which condition ended it, e.g. Ant's torso height, its first entry.</param>
public sealed record EpisodeDiagnosis(double Return, int Length, bool Terminated, IReadOnlyList<double> Terms, IReadOnlyList<float> FinalObservation);

/// <summary>
/// The critics' estimate against what the policy then earned: min_i Q_θi(s_t, a_t) beside the discounted return G_t from
/// the same state and action, averaged over the states whose return is known to within 1 % of its weight (an episode
/// that terminated, or at least <see cref="Horizon"/> steps before the time limit cut it off).
/// </summary>
/// <param name="Soft">True when G_t is the soft return G_t = r_t + γ(G_{t+1} − α·log π(a_{t+1}|s_{t+1})) of a
/// stochastic evaluation, the quantity SAC's critics estimate; false for the plain discounted return of the actions
/// taken (a deterministic evaluation, or an algorithm without entropy).</param>
/// <param name="Gamma">γ.</param>
/// <param name="Horizon">The fewest steps before a truncation for which γ^steps ≤ 0.01.</param>
/// <param name="States">States that count.</param>
/// <param name="MeanQ">Mean of min_i Q_θi(s_t, a_t) over them.</param>
/// <param name="MeanReturn">Mean of G_t over them.</param>
/// <param name="StartStates">Episodes whose first state counts.</param>
/// <param name="StartQ">Mean of min_i Q_θi(s_0, a_0) over those episodes.</param>
/// <param name="StartReturn">Mean of G_0 over them.</param>
public sealed record ValueCheck(bool Soft, double Gamma, int Horizon, int States, double MeanQ, double MeanReturn, int StartStates, double StartQ, double StartReturn);

/// <summary>What an evaluation shows beyond its returns (<see cref="Evaluation.Diagnose"/>): how each episode ended,
/// the reward terms, the critics against the returns, the policy's entropy and how often its actions saturate.</summary>
/// <param name="Report">The same report <see cref="Evaluation.Run"/> gives for the same arguments (the same episodes).</param>
/// <param name="TermNames">The environment's reward term names; empty when it reports none.</param>
/// <param name="Episodes">Each episode.</param>
/// <param name="Value">The value check; null for an algorithm without twin critics.</param>
/// <param name="Alpha">The temperature α; null for an algorithm without one.</param>
/// <param name="TargetEntropy">H̄ when α is learned toward it, else null.</param>
/// <param name="Entropy">−mean log π(ã|s) over the visited states, one ã ~ π(·|s) each (the actions taken, in a stochastic
/// evaluation); null for a policy that is not a squashed Gaussian.</param>
/// <param name="SaturatedFraction">The fraction of action entries with |a| ≥ 0.99 in the policy's [−1, 1] space.</param>
public sealed record EvaluationDiagnosis(EvaluationReport Report, IReadOnlyList<string> TermNames, IReadOnlyList<EpisodeDiagnosis> Episodes,
    ValueCheck? Value, double? Alpha, double? TargetEntropy, double? Entropy, double SaturatedFraction)
{
    /// <summary>Episodes that ended in a terminal state.</summary>
    public int TerminatedEpisodes => Episodes.Count(e => e.Terminated);
}

public static partial class Evaluation
{
    /// <summary>The weight of the return beyond the time limit that the value check tolerates: γ^steps ≤ this.</summary>
    public const double ValueCheckTailWeight = 0.01;

    /// <summary>
    /// Plays the same episodes as <see cref="Run"/> with the same arguments (the same returns, bitwise) and reports what
    /// they show beyond the returns: how each ended, the reward terms, the critics' estimates against the discounted
    /// returns (γ = <paramref name="gamma"/>, the run's), the policy's entropy at the visited states, and how often
    /// its actions saturate. For finding out why a task falls short: a diagnostic, not the training's hot path (it
    /// keeps each episode's states).
    /// </summary>
    public static EvaluationDiagnosis Diagnose(Algorithm<float> agent, IEnvironment environment, int episodes, bool deterministic,
        Rng? noise, double gamma, long step = 0, int? seed = null)
    {
        Check(agent, environment, episodes, deterministic, noise);
        if (!(gamma > 0 && gamma < 1))
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "γ must lie in (0, 1).");
        int obs = environment.ObservationSpace.Dimension, act = environment.ActionSpace.Dimension;
        var squashed = agent as ISquashedGaussianAgent<float>;
        var critics = agent.Critics;
        var terms = RewardTerms.Find(environment);
        var termNames = terms?.TermNames.ToArray() ?? [];
        var isRewardTerm = termNames.Select(n => n.StartsWith("reward_", StringComparison.Ordinal)).ToArray();
        // A deterministic evaluation draws the entropy estimate's ε from a stream of its own, so its episodes stay Run's.
        var entropyNoise = deterministic && squashed is not null ? new Rng(unchecked((ulong)(seed ?? 0)) ^ 0x9E3779B97F4A7C15UL) : null;
        bool soft = !deterministic && squashed is not null;
        int horizon = (int)Math.Ceiling(Math.Log(ValueCheckTailWeight) / Math.Log(gamma));

        var actor = new PolicyActor(agent);
        var tape = new Tape<float>();
        var observation = new float[obs];
        var action = new float[act];
        var envAction = new float[act];
        var epsilon = new float[act];
        var (states, actions, epsilons, rewards) = (new List<float>(), new List<float>(), new List<float>(), new List<double>());
        var episodeList = new List<EpisodeDiagnosis>(episodes);
        long saturated = 0, actionEntries = 0, entropyStates = 0;
        double logProbSum = 0;
        double qSum = 0, gSum = 0, q0Sum = 0, g0Sum = 0;
        int valueStates = 0, startStates = 0;
        for (int e = 0; e < episodes; e++)
        {
            environment.Reset(observation, e == 0 ? seed : null);
            states.Clear(); actions.Clear(); epsilons.Clear(); rewards.Clear();
            var termValues = new double[termNames.Length];
            double episodeReturn = 0;
            bool terminated;
            while (true)
            {
                states.AddRange(observation);
                if (deterministic)
                    actor.Act(observation, action, deterministic: true, noise: null);
                else
                {
                    // The draws Run's actor makes, in its order: one normal per action dimension.
                    for (int i = 0; i < act; i++)
                        epsilon[i] = (float)noise!.Normal();
                    actor.Act(observation, action, epsilon);
                }
                actions.AddRange(action);
                if (entropyNoise is not null)
                    for (int i = 0; i < act; i++)
                        epsilon[i] = (float)entropyNoise.Normal();
                epsilons.AddRange(epsilon);
                foreach (float a in action)
                    saturated += Math.Abs(a) >= 0.99f ? 1 : 0;
                actionEntries += act;
                ActionScaling.ToEnvironment(action, environment.ActionSpace, envAction);
                var result = environment.Step(envAction, observation);
                episodeReturn += result.Reward;
                rewards.Add(result.Reward);
                if (terms is not null)
                {
                    var last = terms.LastTerms;
                    for (int i = 0; i < termValues.Length; i++)
                        termValues[i] += last[i];
                }
                if (result.Terminated || result.Truncated)
                {
                    terminated = result.Terminated;
                    break;
                }
            }
            int length = rewards.Count;
            for (int i = 0; i < termValues.Length; i++)
                if (!isRewardTerm[i])
                    termValues[i] /= length;
            episodeList.Add(new EpisodeDiagnosis(episodeReturn, length, terminated, termValues, [.. observation]));

            // The episode's states in one batch: log π of one ã per state, and the critics' min Q at the actions taken.
            tape.Reset();
            using var _ = tape.NoGrad();
            var s = new Tensor<float>(length, obs, [.. states]);
            double[]? logProb = null;
            if (squashed is not null)
            {
                var sample = squashed.Policy.Sample(tape, s, new Tensor<float>(length, act, [.. epsilons]));
                logProb = new double[length];
                for (int t = 0; t < length; t++)
                {
                    logProb[t] = sample.LogProb.Span[t];
                    logProbSum += logProb[t];
                }
                entropyStates += length;
            }
            if (critics is null)
                continue;
            var sa = tape.ConcatColumns(s, new Tensor<float>(length, act, [.. actions]));
            var q = tape.Min(critics.Q1.Forward(tape, sa), critics.Q2.Forward(tape, sa)).Span;
            // G_t backwards; the soft return subtracts α·log π of each later step's action, as the soft backup does.
            double alpha = squashed?.Alpha ?? 0, g = 0;
            int lastCounted = terminated ? length - 1 : length - horizon;
            for (int t = length - 1; t >= 0; t--)
            {
                g = t == length - 1 ? rewards[t] : rewards[t] + gamma * (g - (soft ? alpha * logProb![t + 1] : 0));
                if (t > lastCounted)
                    continue;
                (qSum, gSum, valueStates) = (qSum + q[t], gSum + g, valueStates + 1);
                if (t == 0)
                    (q0Sum, g0Sum, startStates) = (q0Sum + q[0], g0Sum + g, startStates + 1);
            }
        }

        var report = ReportOf(step, [.. episodeList.Select(x => x.Return)], episodeList.Sum(x => (long)x.Length));
        var value = critics is null ? null : new ValueCheck(soft, gamma, horizon, valueStates,
            valueStates > 0 ? qSum / valueStates : double.NaN, valueStates > 0 ? gSum / valueStates : double.NaN,
            startStates, startStates > 0 ? q0Sum / startStates : double.NaN, startStates > 0 ? g0Sum / startStates : double.NaN);
        double? targetEntropy = agent is SacV2<float> { Temperature: not null } v2 ? v2.TargetEntropy : null;
        return new EvaluationDiagnosis(report, termNames, episodeList, value, squashed?.Alpha, targetEntropy,
            squashed is null ? null : -logProbSum / entropyStates, (double)saturated / actionEntries);
    }
}
