using Sac.Autodiff;
using Sac.Core.Algorithms;
using Sac.Core.Environments;
using Sac.Core.Replay;

namespace Sac.Core.Training;

/// <summary>
/// The SAC training loop: act, store, learn, evaluate. Uniformly random actions for the first
/// <see cref="SacOptions.LearningStarts"/> steps, then stochastic policy actions; <see cref="SacOptions.GradientSteps"/>
/// updates every <see cref="SacOptions.TrainFrequency"/> steps once learning has started; a deterministic evaluation on a
/// separate environment every <see cref="TrainerOptions.EvalEvery"/> steps and at the end.
/// Actions are stored in the policy's [−1, 1] space and rescaled to the environment's bounds for the step.
/// One seed fixes everything random, and the matrix products are bitwise identical for any thread count, so the same
/// seed gives bitwise-identical returns and weights.
/// </summary>
public sealed partial class Trainer : Checkpoints.ICheckpointable
{
    private readonly CheckedEnvironment _env;
    private readonly CheckedEnvironment _evalEnv;
    private readonly ReplayBuffer _replay;
    private readonly SacBatch<float> _batch;
    private readonly Rng _exploration;
    private readonly Rng _replaySampling;
    private readonly Rng _updateNoise;
    private readonly int _envSeed;
    private readonly int _evalSeed;
    private readonly float[] _observation;
    private readonly float[] _nextObservation;
    private readonly float[] _action;
    private readonly float[] _envAction;
    private readonly PolicyActor _actor;
    private readonly double[] _recentReturns = new double[100];
    private bool _needsReset = true;
    private bool _evalEnvSeeded;
    private double _episodeReturn;
    private int _episodeLength;
    private long _trainingTicks;

    /// <summary>Creates the agent, the replay buffer and every random stream from <paramref name="options"/>.Seed.</summary>
    /// <param name="environment">The training environment (wrapped in a <see cref="CheckedEnvironment"/> if it is not one).</param>
    /// <param name="evaluationEnvironment">A separate instance for evaluation.</param>
    /// <param name="sacOptions">The algorithm's hyperparameters.</param>
    /// <param name="options">The loop's settings.</param>
    public Trainer(IEnvironment environment, IEnvironment evaluationEnvironment, SacOptions sacOptions, TrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(evaluationEnvironment);
        ArgumentNullException.ThrowIfNull(sacOptions);
        ArgumentNullException.ThrowIfNull(options);
        if (ReferenceEquals(environment, evaluationEnvironment))
            throw new ArgumentException("Evaluation needs its own environment instance: sharing one would interrupt training episodes.", nameof(evaluationEnvironment));
        sacOptions.Validate();
        options.Validate();
        _env = environment as CheckedEnvironment ?? new CheckedEnvironment(environment);
        _evalEnv = evaluationEnvironment as CheckedEnvironment ?? new CheckedEnvironment(evaluationEnvironment);
        int obs = _env.ObservationSpace.Dimension, act = _env.ActionSpace.Dimension;
        if (_evalEnv.ObservationSpace.Dimension != obs || _evalEnv.ActionSpace.Dimension != act)
            throw new ArgumentException("The evaluation environment's spaces differ from the training environment's.", nameof(evaluationEnvironment));
        SacMemory.Check(obs, act, sacOptions);
        SacOptions = sacOptions;
        Options = options;

        // One seed, split into independent streams in a fixed order.
        var master = new Rng((ulong)options.Seed);
        Agent = AlgorithmRegistry.Create<float>(obs, act, sacOptions, master.Fork());
        _lastUpdate = new UpdateMetrics(Agent.MetricNames);
        _envSeed = (int)(master.NextUInt64() >> 33);
        _evalSeed = (int)(master.NextUInt64() >> 33);
        _exploration = master.Fork();
        _replaySampling = master.Fork();
        _updateNoise = master.Fork();

        // NOTE: the buffer's memory is reserved, not touched, until transitions are written, so a large capacity costs
        // nothing for a short run (and a resumed run may be extended past its original step budget).
        _replay = new ReplayBuffer(sacOptions.BufferSize, obs, act);
        _batch = new SacBatch<float>(sacOptions.BatchSize, obs, act);
        _observation = new float[obs];
        _nextObservation = new float[obs];
        _action = new float[act];
        _envAction = new float[act];
        ActionScaling.RequireBounded(_env.ActionSpace, _env.Id);
        _actor = new PolicyActor(Agent);
    }

    /// <summary>The agent being trained.</summary>
    public Algorithm<float> Agent { get; }

    /// <summary>The algorithm's hyperparameters.</summary>
    public SacOptions SacOptions { get; }

    /// <summary>The loop's settings.</summary>
    public TrainerOptions Options { get; }

    /// <summary>The replay buffer.</summary>
    public ReplayBuffer Replay => _replay;

    /// <summary>Environment steps taken.</summary>
    public long Steps { get; private set; }

    /// <summary>Gradient updates performed.</summary>
    public long Updates => Agent.Updates;

    /// <summary>Completed training episodes.</summary>
    public int Episodes { get; private set; }

    /// <summary>The metrics of the most recent update, by name (every value NaN before learning starts).</summary>
    public UpdateMetrics LastUpdate => _lastUpdate;

    private readonly UpdateMetrics _lastUpdate;

    /// <summary>The most recent evaluation, if any.</summary>
    public EvaluationReport? LastEvaluation { get; private set; }

