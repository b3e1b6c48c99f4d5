using Sac.Autodiff;
using Sac.Core.Algorithms;
using Sac.Core.Environments;

namespace Sac.Core.Training;

/// <summary>Runs a trained policy for whole episodes and reports the returns.</summary>
public static partial class Evaluation
{
    /// <summary>The most episodes one evaluation plays (each return is kept for the report).</summary>
    public const int MaxEpisodes = 1_000_000;

    /// <summary>
    /// Plays <paramref name="episodes"/> episodes of <paramref name="environment"/> with <paramref name="agent"/>'s policy:
    /// tanh(μ(s)) when <paramref name="deterministic"/>, else sampled with normal noise from <paramref name="noise"/>.
    /// The first reset uses <paramref name="seed"/> if given. Actions are rescaled from [−1, 1] to the action space's bounds.
    /// </summary>
    public static EvaluationReport Run(Algorithm<float> agent, IEnvironment environment, int episodes, bool deterministic,
        Rng? noise, long step = 0, int? seed = null)
    {
        Check(agent, environment, episodes, deterministic, noise);
        int obs = environment.ObservationSpace.Dimension, act = environment.ActionSpace.Dimension;
        var actor = new PolicyActor(agent);
        var observation = new float[obs];
        var action = new float[act];
        var envAction = new float[act];
        var returns = new double[episodes];
        long totalLength = 0;
        for (int e = 0; e < episodes; e++)
        {
            environment.Reset(observation, e == 0 ? seed : null);
            while (true)
            {
                actor.Act(observation, action, deterministic, noise);
                ActionScaling.ToEnvironment(action, environment.ActionSpace, envAction);
                var result = environment.Step(envAction, observation);
                returns[e] += result.Reward;
                totalLength++;
                if (result.Terminated || result.Truncated)
                    break;
            }
        }
        return ReportOf(step, returns, totalLength);
    }

    /// <summary>The report of episodes with these <paramref name="returns"/> and <paramref name="totalLength"/> steps in all:
    /// mean ± population standard deviation, mean length.</summary>
    private static EvaluationReport ReportOf(long step, double[] returns, long totalLength)
    {
        double mean = returns.Average();
        double std = Math.Sqrt(returns.Select(r => (r - mean) * (r - mean)).Average());
        return new EvaluationReport(step, mean, std, returns, (double)totalLength / returns.Length);
    }

    private static void Check(Algorithm<float> agent, IEnvironment environment, int episodes, bool deterministic, Rng? noise)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentOutOfRangeException.ThrowIfLessThan(episodes, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(episodes, MaxEpisodes);
        if (!deterministic && noise is null)
            throw new ArgumentNullException(nameof(noise), "A stochastic evaluation needs a noise generator.");
        int obs = environment.ObservationSpace.Dimension, act = environment.ActionSpace.Dimension;
        if (obs != agent.ObservationSize || act != agent.ActionSize)
            throw new ArgumentException($"The agent expects {agent.ObservationSize} observations and {agent.ActionSize} actions; {environment.Id} has {obs} and {act}.", nameof(environment));
        ActionScaling.RequireBounded(environment.ActionSpace, environment.Id);
    }
}
