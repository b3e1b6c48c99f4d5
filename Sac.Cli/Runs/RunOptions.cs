using Sac.Core.Algorithms;
using Sac.Core.Training;

namespace Sac.Cli.Runs;

/// <summary>
/// Every option of `sac train`, declared once: the command-line flags, their help (with the defaults, read from
/// <see cref="SacOptions"/>, <see cref="TrainerOptions"/> and <see cref="RunConfig"/>), the config.json keys and the
/// names in validation messages all come from this table. A test checks that every property of those records has
/// exactly one entry, reachable from the command line and from config.json under the same name.
/// </summary>
public static class RunOptions
{
    private static readonly RunOption ActorLr = RunOption.Sac("actor-lr", o => o.ActorLearningRate, "Learning rate of the policy π_φ.");
    private static readonly RunOption CriticLr = RunOption.Sac("critic-lr", o => o.CriticLearningRate, "Learning rate of the twin critics Q_θ.");
    private static readonly RunOption ValueLr = RunOption.Sac("value-lr", o => o.ValueLearningRate, "Learning rate of the value network V_ψ (v1).");
    private static readonly RunOption AlphaLr = RunOption.Sac("alpha-lr", o => o.AlphaLearningRate, "Learning rate of log α (v2).");

    /// <summary>The options, in the order they are applied (a shortcut before the options it sets) and listed.</summary>
    public static IReadOnlyList<RunOption> All { get; } =
    [
        RunOption.Run("env", c => c.Env, "Environment id (see 'sac envs'), e.g. Pendulum-v1."),
        RunOption.Sac("algo", o => o.Version, "The algorithm: " + string.Join("; ", AlgorithmRegistry.All.Select(a => $"{a.Name}, {a.Summary}")) + "."),
        RunOption.Trainer("steps", o => o.TotalSteps, "Environment steps to train for (on --resume: the new total, to extend a run).", resumeAdjustable: true),
        RunOption.Trainer("seed", o => o.Seed, "The one seed behind every random draw."),
        RunOption.Sac("threads", o => o.Threads, "Threads for an update (results are bitwise identical for any count; the default is the cores there are, up to 2).", resumeAdjustable: true),
        RunOption.Trainer("num-envs", o => o.NumEnvs,
            "Environment copies stepped together (SB3's n_envs): each step adds one transition per copy; --train-freq counts such steps."),
        RunOption.Trainer("action-noise", o => o.ActionNoise,
            "Exploration noise in place of the policy's white ε while acting (the update's stays white): white; pink (colored, 1/f^β, Eberhard et al. 2023); ou (Ornstein–Uhlenbeck, unit variance)."),
        RunOption.Trainer("noise-beta", o => o.NoiseBeta, "β of --action-noise pink: 1 pink, 0 white, 2 red."),
        RunOption.Trainer("eval-every", o => o.EvalEvery, "Evaluate the deterministic policy every N steps (0: only at the end)."),
        RunOption.Trainer("eval-episodes", o => o.EvalEpisodes, "Episodes per evaluation."),
        RunOption.Run("checkpoint-every", c => c.CheckpointEvery, "Checkpoint every N steps (0: only at the end, on Ctrl-C and on SIGTERM)."),
        RunOption.Run("record-every", c => c.RecordEvery,
            "Record the evaluation episodes every N steps (a multiple of --eval-every) and at the end, as videos/step-N.webm, drawn and encoded beside training (0: no videos; needs ffmpeg).",
            resumeAdjustable: true),
        RunOption.Run("record-episodes", c => c.RecordEpisodes, "How many of a recorded evaluation's episodes go into its video.", resumeAdjustable: true),
        RunOption.Sac("gamma", o => o.Gamma, "Discount γ."),
        RunOption.Sac("n-step", o => o.NStep, "n-step returns: each target sums up to n discounted rewards and bootstraps with γⁿ."),
        RunOption.Sac("tau", o => o.Tau, "Polyak rate τ of the target networks."),
        RunOption.Sac("batch-size", o => o.BatchSize, "Minibatch size."),
        RunOption.Sac("hidden", o => o.HiddenSizes, "Hidden layer sizes of every network, comma-separated."),
        RunOption.ShortcutFor("lr", "Set all four learning rates (actor, critic, value, α) at once; each of their own options overrides it.",
            ActorLr, CriticLr, ValueLr, AlphaLr),
        ActorLr, CriticLr, ValueLr, AlphaLr,
        RunOption.Sac("alpha", o => o.Alpha, "Fixed temperature α (v1, or v2 with --learn-alpha false); 1/α is the paper's reward scale."),
        RunOption.Sac("learn-alpha", o => o.LearnAlpha, "v2: learn α toward the target entropy."),
        RunOption.Sac("initial-alpha", o => o.InitialAlpha, "v2: α at the start when it is learned."),
        RunOption.Sac("target-entropy", o => o.TargetEntropy, "v2: target entropy H̄ of the learned α.", nullMeans: "−dim(A)"),
        RunOption.Sac("log-std-min", o => o.LogStdMin, "Lower bound of the policy's log σ."),
        RunOption.Sac("log-std-max", o => o.LogStdMax, "Upper bound of the policy's log σ."),
        RunOption.Sac("log-std-bounding", o => o.LogStdBounding, "How the policy keeps log σ in [min, max]: clamp (SB3); tanh, min + ½(max − min)(tanh x + 1) (CleanRL, with --log-std-min -5)."),
        RunOption.Sac("jacobian-epsilon", o => o.JacobianEpsilon, "ε of the tanh Jacobian log(1 − a² + ε) in log π (SB3 and CleanRL: 1e-6); 0 is the exact form."),
        RunOption.Sac("adam-beta1", o => o.AdamBeta1, "Adam's first-moment decay β1."),
        RunOption.Sac("adam-beta2", o => o.AdamBeta2, "Adam's second-moment decay β2."),
        RunOption.Sac("adam-epsilon", o => o.AdamEpsilon, "Adam's ε."),
        RunOption.Sac("max-grad-norm", o => o.MaxGradNorm, "Clip each network's gradient to this global L2 norm.", nullMeans: "none (no clipping)"),
        RunOption.Sac("buffer-size", o => o.BufferSize, "Replay capacity."),
        RunOption.Sac("learning-starts", o => o.LearningStarts, "Uniformly random steps before learning starts."),
        RunOption.Sac("train-freq", o => o.TrainFrequency, "Environment steps between update rounds."),
        RunOption.Sac("gradient-steps", o => o.GradientSteps, "Updates per round (−1: as many as environment steps in the round)."),
        RunOption.Sac("policy-frequency", o => o.PolicyFrequency, "v2: the actor (and a learned α) step on every d-th update, d times in a row with fresh ε (CleanRL's policy_frequency, 2); 1 steps them every update."),
        RunOption.Sac("temperature-loss", o => o.TemperatureLoss, "v2, learned α: its loss on log α (logalpha, SB3) or on α (alpha, CleanRL)."),
        RunOption.Sac("temperature-sample", o => o.TemperatureSample, "v2, learned α: step it from the actor step's log π (actorstep, SB3) or from a fresh sample of the stepped policy (fresh, CleanRL)."),
        RunOption.Sac("policy-delay", o => o.PolicyDelay, "td3: the policy and the targets step on every d-th update."),
        RunOption.Sac("target-noise", o => o.TargetPolicyNoise, "td3: σ of the target policy smoothing noise, in units of the action's half-range."),
        RunOption.Sac("target-noise-clip", o => o.TargetNoiseClip, "td3: the smoothing noise is clipped to ±c, in units of the action's half-range."),
        RunOption.Sac("exploration-noise", o => o.ExplorationNoise, "td3: σ of the Gaussian exploration noise, in units of the action's half-range."),
    ];

    /// <summary>The option named <paramref name="name"/> (its flag name without dashes, or its config.json key), or null.</summary>
    public static RunOption? Find(string name) => All.FirstOrDefault(o => o.Name == name || o.Key == name);

    /// <summary>
    /// The command-line name for a record property named in an engine message (<see cref="SacOptions.Validate"/> and
    /// <see cref="TrainerOptions.Validate"/> name the property they refuse), e.g. ("SacOptions", "Gamma") → "--gamma".
    /// </summary>
    public static string? FlagFor(Type record, string? property) =>
        All.FirstOrDefault(o => o.Property?.DeclaringType == record && o.Property.Name == property) is { } option ? "--" + option.Name : null;
}
