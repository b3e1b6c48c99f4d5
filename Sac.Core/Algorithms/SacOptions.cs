namespace Sac.Core.Algorithms;

/// <summary>SAC v2's temperature loss J(α), with log π detached and H̄ the target entropy.</summary>
public enum TemperatureLoss
{
    /// <summary>−log α·(log π + H̄) (SB3; Haarnoja et al. 2018b's form, on log α).</summary>
    LogAlpha = 0,

    /// <summary>−α·(log π + H̄), α = exp(log α) (CleanRL): the same direction, scaled by α.</summary>
    Alpha = 1,
}

/// <summary>Which log π SAC v2's temperature steps from.</summary>
public enum TemperatureSample
{
    /// <summary>The actor step's own: the policy before its step, the batch's ε (SB3).</summary>
    ActorStep = 0,

    /// <summary>A fresh sample (new ε) of the policy after its step, without gradient (CleanRL).</summary>
    Fresh = 1,
}

/// <summary>Which Soft Actor-Critic.</summary>
public enum SacVersion
{
    /// <summary>Haarnoja et al. 2018a (the seed): twin Q_θ, a value network V_ψ and its Polyak target V_ψ̄, fixed α.</summary>
    V1 = 1,
    /// <summary>Haarnoja et al. 2018b ("SAC and applications"): twin Q_θ with twin Polyak targets Q_θ̄, no V, learned α.</summary>
    V2 = 2,
    /// <summary>Fujimoto et al. 2018: a deterministic policy with twin critics, delayed policy updates and target policy smoothing (<see cref="Td3{T}"/>).</summary>
    Td3 = 3,
}

/// <summary>
/// Every hyperparameter of SAC, one line and one default each, with where the default comes from.
/// "Paper" is Haarnoja et al. 2018a, Table 1 (and 2018b for v2's temperature); SB3 is Stable-Baselines3's SAC; CleanRL is sac_continuous_action.py.
/// </summary>
public sealed record SacOptions
{
    /// <summary>The algorithm (<see cref="AlgorithmRegistry"/>): v1 (value network, fixed α), v2 (target Qs, learned α), …
    /// Default v2, as SB3 and CleanRL.</summary>
    public SacVersion Version { get; init; } = SacVersion.V2;

    /// <summary>Discount γ. 0.99 (paper).</summary>
    public double Gamma { get; init; } = 0.99;

    /// <summary>
    /// n of n-step returns: each target sums up to n discounted rewards and bootstraps with γⁿ (fewer at an episode's end).
    /// 1 (paper, SB3's default); SB3's NStepReplayBuffer and FastTD3 use 3.
    /// </summary>
    [Training.PredatingValue(1)] // added with n-step returns; every run before them used one-step targets
    public int NStep { get; init; } = 1;

    /// <summary>Polyak rate τ of the target networks: ψ̄ ← τψ + (1 − τ)ψ̄. 0.005 (paper).</summary>
    public double Tau { get; init; } = 0.005;

    /// <summary>Minibatch size. 256 (paper).</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Hidden layer sizes of every network. 256, 256 (paper).</summary>
    public IReadOnlyList<int> HiddenSizes { get; init; } = [256, 256];

    /// <summary>Learning rate of the policy π_φ. 3e-4 (paper).</summary>
    public double ActorLearningRate { get; init; } = 3e-4;

    /// <summary>Learning rate of the twin critics Q_θ1, Q_θ2. 3e-4 (paper).</summary>
    public double CriticLearningRate { get; init; } = 3e-4;

    /// <summary>Learning rate of the value network V_ψ (v1 only). 3e-4 (paper).</summary>
    public double ValueLearningRate { get; init; } = 3e-4;

    /// <summary>Learning rate of log α (v2 only). 3e-4 (paper 2018b; SB3 uses the shared learning rate).</summary>
    public double AlphaLearningRate { get; init; } = 3e-4;

