namespace Sac.Core.Training;

/// <summary>The training loop's settings (the algorithm's hyperparameters are in <see cref="Algorithms.SacOptions"/>).</summary>
public sealed record TrainerOptions
{
    /// <summary>Environment steps to train for.</summary>
    [TrajectoryNeutral] // where a run stops, not what it computes: a run may be extended
    public long TotalSteps { get; init; } = 20_000;

    /// <summary>Evaluate the deterministic policy every this many environment steps; 0 evaluates only at the end.</summary>
    public int EvalEvery { get; init; } = 1_000;

    /// <summary>Episodes per evaluation (on a separate environment instance).</summary>
    public int EvalEpisodes { get; init; } = 10;

    /// <summary>The one seed behind everything random: environment resets, exploration, network initialization, replay sampling, update noise.</summary>
    public int Seed { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting and what is valid.</summary>
    public void Validate()
    {
        if (TotalSteps < 1)
            throw new ArgumentException($"Invalid TotalSteps = {TotalSteps}: must be at least 1.", nameof(TotalSteps));
        if (EvalEvery < 0)
            throw new ArgumentException($"Invalid EvalEvery = {EvalEvery}: must be ≥ 0 (0 evaluates only at the end).", nameof(EvalEvery));
        if (EvalEpisodes is < 1 or > Evaluation.MaxEpisodes)
            throw new ArgumentException($"Invalid EvalEpisodes = {EvalEpisodes}: must be between 1 and {Evaluation.MaxEpisodes}.", nameof(EvalEpisodes));
        if (Seed < 0)
            throw new ArgumentException($"Invalid Seed = {Seed}: must be ≥ 0.", nameof(Seed));
    }
}

/// <summary>A finished training episode.</summary>
/// <param name="Step">Environment steps taken so far (including this episode's).</param>
/// <param name="Episode">1-based episode number.</param>
/// <param name="Return">Undiscounted sum of rewards.</param>
/// <param name="Length">Steps in the episode.</param>
/// <param name="Terminated">True if it ended in a terminal state, false if it was truncated by the time limit.</param>
/// <param name="MeanReturn100">Mean return of the last (up to) 100 episodes, SB3's rollout/ep_rew_mean.</param>
public readonly record struct EpisodeReport(long Step, int Episode, double Return, int Length, bool Terminated, double MeanReturn100);

/// <summary>An evaluation of the policy.</summary>
/// <param name="Step">Environment steps of training when it ran.</param>
/// <param name="MeanReturn">Mean episode return.</param>
/// <param name="StdReturn">Population standard deviation of the returns.</param>
/// <param name="Returns">Each episode's return.</param>
/// <param name="MeanLength">Mean episode length.</param>
public sealed record EvaluationReport(long Step, double MeanReturn, double StdReturn, IReadOnlyList<double> Returns, double MeanLength);