    /// <summary>The best evaluation mean so far, if any.</summary>
    public EvaluationReport? BestEvaluation { get; private set; }

    /// <summary>Wall-clock time spent in <see cref="Step"/> (acting, learning, evaluating) over the whole run, resumed
    /// segments included: it is saved in checkpoints.</summary>
    public TimeSpan TrainingTime => TimeSpan.FromSeconds((double)_trainingTicks / System.Diagnostics.Stopwatch.Frequency);

    /// <summary>Raised after each training episode.</summary>
    public event Action<EpisodeReport>? EpisodeCompleted;

    /// <summary>Raised after each evaluation.</summary>
    public event Action<EvaluationReport>? EvaluationCompleted;

    /// <summary>True once <see cref="Steps"/> reached <see cref="TrainerOptions.TotalSteps"/>.</summary>
    public bool IsFinished => Steps >= Options.TotalSteps;

    /// <summary>
    /// Trains until <see cref="TrainerOptions.TotalSteps"/> (continuing from <see cref="Steps"/>, so a restored trainer
    /// resumes) or until <paramref name="cancellation"/> is signalled between two steps. The final evaluation runs only
    /// when training finished. Returns the last evaluation.
    /// </summary>
    public EvaluationReport? Run(CancellationToken cancellation = default)
    {
        while (!IsFinished && !cancellation.IsCancellationRequested)
            Step();
        return LastEvaluation;
    }

    /// <summary>One environment step, then any updates and evaluation it is due.</summary>
    public void Step()
    {
        if (IsFinished)
            throw new InvalidOperationException($"Training is finished ({Steps} of {Options.TotalSteps} steps).");
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            StepUntimed();
        }
        finally
        {
            _trainingTicks += System.Diagnostics.Stopwatch.GetTimestamp() - start;
        }
    }

    private void StepUntimed()
    {
        if (_needsReset)
        {
            // The first reset is seeded; later ones continue the environment's own stream (Gymnasium's convention).
            _env.Reset(_observation, Steps == 0 && Episodes == 0 ? _envSeed : null);
            _needsReset = false;
        }

        if (Steps < SacOptions.LearningStarts)
        {
            for (int j = 0; j < _action.Length; j++)
                _action[j] = (float)_exploration.Uniform(-1, 1);
        }
        else
            Act(_observation, _action, deterministic: false, _exploration);

        ActionScaling.ToEnvironment(_action, _env.ActionSpace, _envAction);
        var result = _env.Step(_envAction, _nextObservation);
        Steps++;
        _episodeReturn += result.Reward;
        _episodeLength++;

        // CRUCIAL: store the true s′ (even on truncation) and d = terminated only: a time limit is not a terminal state.
        _replay.Add(_observation, _action, (float)result.Reward, _nextObservation, result.Terminated);

        if (result.Terminated || result.Truncated)
        {
            Episodes++;
            _recentReturns[(Episodes - 1) % _recentReturns.Length] = _episodeReturn;
            int window = Math.Min(Episodes, _recentReturns.Length);
            double recentMean = System.Numerics.Tensors.TensorPrimitives.Sum<double>(_recentReturns.AsSpan(0, window)) / window;
            EpisodeCompleted?.Invoke(new EpisodeReport(Steps, Episodes, _episodeReturn, _episodeLength, result.Terminated, recentMean));
            _episodeReturn = 0;
            _episodeLength = 0;
            _needsReset = true;
        }
        else
        {
            // CRUCIAL: obs = next obs, or the agent keeps acting on a stale state.
            _nextObservation.CopyTo(_observation, 0);
        }

        if (Steps >= SacOptions.LearningStarts && Steps % SacOptions.TrainFrequency == 0 && _replay.Count >= 1)
        {
            for (int g = 0; g < SacOptions.GradientSteps; g++)
            {
                _replay.Sample(_batch, _replaySampling);
                _batch.DrawNoise(_updateNoise, Agent.Options.Threads);
                _lastUpdate.CopyFrom(Agent.Update(_batch));
            }
        }

        bool periodic = Options.EvalEvery > 0 && Steps % Options.EvalEvery == 0;
        if (periodic || IsFinished)
            RecordEvaluation(Evaluate(Options.EvalEpisodes));
    }

    /// <summary>Runs <paramref name="episodes"/> deterministic episodes (tanh μ) on the evaluation environment.</summary>
    public EvaluationReport Evaluate(int episodes)
    {
        int? seed = _evalEnvSeeded ? null : _evalSeed;
        _evalEnvSeeded = true;
        return Evaluation.Run(Agent, _evalEnv, episodes, deterministic: true, noise: null, Steps, seed);
    }

    /// <summary>The policy's action for one observation: tanh(μ(s)) if deterministic, else a sample (noise from <paramref name="rng"/>).
    /// Written into <paramref name="action"/> in the policy's [−1, 1] space.</summary>
    public void Act(ReadOnlySpan<float> observation, Span<float> action, bool deterministic, Rng? rng) =>
        _actor.Act(observation, action, deterministic, rng);

    private void RecordEvaluation(EvaluationReport report)
    {
        LastEvaluation = report;
        if (BestEvaluation is null || report.MeanReturn > BestEvaluation.MeanReturn)
            BestEvaluation = report;
        EvaluationCompleted?.Invoke(report);
    }
}