    /// <summary>
    /// The temperature α: fixed in v1, the starting value in v2. 0.2 (CleanRL's fixed α; the paper's reward scale 5 is
    /// the same knob: scaling rewards by 1/α and using α = 1 gives the same optimal policy).
    /// </summary>
    public double Alpha { get; init; } = 0.2;

    /// <summary>Learn α (v2) toward <see cref="TargetEntropy"/>. True for v2 (paper 2018b, SB3 "auto"); ignored by v1, whose α is fixed.</summary>
    public bool LearnAlpha { get; init; } = true;

    /// <summary>Initial α when learned. 1.0 (SB3 "auto" and CleanRL start at log α = 0).</summary>
    public double InitialAlpha { get; init; } = 1.0;

    /// <summary>Target entropy H̄ for the learned α; null means −dim(A) (paper 2018b, SB3, CleanRL).</summary>
    public double? TargetEntropy { get; init; }

    /// <summary>Lower clamp of the policy's log σ. −20 (SB3).</summary>
    public double LogStdMin { get; init; } = -20;

    /// <summary>Upper clamp of the policy's log σ. 2 (SB3).</summary>
    public double LogStdMax { get; init; } = 2;

    /// <summary>How the policy keeps log σ in [LogStdMin, LogStdMax]: clamped (SB3, the paper's code) or tanh-rescaled
    /// (CleanRL, with LogStdMin −5). Clamp.</summary>
    [Training.PredatingValue(Policies.LogStdBounding.Clamp)] // every run before the option clamped
    public Policies.LogStdBounding LogStdBounding { get; init; } = Policies.LogStdBounding.Clamp;

    /// <summary>ε of the tanh Jacobian log(1 − a² + ε) in log π; 0 is the exact form 2(log 2 − u − softplus(−2u)). SB3 and
    /// CleanRL add 1e-6. 0.</summary>
    [Training.PredatingValue(0.0)] // every run before the option used the exact form
    public double JacobianEpsilon { get; init; }

    /// <summary>Adam β1. 0.9 (PyTorch).</summary>
    public double AdamBeta1 { get; init; } = 0.9;

    /// <summary>Adam β2. 0.999 (PyTorch).</summary>
    public double AdamBeta2 { get; init; } = 0.999;

    /// <summary>Adam ε. 1e-8 (PyTorch).</summary>
    public double AdamEpsilon { get; init; } = 1e-8;

    /// <summary>Clip each network's gradient to this global L2 norm; null for no clipping (paper, SB3, CleanRL do not clip).</summary>
    public double? MaxGradNorm { get; init; }

    /// <summary>Replay buffer capacity. 1,000,000 (paper).</summary>
    public int BufferSize { get; init; } = 1_000_000;

    /// <summary>Environment steps of uniformly random actions before learning starts. 100 (SB3; CleanRL uses 5,000).</summary>
    public int LearningStarts { get; init; } = 100;

    /// <summary>Environment steps between rounds of gradient steps. 1 (paper, SB3).</summary>
    public int TrainFrequency { get; init; } = 1;

    /// <summary>Gradient steps per round; −1 means as many as environment steps in the round (SB3's −1). 1 (paper, SB3).</summary>
    public int GradientSteps { get; init; } = 1;

    /// <summary>
    /// SAC v2: the actor (and a learned α) step on every d-th update only, d times in a row on that update's batch, each
    /// time with fresh ε; the critics and their targets step on every update. CleanRL's <c>policy_frequency</c> (2, "TD3
    /// delayed update support", compensated by the d steps). 1 (paper, SB3): one actor step every update.
    /// </summary>
    [Training.PredatingValue(1)] // every run before the option stepped the actor on every update
    public int PolicyFrequency { get; init; } = 1;

