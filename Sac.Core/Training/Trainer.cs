using Sac.Autodiff;
using Sac.Core.Algorithms;
using Sac.Core.Environments;
using Sac.Core.Exploration;
using Sac.Core.Replay;

namespace Sac.Core.Training;

/// <summary>
/// The SAC training loop: act, store, learn, evaluate. Uniformly random actions for the first
/// <see cref="SacOptions.LearningStarts"/> environment steps, then stochastic policy actions (white ε, or colored noise:
/// <see cref="TrainerOptions.ActionNoise"/>); <see cref="SacOptions.GradientSteps"/> updates every
/// <see cref="SacOptions.TrainFrequency"/> steps once learning has started; a deterministic evaluation on a separate
/// environment every <see cref="TrainerOptions.EvalEvery"/> environment steps and at the end. With
/// <see cref="TrainerOptions.NumEnvs"/> copies, one step of the loop steps every copy (SB3's n_envs): it adds one
/// transition per copy and counts as that many environment steps in <see cref="Steps"/>, while TrainFrequency counts
/// loop steps, as SB3's train_freq does.
/// Actions are stored in the policy's [−1, 1] space and rescaled to the environment's bounds for the step.
/// One seed fixes everything random, and the matrix products are bitwise identical for any thread count, so the same
/// seed gives bitwise-identical returns and weights.
/// </summary>
public sealed partial class Trainer : Checkpoints.ICheckpointable
{
    private readonly IVectorEnvironment _env;
    private readonly CheckedEnvironment _evalEnv;
    private readonly ReplayBuffer _replay;
    private readonly SacBatch<float> _batch;
    private readonly Rng _exploration;
    private readonly Rng _replaySampling;
    private readonly Rng _updateNoise;
    private readonly ActionNoise? _actionNoise;
    private readonly int _envSeed;
    private readonly int _evalSeed;
    private readonly int _copies;
    private readonly float[] _observation;       // copies × dim(S): what each copy acts on next
    private readonly float[] _nextObservation;   // copies × dim(S): after a step (a finished copy's: its reset)
    private readonly float[] _finalObservation;  // copies × dim(S): a finished copy's true last s′
    private readonly float[] _action;            // copies × dim(A), in the policy's [−1, 1] space
    private readonly float[] _envAction;
    private readonly float[] _epsilon;
    private readonly StepResult[] _results;
    private readonly PolicyActor _actor;
    private readonly PolicyActor _collector;
    private readonly double[] _recentReturns = new double[100];
    private readonly double[] _episodeReturn;
    private readonly int[] _episodeLength;
    private bool _pendingReset;
    private bool _started;
    private bool _evalEnvSeeded;
    private long _trainingTicks;

    /// <summary>Creates the agent, the replay buffer and every random stream from <paramref name="options"/>.Seed, for one
    /// training environment (<see cref="TrainerOptions.NumEnvs"/> must be 1).</summary>
    /// <param name="environment">The training environment (wrapped in a <see cref="CheckedEnvironment"/> if it is not one).</param>
    /// <param name="evaluationEnvironment">A separate instance for evaluation.</param>
    /// <param name="sacOptions">The algorithm's hyperparameters.</param>
    /// <param name="options">The loop's settings.</param>
    public Trainer(IEnvironment environment, IEnvironment evaluationEnvironment, SacOptions sacOptions, TrainerOptions options)
        : this(Single(environment, evaluationEnvironment, sacOptions, options), evaluationEnvironment, sacOptions, options)
    {
    }

