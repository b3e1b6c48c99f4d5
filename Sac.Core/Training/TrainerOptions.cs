using Sac.Core.Exploration;

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

    /// <summary>
    /// Environment copies stepped in lockstep (SB3's n_envs): each step adds one transition per copy, the policy acts on
    /// all of them in one batched forward, and <see cref="Algorithms.SacOptions.TrainFrequency"/> counts such steps, as in
    /// SB3. 1 (the paper).
    /// </summary>
    [PredatingValue(1)] // added with vectorized environments; every run before them stepped one
    public int NumEnvs { get; init; } = 1;

    /// <summary>The noise the exploring policy acts with (<see cref="ActionNoiseKind"/>); the update's ε stays white. White (the paper).</summary>
    [PredatingValue(ActionNoiseKind.White)]
    public ActionNoiseKind ActionNoise { get; init; } = ActionNoiseKind.White;

    /// <summary>β of the colored noise (<see cref="ActionNoiseKind.Pink"/>): 1 is pink (Eberhard et al.'s default), 0 white, 2 red.</summary>
    [PredatingValue(1.0)]
    public double NoiseBeta { get; init; } = 1.0;

    /// <summary>The most environment copies: far past what one process steps usefully, low enough that a typo is caught.</summary>
    public const int MaxNumEnvs = 1024;

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
        if (NumEnvs is < 1 or > MaxNumEnvs)
            throw new ArgumentException($"Invalid NumEnvs = {NumEnvs}: must be between 1 and {MaxNumEnvs}.", nameof(NumEnvs));
        if (!Enum.IsDefined(ActionNoise))
            throw new ArgumentException($"Invalid ActionNoise = {ActionNoise}: must be white, pink or ou.", nameof(ActionNoise));
        if (!(NoiseBeta >= 0 && NoiseBeta <= 10))
            throw new ArgumentException($"Invalid NoiseBeta = {NoiseBeta}: must be between 0 (white) and 10.", nameof(NoiseBeta));
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