    /// <summary>SAC v2, learned α: the temperature's loss, on log α (SB3) or on α (CleanRL). LogAlpha.</summary>
    [Training.PredatingValue(Algorithms.TemperatureLoss.LogAlpha)]
    public TemperatureLoss TemperatureLoss { get; init; } = TemperatureLoss.LogAlpha;

    /// <summary>SAC v2, learned α: the log π the temperature steps from: the actor step's own (its ε, the policy before
    /// the step: SB3), or a fresh sample of the stepped policy (CleanRL). ActorStep.</summary>
    [Training.PredatingValue(Algorithms.TemperatureSample.ActorStep)]
    public TemperatureSample TemperatureSample { get; init; } = TemperatureSample.ActorStep;

    /// <summary>TD3: the policy and the targets step on every d-th update. 2 (Fujimoto et al. 2018; CleanRL, SB3).</summary>
    [Training.PredatingValue(2)] // added with TD3; every run before it was a SAC, which has no policy delay
    public int PolicyDelay { get; init; } = 2;

    /// <summary>TD3: σ̃ of the target policy smoothing noise, in units of the action's half-range. 0.2 (Fujimoto et al. 2018).</summary>
    [Training.PredatingValue(0.2)]
    public double TargetPolicyNoise { get; init; } = 0.2;

    /// <summary>TD3: the smoothing noise is clipped to ±c, in units of the action's half-range. 0.5 (Fujimoto et al. 2018).</summary>
    [Training.PredatingValue(0.5)]
    public double TargetNoiseClip { get; init; } = 0.5;

    /// <summary>TD3: σ of the Gaussian exploration noise, in units of the action's half-range. 0.1 (Fujimoto et al. 2018).</summary>
    [Training.PredatingValue(0.1)]
    public double ExplorationNoise { get; init; } = 0.1;

    /// <summary>Threads for an update (results are bitwise identical for any count). <see cref="DefaultThreads"/>.</summary>
    [Training.TrajectoryNeutral]
    public int Threads { get; init; } = DefaultThreads;

    /// <summary>
    /// The cores there are, up to the update's <see cref="UpdateSharding.Shards"/> (2). What two threads give end to end
    /// is stated once, in docs/architecture.md ("Two threads in one update"). Results do not depend on it.
    /// </summary>
    public static int DefaultThreads { get; } = Math.Clamp(Environment.ProcessorCount, 1, UpdateSharding.Shards);

    /// <summary>The longest n-step return: far past what is published (3 to 5), low enough that a typo is caught.</summary>
    public const int MaxNStep = 1000;

