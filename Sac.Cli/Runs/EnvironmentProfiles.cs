namespace Sac.Cli.Runs;

/// <summary>
/// Per-environment defaults, like rl-baselines3-zoo's hyperparameter files (hyperparams/sac.yml): the options that
/// differ from SAC's defaults for that environment. `sac train --help` lists them.
/// </summary>
public static class EnvironmentProfiles
{
    /// <summary>The profile of each known environment: option → value, applied over the defaults.</summary>
    public static IReadOnlyDictionary<string, Func<RunConfig, RunConfig>> Profiles { get; } = new Dictionary<string, Func<RunConfig, RunConfig>>
    {
        // rl-zoo: Pendulum-v1 — n_timesteps 20000, learning_rate 1e-3 (everything else SB3's defaults).
        ["Pendulum-v1"] = c => c with { Steps = 20_000, ActorLr = 1e-3, CriticLr = 1e-3, ValueLr = 1e-3, AlphaLr = 1e-3, EvalEvery = 2_000, CheckpointEvery = 5_000 },
        // rl-zoo: MountainCarContinuous-v0 — n_timesteps 50000, buffer 50000, batch 512, ent_coef 0.1 (fixed), train_freq 32,
        // gradient_steps 32, gamma 0.9999, tau 0.01, learning_starts 0, net [64, 64]. (rl-zoo also uses gSDE, which Sac lacks.)
        ["MountainCarContinuous-v0"] = c => c with
        {
            Steps = 50_000, BufferSize = 50_000, BatchSize = 512, LearnAlpha = false, Alpha = 0.1, TrainFreq = 32, GradientSteps = 32,
            Gamma = 0.9999, Tau = 0.01, LearningStarts = 0, Hidden = [64, 64], EvalEvery = 5_000, CheckpointEvery = 10_000,
        },
    };

    /// <summary>One line per environment describing its profile, for --help.</summary>
    public static string Describe() =>
        "Per-environment defaults (override any with its option): " +
        "Pendulum-v1: --steps 20000, learning rates 1e-3, --eval-every 2000; " +
        "MountainCarContinuous-v0: --steps 50000, --buffer-size 50000, --batch-size 512, fixed --alpha 0.1, --train-freq 32, " +
        "--gradient-steps 32, --gamma 0.9999, --tau 0.01, --learning-starts 0, --hidden 64,64.";

    /// <summary>The defaults with <paramref name="env"/>'s profile applied (unknown environments get the plain defaults).</summary>
    public static RunConfig For(string env) =>
        Profiles.TryGetValue(env, out var apply) ? apply(new RunConfig { Env = env }) : new RunConfig { Env = env };
}