    /// <summary>Creates the agent, the replay buffer and every random stream from <paramref name="options"/>.Seed, for
    /// <see cref="TrainerOptions.NumEnvs"/> training copies stepped together.</summary>
    /// <param name="environments">The copies (<see cref="VectorEnvironment"/> over separate instances, or a scene's own
    /// <see cref="IVectorEnvironment"/>); its <see cref="IVectorEnvironment.Count"/> must be NumEnvs.</param>
    /// <param name="evaluationEnvironment">A separate instance for evaluation.</param>
    /// <param name="sacOptions">The algorithm's hyperparameters.</param>
    /// <param name="options">The loop's settings.</param>
    public Trainer(IVectorEnvironment environments, IEnvironment evaluationEnvironment, SacOptions sacOptions, TrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(environments);
        ArgumentNullException.ThrowIfNull(evaluationEnvironment);
        ArgumentNullException.ThrowIfNull(sacOptions);
        ArgumentNullException.ThrowIfNull(options);
        sacOptions.Validate();
        options.Validate();
        if (environments.Count != options.NumEnvs)
            throw new ArgumentException($"The run has NumEnvs = {options.NumEnvs}, but the vector environment steps {environments.Count} copies.", nameof(environments));
        if (environments is VectorEnvironment vector)
            for (int i = 0; i < vector.Count; i++)
                if (ReferenceEquals(vector[i], evaluationEnvironment) || ReferenceEquals(vector[i].Inner, evaluationEnvironment))
                    throw new ArgumentException("Evaluation needs its own environment instance: sharing one would interrupt training episodes.", nameof(evaluationEnvironment));
        _env = environments;
        _evalEnv = evaluationEnvironment as CheckedEnvironment ?? new CheckedEnvironment(evaluationEnvironment);
        int obs = _env.ObservationSpace.Dimension, act = _env.ActionSpace.Dimension;
        if (_evalEnv.ObservationSpace.Dimension != obs || _evalEnv.ActionSpace.Dimension != act)
            throw new ArgumentException("The evaluation environment's spaces differ from the training environment's.", nameof(evaluationEnvironment));
        SacMemory.Check(obs, act, sacOptions);
        SacOptions = sacOptions;
        Options = options;
        _copies = options.NumEnvs;

        // One seed, split into independent streams in a fixed order (a stream added later comes last, so the earlier
        // ones, and every run from before it, stay as they were).
        var master = new Rng((ulong)options.Seed);
        Agent = AlgorithmRegistry.Create<float>(obs, act, sacOptions, master.Fork());
        _lastUpdate = new UpdateMetrics(Agent.MetricNames);
        _envSeed = (int)(master.NextUInt64() >> 33);
        _evalSeed = (int)(master.NextUInt64() >> 33);
        _exploration = master.Fork();
        _replaySampling = master.Fork();
        _updateNoise = master.Fork();
        var actionNoise = master.Fork();
        if (options.ActionNoise != ActionNoiseKind.White)
            _actionNoise = new ActionNoise(options.ActionNoise, options.NoiseBeta, _copies, act, EpisodeHorizon(_env), actionNoise);

        // NOTE: the buffer's memory is reserved, not touched, until transitions are written, so a large capacity costs
        // nothing for a short run (and a resumed run may be extended past its original step budget).
        _replay = new ReplayBuffer(sacOptions.BufferSize, obs, act, _copies);
        _batch = new SacBatch<float>(sacOptions.BatchSize, obs, act, sacOptions.NStep, Agent.ExtraNoiseSets);
        _observation = new float[_copies * obs];
        _nextObservation = new float[_copies * obs];
        _finalObservation = new float[_copies * obs];
        _action = new float[_copies * act];
        _envAction = new float[_copies * act];
        _epsilon = new float[_copies * act];
        _results = new StepResult[_copies];
        _episodeReturn = new double[_copies];
        _episodeLength = new int[_copies];
        ActionScaling.RequireBounded(_env.ActionSpace, _env.Id);
        _actor = new PolicyActor(Agent);
        _collector = _copies == 1 ? _actor : new PolicyActor(Agent, _copies);
    }

    private static VectorEnvironment Single(IEnvironment environment, IEnvironment evaluationEnvironment, SacOptions sacOptions, TrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(sacOptions);
        ArgumentNullException.ThrowIfNull(options);
        if (options.NumEnvs != 1)
            throw new ArgumentException($"NumEnvs = {options.NumEnvs} needs that many copies: pass an IVectorEnvironment (a VectorEnvironment over separate instances).", nameof(environment));
        return new VectorEnvironment([environment]); // the constructor refuses an evaluation environment that is this one
    }

    /// <summary>The length of a colored-noise sequence: the copies' time limit where there is one (Eberhard et al. use
    /// the episode length), else 1,000 steps (a MuJoCo episode).</summary>
    private static int EpisodeHorizon(IVectorEnvironment environments)
    {
        IEnvironment? environment = environments is VectorEnvironment vector ? vector[0] : null;
        while (environment is not null)
        {
            switch (environment)
            {
                case TimeLimit limit:
                    return Math.Max(limit.MaxEpisodeSteps, 2);
                case CheckedEnvironment checkedEnvironment:
                    environment = checkedEnvironment.Inner;
                    break;
                default:
                    environment = null;
                    break;
            }
        }
        return 1000;
    }

    /// <summary>The agent being trained.</summary>
    public Algorithm<float> Agent { get; }

    /// <summary>The algorithm's hyperparameters.</summary>
    public SacOptions SacOptions { get; }

    /// <summary>The loop's settings.</summary>
    public TrainerOptions Options { get; }

    /// <summary>The replay buffer.</summary>
    public ReplayBuffer Replay => _replay;