    /// <summary>The most threads an update may use: far past any core count that pays, low enough that a typo is caught.</summary>
    public const int MaxThreads = 256;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option and what is valid.</summary>
    public void Validate()
    {
        static void Require(bool ok, string name, object? value, string valid)
        {
            if (!ok)
                throw new ArgumentException($"Invalid {name} = {value}: {valid}.", name);
        }
        Require(AlgorithmRegistry.All.Any(a => a.Version == Version), nameof(Version), Version, $"must be one of {string.Join(", ", AlgorithmRegistry.All.Select(a => a.Name))}");
        Require(Gamma is >= 0 and <= 1, nameof(Gamma), Gamma, "must be in [0, 1]");
        Require(NStep is >= 1 and <= MaxNStep, nameof(NStep), NStep, $"must be between 1 and {MaxNStep}");
        Require(Tau is > 0 and <= 1, nameof(Tau), Tau, "must be in (0, 1]");
        Require(BatchSize >= 1, nameof(BatchSize), BatchSize, "must be at least 1");
        Require(HiddenSizes is { Count: > 0 } && HiddenSizes.All(h => h >= 1), nameof(HiddenSizes), HiddenSizes is null ? "null" : string.Join(",", HiddenSizes), "needs at least one layer, each of size ≥ 1");
        Require(ActorLearningRate > 0 && double.IsFinite(ActorLearningRate), nameof(ActorLearningRate), ActorLearningRate, "must be finite and positive");
        Require(CriticLearningRate > 0 && double.IsFinite(CriticLearningRate), nameof(CriticLearningRate), CriticLearningRate, "must be finite and positive");
        Require(ValueLearningRate > 0 && double.IsFinite(ValueLearningRate), nameof(ValueLearningRate), ValueLearningRate, "must be finite and positive");
        Require(AlphaLearningRate > 0 && double.IsFinite(AlphaLearningRate), nameof(AlphaLearningRate), AlphaLearningRate, "must be finite and positive");
        Require(Alpha >= 0 && double.IsFinite(Alpha), nameof(Alpha), Alpha, "must be finite and ≥ 0");
        Require(InitialAlpha > 0 && double.IsFinite(InitialAlpha), nameof(InitialAlpha), InitialAlpha, "must be finite and > 0");
        Require(TargetEntropy is null || double.IsFinite(TargetEntropy.Value), nameof(TargetEntropy), TargetEntropy, "must be finite");
        Require(double.IsFinite(LogStdMin) && double.IsFinite(LogStdMax) && LogStdMin < LogStdMax, nameof(LogStdMin), LogStdMin, $"must be finite and below LogStdMax ({LogStdMax})");
        Require(Enum.IsDefined(LogStdBounding), nameof(LogStdBounding), LogStdBounding, "must be clamp or tanh");
        Require(PolicyFrequency >= 1, nameof(PolicyFrequency), PolicyFrequency, "must be at least 1");
        Require(Enum.IsDefined(TemperatureLoss), nameof(TemperatureLoss), TemperatureLoss, "must be logalpha or alpha");
        Require(Enum.IsDefined(TemperatureSample), nameof(TemperatureSample), TemperatureSample, "must be actorstep or fresh");
        Require(JacobianEpsilon >= 0 && double.IsFinite(JacobianEpsilon), nameof(JacobianEpsilon), JacobianEpsilon, "must be finite and ≥ 0");
        Require(AdamBeta1 is >= 0 and < 1, nameof(AdamBeta1), AdamBeta1, "must be in [0, 1)");
        Require(AdamBeta2 is >= 0 and < 1, nameof(AdamBeta2), AdamBeta2, "must be in [0, 1)");
        Require(AdamEpsilon > 0 && double.IsFinite(AdamEpsilon), nameof(AdamEpsilon), AdamEpsilon, "must be finite and positive");
        Require(MaxGradNorm is null || MaxGradNorm > 0 && double.IsFinite(MaxGradNorm.Value), nameof(MaxGradNorm), MaxGradNorm, "must be finite and positive when set");
        Require(BufferSize >= 1, nameof(BufferSize), BufferSize, "must be at least 1");
        Require(LearningStarts >= 0, nameof(LearningStarts), LearningStarts, "must be ≥ 0");
        Require(TrainFrequency >= 1, nameof(TrainFrequency), TrainFrequency, "must be at least 1");
        Require(GradientSteps >= -1, nameof(GradientSteps), GradientSteps, "must be ≥ 0, or −1 for as many as environment steps");
        Require(Threads is >= 1 and <= MaxThreads, nameof(Threads), Threads, $"must be between 1 and {MaxThreads}");
        Require(PolicyDelay >= 1, nameof(PolicyDelay), PolicyDelay, "must be at least 1");
        Require(TargetPolicyNoise >= 0 && double.IsFinite(TargetPolicyNoise), nameof(TargetPolicyNoise), TargetPolicyNoise, "must be finite and ≥ 0");
        Require(TargetNoiseClip >= 0 && double.IsFinite(TargetNoiseClip), nameof(TargetNoiseClip), TargetNoiseClip, "must be finite and ≥ 0");
        Require(ExplorationNoise >= 0 && double.IsFinite(ExplorationNoise), nameof(ExplorationNoise), ExplorationNoise, "must be finite and ≥ 0");
    }
}