    /// <summary>Environment steps taken, over all copies (SB3's num_timesteps).</summary>
    public long Steps { get; private set; }

    /// <summary>Gradient updates performed.</summary>
    public long Updates => Agent.Updates;

    /// <summary>Completed training episodes, over all copies.</summary>
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

    /// <summary>One step of every environment copy, then any updates and evaluation it is due.</summary>
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
        int o = _env.ObservationSpace.Dimension, a = _env.ActionSpace.Dimension;
        if (!_started)
        {
            // The first reset is seeded (copy i with seed + i); later ones continue each copy's own stream (Gymnasium's convention).
            _env.Reset(_observation, _envSeed);
            for (int i = 0; i < _copies; i++)
                _actionNoise?.StartEpisode(i);
            _started = true;
        }
        if (_pendingReset)
        {
            // Only a checkpoint from before vectorized environments (one copy), written just after an episode ended, leaves this.
            ((VectorEnvironment)_env).ResetCopy(0, _observation);
            _actionNoise?.StartEpisode(0);
            _pendingReset = false;
        }

        if (_actionNoise is not null)
            for (int i = 0; i < _copies; i++)
                _actionNoise.Next(i, _epsilon.AsSpan(i * a, a)); // the noise keeps the episode's time, also while acting at random
        if (Steps < SacOptions.LearningStarts)
        {
            for (int j = 0; j < _action.Length; j++)
                _action[j] = (float)_exploration.Uniform(-1, 1);
        }
        else if (_actionNoise is null)
            _collector.Act(_observation, _action, deterministic: false, _exploration);
        else
            _collector.Act(_observation, _action, _epsilon);

        for (int i = 0; i < _copies; i++)
            ActionScaling.ToEnvironment<float>(_action.AsSpan(i * a, a), _env.ActionSpace, _envAction.AsSpan(i * a, a));
        _env.Step(_envAction, _nextObservation, _finalObservation, _results);
        Steps += _copies;

        for (int i = 0; i < _copies; i++)
        {
            var result = _results[i];
            bool finished = result.Terminated || result.Truncated;
            _episodeReturn[i] += result.Reward;
            _episodeLength[i]++;
            // CRUCIAL: store the true s′ (even on truncation: the copy's last observation, not its reset) and
            // d = terminated only: a time limit is not a terminal state.
            var next = (finished ? _finalObservation : _nextObservation).AsSpan(i * o, o);
            _replay.Add(_observation.AsSpan(i * o, o), _action.AsSpan(i * a, a), (float)result.Reward, next, result.Terminated, result.Truncated);
            if (!finished)
                continue;
            Episodes++;
            _recentReturns[(Episodes - 1) % _recentReturns.Length] = _episodeReturn[i];
            int window = Math.Min(Episodes, _recentReturns.Length);
            double recentMean = System.Numerics.Tensors.TensorPrimitives.Sum<double>(_recentReturns.AsSpan(0, window)) / window;
            EpisodeCompleted?.Invoke(new EpisodeReport(Steps, Episodes, _episodeReturn[i], _episodeLength[i], result.Terminated, recentMean));
            _episodeReturn[i] = 0;
            _episodeLength[i] = 0;
            _actionNoise?.StartEpisode(i);
        }
        // CRUCIAL: obs = next obs (a finished copy's is already its new episode's first), or the agent acts on a stale state.
        _nextObservation.CopyTo(_observation, 0);

        long rounds = Steps / _copies;
        if (Steps >= SacOptions.LearningStarts && rounds % SacOptions.TrainFrequency == 0 && _replay.Count >= 1)
        {
            int updates = UpdatesPerRound;
            for (int g = 0; g < updates; g++)
            {
                _replay.Sample(_batch, _replaySampling, SacOptions.Gamma);
                _batch.DrawNoise(_updateNoise, Agent.Options.Threads);
                _lastUpdate.CopyFrom(Agent.Update(_batch));
            }
        }

        bool periodic = Options.EvalEvery > 0 && Crossed(Options.EvalEvery);
        if (periodic || IsFinished)
            RecordEvaluation(Evaluate(Options.EvalEpisodes));
    }

    /// <summary>Updates per round: <see cref="SacOptions.GradientSteps"/>, or for −1 the environment steps of a round.</summary>
    private int UpdatesPerRound => SacOptions.GradientSteps >= 0 ? SacOptions.GradientSteps : SacOptions.TrainFrequency * _copies;

    /// <summary>True when the last step took <see cref="Steps"/> across a multiple of <paramref name="every"/> (with one
    /// copy: when Steps is one).</summary>
    public bool Crossed(long every) => every > 0 && Steps / every != (Steps - _copies) / every;

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
