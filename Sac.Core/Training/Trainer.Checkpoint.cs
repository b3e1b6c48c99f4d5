using System.Text.Json;
using System.Text.Json.Nodes;
using Sac.Core.Algorithms;
using Sac.Core.Checkpoints;
using Sac.Core.Environments;

namespace Sac.Core.Training;

// Checkpointing: everything that determines the rest of a run, so that a restored trainer continues bitwise-identically.
public sealed partial class Trainer
{
    /// <summary>The training-state file's format tag. Format 1's checksum covered the data only; it is refused.</summary>
    public const string CheckpointFormat = "sac-training-state-2";

    /// <summary>Name of the weights-only file (PyTorch layout) in a checkpoint directory.</summary>
    public const string ModelFileName = "model.safetensors";

    /// <summary>Name of the full training-state file in a checkpoint directory.</summary>
    public const string StateFileName = "training_state.safetensors";

    private static readonly JsonSerializerOptions s_json = new()
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>
    /// Writes <see cref="ModelFileName"/> (the networks' weights in PyTorch's nn.Linear layout: weight out×in, bias [out])
    /// and <see cref="StateFileName"/> (every parameter and target, Adam's moments and step counts, log α, the replay
    /// buffer, the random generators, the action noise, every environment copy's state, the evaluation environment's
    /// and the loop's counters) into <paramref name="directory"/>,
    /// creating it. Files are flushed to disk before returning. For atomic checkpoints use <see cref="CheckpointStore"/>.
    /// </summary>
    public void SaveCheckpoint(string directory)
    {
        Directory.CreateDirectory(directory);
        // Both files are streamed from the trainer's own memory (the replay buffer is never copied): a full 1M-step
        // Humanoid training state is ~2.9 GB, more than one .NET array holds.
        string modelChecksum = ModelFile().WriteDurably(Path.Combine(directory, ModelFileName));
        StateFile(modelChecksum).WriteDurably(Path.Combine(directory, StateFileName));
    }

    /// <summary>
    /// Restores the state written by <see cref="SaveCheckpoint"/> into this trainer, which must have been constructed with
    /// the same options and environments. Nothing is restored unless everything checks out: both files parse and match
    /// their whole-file checksums (header metadata included), the model file is the one saved with this training state,
    /// its tensors have this run's shapes, and the state was trained with this run's options. Otherwise throws
    /// <see cref="CheckpointException"/> naming the file and the problem, and this trainer is unchanged (it is left
    /// unusable only if the files passed every check and restoring still failed).
    /// </summary>
    public void LoadCheckpoint(string directory)
    {
        string path = Path.Combine(directory, StateFileName);
        string modelPath = Path.Combine(directory, ModelFileName);
        if (!File.Exists(path))
            throw new CheckpointException($"No checkpoint at {directory}: {StateFileName} is missing.");
        // NOTE: both files are opened before either is read. A running training run prunes its old checkpoints, and an
        // open file stays readable after its directory is deleted (Unix), so a prune can strike only between two opens,
        // not while a large state file is read and hashed (`sac eval` beside a run checkpointing every few steps).
        using var stateStream = SafeTensorsFile.OpenRead(path);
        using var modelStream = File.Exists(modelPath) ? SafeTensorsFile.OpenRead(modelPath) : null;
        OpenedForTesting?.Invoke(directory);
        Load(stateStream, path, modelStream, modelPath);
    }

    /// <summary>Tests: runs with a checkpoint's directory once its files are open and before they are read, where a prune can strike.</summary>
    internal static Action<string>? OpenedForTesting;

    /// <summary><see cref="LoadCheckpoint"/> from its two files, opened (each read once, then disposed).</summary>
    private void Load(FileStream stateStream, string path, FileStream? modelStream, string modelPath)
    {
        using var file = SafeTensorsFile.Load(stateStream, path);
        if (!file.Metadata.TryGetValue("format", out var format) || format != CheckpointFormat)
            throw new CheckpointException($"{path} is not a Sac training state of this version (format '{format ?? "none"}', expected '{CheckpointFormat}').");
        JsonObject meta;
        try
        {
            meta = JsonNode.Parse(file.Metadata["state"]) as JsonObject ?? throw new CheckpointException($"{path}: the state metadata is not a JSON object.");
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException)
        {
            throw new CheckpointException($"{path} is corrupt: its state metadata cannot be read ({e.Message}).", e);
        }
        try
        {
            CheckOptions(meta, path);
            VerifyModelFile(modelStream, modelPath, meta);
            Restore(file, meta);
        }
        catch (Exception e) when (e is not CheckpointException && e is JsonException or InvalidOperationException or FormatException
                                   or ArgumentException or EnvironmentException or NotSupportedException or NullReferenceException)
        {
            throw new CheckpointException($"{path} does not fit this run: {e.Message}", e);
        }
    }

    /// <summary>
    /// The options a checkpoint must agree with: every algorithm option but <see cref="SacOptions.Threads"/> (results are
    /// bitwise identical for any count), and every loop setting but <see cref="TrainerOptions.TotalSteps"/> (a run may be
    /// extended), plus the environment id.
    /// </summary>
    private JsonObject TrajectoryOptions() => new()
    {
        ["environment"] = _env.Id,
        ["sac"] = JsonSerializer.SerializeToNode(SacOptions with { Threads = 1 }, s_json),
        ["trainer"] = JsonSerializer.SerializeToNode(Options with { TotalSteps = 1 }, s_json),
    };

    /// <summary>
    /// Refuses a checkpoint trained with other options than this run's, except those that cannot change the run
    /// (<see cref="TrajectoryNeutralAttribute"/>). An option the checkpoint predates is compared with the value it had
    /// then (<see cref="PredatingValueAttribute"/>), so adding an option never makes an existing run unresumable.
    /// </summary>
    private void CheckOptions(JsonObject meta, string path)
    {
        var saved = meta["options"] as JsonObject ?? throw new CheckpointException($"{path} records no training options.");
        if (saved["environment"]?.GetValue<string>() != _env.Id)
            throw new CheckpointException($"{path} was trained on {saved["environment"]?.ToJsonString() ?? "nothing"}, not \"{_env.Id}\".");
        var difference = OptionHistory.FirstDifference(SacOptions, saved["sac"] as JsonObject, s_json)
            ?? OptionHistory.FirstDifference(Options, saved["trainer"] as JsonObject, s_json);
        if (difference is var (key, theirs, mine))
            throw new CheckpointException($"{path} was trained with {key} = {theirs}, but this run has {key} = {mine}.");
    }

    /// <summary>Checks that the model file is intact, is the one saved with this state, and has exactly this run's tensors.</summary>
    private void VerifyModelFile(FileStream? opened, string path, JsonObject meta)
    {
        if (opened is null)
            throw new CheckpointException($"{path} is missing: a checkpoint needs both {ModelFileName} and {StateFileName}.");
        using var model = SafeTensorsFile.Load(opened, path);
        string expected = meta["modelSha256"]?.GetValue<string>() ?? throw new CheckpointException($"The training state beside {path} records no model checksum.");
        if (model.Metadata[SafeTensorsChecksum.Key] != expected)
            throw new CheckpointException($"{path} does not belong to this checkpoint's training state (it was replaced, or comes from another checkpoint).");
        var shapes = ModelShapes();
        foreach (var (name, shape) in shapes)
        {
            if (!model.Tensors.TryGetValue(name, out var info) || info.DType != "F32" || !info.Shape.SequenceEqual(shape))
                throw new CheckpointException($"{path}: tensor '{name}' should be F32 [{string.Join(", ", shape)}] for this run's networks, but is {(info is null ? "missing" : $"{info.DType} [{string.Join(", ", info.Shape)}]")}.");
        }
        if (model.Tensors.Keys.FirstOrDefault(k => !shapes.ContainsKey(k)) is string extra)
            throw new CheckpointException($"{path} holds a tensor '{extra}' that this run's networks do not have.");
    }

    /// <summary>Each model-file tensor's name and PyTorch shape ([out, in] for weights, [out] for biases, [1] for log α).</summary>
    private Dictionary<string, long[]> ModelShapes()
    {
        var shapes = new Dictionary<string, long[]>(StringComparer.Ordinal);
        foreach (var (_, parameters, _) in Agent.ParameterSets)
            foreach (var tensor in parameters.Tensors)
                shapes[tensor.Name!] = IsVectorInModelFile(tensor) ? [tensor.Cols] : [tensor.Cols, tensor.Rows];
        return shapes;
    }

    private static bool IsVectorInModelFile(Sac.Autodiff.Tensor<float> tensor) =>
        tensor.Rows == 1 && tensor.Name!.EndsWith(".bias", StringComparison.Ordinal) || tensor.Name == "log_alpha";

    private SafeTensorsWriter ModelFile()
    {
        var writer = new SafeTensorsWriter();
        writer.Metadata["format"] = "pt";
        writer.Metadata["layout"] = "torch.nn.Linear: weight [out, in], bias [out]; policy output = [mu || log_std]";
        foreach (var (_, parameters, _) in Agent.ParameterSets)
        {
            foreach (var tensor in parameters.Tensors)
            {
                if (IsVectorInModelFile(tensor))
                {
                    writer.Add(tensor.Name!, tensor.Span, tensor.Cols);
                    continue;
                }
                // Sac stores W as in×out (y = x·W); PyTorch's nn.Linear.weight is out×in (y = x·Wᵀ).
                var transposed = new float[tensor.Length];
                for (int r = 0; r < tensor.Rows; r++)
                    for (int c = 0; c < tensor.Cols; c++)
                        transposed[c * tensor.Rows + r] = tensor[r, c];
                writer.Add(tensor.Name!, () => transposed, tensor.Cols, tensor.Rows);
            }
        }
        return writer;
    }

    private SafeTensorsWriter StateFile(string modelChecksum)
    {
        var writer = new SafeTensorsWriter();
        var optimizers = new JsonObject();
        foreach (var (name, parameters, optimizer) in Agent.ParameterSets)
        {
            // Large tensors are read from their own memory while the file is written, never copied.
            writer.Add($"params.{name}", () => parameters.Values, parameters.Count);
            if (optimizer is null)
                continue;
            writer.Add($"adam.{name}.m", () => optimizer.FirstMoments, parameters.Count);
            writer.Add($"adam.{name}.v", () => optimizer.SecondMoments, parameters.Count);
            optimizers[name] = optimizer.Step;
        }
        var (obs, actions, rewards, next, terminated) = _replay.Storage;
        int n = _replay.Count, o = _replay.ObservationSize, a = _replay.ActionSize;
        writer.Add("replay.observations", () => obs.AsSpan(0, n * o), n, o);
        writer.Add("replay.actions", () => actions.AsSpan(0, n * a), n, a);
        writer.Add("replay.rewards", () => rewards.AsSpan(0, n), n);
        writer.Add("replay.next_observations", () => next.AsSpan(0, n * o), n, o);
        writer.Add("replay.terminated", () => terminated.AsSpan(0, n), n);
        var episodeEnds = _replay.EpisodeEnds;
        writer.Add("replay.episode_ends", () => episodeEnds.AsSpan(0, n), n);
        writer.Add("trainer.observation", _observation, _copies, _replay.ObservationSize);
        writer.Add("trainer.recent_returns", _recentReturns, _recentReturns.Length);
        if (_actionNoise is not null)
            writer.Add("trainer.action_noise", _actionNoise.State.Values, _actionNoise.State.Values.Length);

        var state = new JsonObject
        {
            ["steps"] = Steps,
            ["episodes"] = Episodes,
            ["updates"] = Agent.Updates,
            ["copies"] = _copies,
            ["evalEnvSeeded"] = _evalEnvSeeded,
            ["episodeReturns"] = JsonSerializer.SerializeToNode(_episodeReturn, s_json),
            ["episodeLengths"] = JsonSerializer.SerializeToNode(_episodeLength, s_json),
            ["replayCount"] = _replay.Count,
            ["replayPosition"] = _replay.Position,
            ["replayCapacity"] = _replay.Capacity,
            ["adamSteps"] = optimizers,
            ["rng"] = new JsonObject
            {
                ["exploration"] = EnvironmentState.SaveRng(_exploration),
                ["replay"] = EnvironmentState.SaveRng(_replaySampling),
                ["updateNoise"] = EnvironmentState.SaveRng(_updateNoise),
                ["actionNoise"] = EnvironmentState.SaveRng(_actionNoise?.Rng),
            },
            ["actionNoisePositions"] = _actionNoise is null ? null : JsonSerializer.SerializeToNode(_actionNoise.State.Positions, s_json),
            ["environments"] = _env is IStatefulEnvironment stateful ? stateful.SaveState()
                : throw new NotSupportedException($"{_env.Id}'s vector environment does not implement IStatefulEnvironment, so its state cannot be checkpointed."),
            ["evaluationEnvironment"] = EnvironmentState.SaveInner(_evalEnv),
            ["options"] = TrajectoryOptions(),
            ["modelSha256"] = modelChecksum,
            ["trainingSeconds"] = TrainingTime.TotalSeconds,
            ["lastUpdate"] = SaveMetrics(LastUpdate),
            ["lastEvaluation"] = JsonSerializer.SerializeToNode(LastEvaluation, s_json),
            ["bestEvaluation"] = JsonSerializer.SerializeToNode(BestEvaluation, s_json),
        };
        writer.Metadata["format"] = CheckpointFormat;
        writer.Metadata["state"] = state.ToJsonString();
        return writer;
    }

    private void Restore(SafeTensorsFile file, JsonObject meta)
    {
        // Check everything that can be checked before changing anything.
        int n = meta["replayCount"]!.GetValue<int>();
        int position = meta["replayPosition"]!.GetValue<int>();
        if (meta["replayCapacity"]!.GetValue<int>() != _replay.Capacity)
            throw new CheckpointException($"The checkpoint's replay capacity ({meta["replayCapacity"]}) differs from this run's ({_replay.Capacity}).");
        foreach (var (name, parameters, _) in Agent.ParameterSets)
            if (!file.Tensors.TryGetValue($"params.{name}", out var info) || info.Shape.Length != 1 || info.Shape[0] != parameters.Count)
                throw new CheckpointException($"The checkpoint's '{name}' parameters do not match this run's networks (different sizes or algorithm).");
        var copies = ReadCopies(meta);
        CheckCounters(meta, copies);

        foreach (var (name, parameters, optimizer) in Agent.ParameterSets)
        {
            file.Read($"params.{name}", parameters.Values);
            if (optimizer is null)
                continue;
            file.Read($"adam.{name}.m", optimizer.FirstMoments);
            file.Read($"adam.{name}.v", optimizer.SecondMoments);
            optimizer.Restore(meta["adamSteps"]![name]!.GetValue<long>());
        }
        var (obs, actions, rewards, next, terminated) = _replay.Storage;
        int o = _replay.ObservationSize, a = _replay.ActionSize;
        file.Read("replay.observations", obs.AsSpan(0, n * o));
        file.Read("replay.actions", actions.AsSpan(0, n * a));
        file.Read("replay.rewards", rewards.AsSpan(0, n));
        file.Read("replay.next_observations", next.AsSpan(0, n * o));
        file.Read("replay.terminated", terminated.AsSpan(0, n));
        if (file.Tensors.ContainsKey("replay.episode_ends"))
            file.Read("replay.episode_ends", _replay.EpisodeEnds.AsSpan(0, n));
        else
            // NOTE: a state from before n-step returns recorded terminations only; its run has n = 1 for good (NStep
            // affects the trajectory), which never reads these flags.
            terminated.AsSpan(0, n).CopyTo(_replay.EpisodeEnds);
        _replay.RestoreCounters(n, position);
        file.Read("trainer.observation", _observation);
        file.Read("trainer.recent_returns", _recentReturns);
        if (_actionNoise is not null)
        {
            file.Read("trainer.action_noise", _actionNoise.State.Values);
            meta["actionNoisePositions"].Deserialize<int[]>(s_json)!.CopyTo(_actionNoise.State.Positions, 0);
            _actionNoise.Rng.State = EnvironmentState.RestoreRng(meta["rng"]!["actionNoise"])!.State;
            _actionNoise.Validate();
        }

        Steps = meta["steps"]!.GetValue<long>();
        Episodes = meta["episodes"]!.GetValue<int>();
        Agent.RestoreUpdates(meta["updates"]!.GetValue<long>());
        _evalEnvSeeded = meta["evalEnvSeeded"]!.GetValue<bool>();
        copies.Returns.CopyTo(_episodeReturn, 0);
        copies.Lengths.CopyTo(_episodeLength, 0);
        _started = Steps > 0;
        // A state from before vectorized environments could be saved between an episode's end and the next reset.
        _pendingReset = copies.NeedsReset && _started;
        _trainingTicks = (long)(meta["trainingSeconds"]!.GetValue<double>() * System.Diagnostics.Stopwatch.Frequency);
        var rng = meta["rng"]!;
        _exploration.State = EnvironmentState.RestoreRng(rng["exploration"])!.State;
        _replaySampling.State = EnvironmentState.RestoreRng(rng["replay"])!.State;
        _updateNoise.State = EnvironmentState.RestoreRng(rng["updateNoise"])!.State;
        if (_env is not IStatefulEnvironment stateful)
            throw new NotSupportedException($"{_env.Id}'s vector environment does not implement IStatefulEnvironment, so its state cannot be restored.");
        stateful.RestoreState(copies.Environments);
        _evalEnv.RestoreState((JsonObject)meta["evaluationEnvironment"]!);
        RestoreMetrics(meta["lastUpdate"] as JsonObject);
        LastEvaluation = meta["lastEvaluation"].Deserialize<EvaluationReport>(s_json);
        BestEvaluation = meta["bestEvaluation"].Deserialize<EvaluationReport>(s_json);

        // NOTE: the tensors can only be checked once read. A non-finite weight, moment or transition would poison every
        // later update, so the checkpoint is refused (this trainer is then unusable: build a new one).
        foreach (var (name, parameters, optimizer) in Agent.ParameterSets)
        {
            RequireFinite(parameters.Values, $"params.{name}");
            if (optimizer is not null)
            {
                RequireFinite(optimizer.FirstMoments, $"adam.{name}.m");
                RequireFinite(optimizer.SecondMoments, $"adam.{name}.v");
            }
        }
        RequireFinite(obs.AsSpan(0, n * o), "replay.observations");
        RequireFinite(actions.AsSpan(0, n * a), "replay.actions");
        RequireFinite(rewards.AsSpan(0, n), "replay.rewards");
        RequireFinite(next.AsSpan(0, n * o), "replay.next_observations");
        RequireFinite(_observation, "trainer.observation");
        foreach (float d in terminated.AsSpan(0, n))
            if (d is not (0f or 1f))
                throw new CheckpointException($"The checkpoint's replay.terminated holds {d}; a transition's flag is 0 or 1.");
    }

    /// <summary>The last update's metrics by name (NaN as "NaN").</summary>
    private static JsonObject SaveMetrics(UpdateMetrics metrics)
    {
        var json = new JsonObject();
        for (int i = 0; i < metrics.Names.Count; i++)
            json[metrics.Names[i]] = JsonSerializer.SerializeToNode(metrics.Values[i], s_json);
        return json;
    }

    /// <summary>
    /// The field names under which checkpoints before metrics were recorded by name (a positional record) held the
    /// last update's statistics, and the metrics they are.
    /// </summary>
    private static readonly Dictionary<string, string> s_metricsBeforeNames = new(StringComparer.Ordinal)
    {
        ["CriticLoss"] = "train/critic_loss", ["ActorLoss"] = "train/actor_loss", ["ValueLoss"] = "train/value_loss",
        ["AlphaLoss"] = "train/ent_coef_loss", ["Alpha"] = "train/ent_coef", ["MeanLogProb"] = "train/log_prob_mean", ["MeanQ"] = "train/q_mean",
    };

    private void RestoreMetrics(JsonObject? saved)
    {
        _lastUpdate.Clear();
        if (saved is null)
            return;
        foreach (var (key, node) in saved)
        {
            string name = s_metricsBeforeNames.GetValueOrDefault(key, key);
            _lastUpdate.Set(name, node.Deserialize<double>(s_json));
        }
    }

    private static void RequireFinite(ReadOnlySpan<float> values, string name)
    {
        if (!System.Numerics.Tensors.TensorPrimitives.IsFiniteAll(values))
            throw new CheckpointException($"The checkpoint's {name} holds a NaN or infinite value; training from it would poison every update.");
    }

    /// <summary>The per-copy part of a saved state, in today's form: a state from before vectorized environments held one
    /// copy's return, length, reset flag and environment under other keys.</summary>
    private sealed record SavedCopies(double[] Returns, int[] Lengths, bool NeedsReset, JsonObject Environments);

    private SavedCopies ReadCopies(JsonObject meta)
    {
        int copies = meta["copies"]?.GetValue<int>() ?? 1;
        if (copies != _copies)
            throw new CheckpointException($"The checkpoint steps {copies} environment copies; this run has {_copies}.");
        if (meta["episodeReturns"] is JsonArray)
        {
            var returns = meta["episodeReturns"].Deserialize<double[]>(s_json)!;
            var lengths = meta["episodeLengths"].Deserialize<int[]>(s_json)!;
            if (returns.Length != copies || lengths.Length != copies)
                throw new CheckpointException($"The checkpoint's episode counters cover {returns.Length} and {lengths.Length} copies, not {copies}.");
            return new SavedCopies(returns, lengths, false, meta["environments"] as JsonObject ?? throw new CheckpointException("The checkpoint holds no environment states."));
        }
        var single = (JsonObject)meta["environment"]!.DeepClone();
        return new SavedCopies([meta["episodeReturn"]!.GetValue<double>()], [meta["episodeLength"]!.GetValue<int>()],
            meta["needsReset"]!.GetValue<bool>(), new JsonObject { ["copies"] = new JsonArray(single) });
    }

    /// <summary>
    /// A checksum proves a file intact, not sensible: a state resealed by hand could hold counters no run ever had. Each
    /// counter is checked against its range and against the others, by the rules <see cref="StepUntimed"/> follows.
    /// </summary>
    private void CheckCounters(JsonObject meta, SavedCopies copies)
    {
        long steps = meta["steps"]!.GetValue<long>();
        int episodes = meta["episodes"]!.GetValue<int>();
        long updates = meta["updates"]!.GetValue<long>();
        int count = meta["replayCount"]!.GetValue<int>(), position = meta["replayPosition"]!.GetValue<int>();
        double seconds = meta["trainingSeconds"]!.GetValue<double>();
        void Require(bool condition, string what)
        {
            if (!condition)
                throw new CheckpointException($"The checkpoint's state is impossible: {what}.");
        }
        Require(steps >= 0, $"steps = {steps} is negative");
        // Every loop step steps every copy and stores one transition per copy in the ring.
        Require(steps % _copies == 0, $"{steps} steps is not a whole number of steps of {_copies} copies");
        Require(count == Math.Min(steps, _replay.Capacity), $"the replay holds {count} transitions after {steps} steps (capacity {_replay.Capacity})");
        Require(position == steps % _replay.Capacity, $"the replay's position {position} does not follow {steps} steps");
        Require(episodes >= 0 && episodes <= steps, $"episodes = {episodes} for {steps} steps");
        long lengths = 0;
        for (int i = 0; i < _copies; i++)
        {
            int length = copies.Lengths[i];
            // Each finished episode took at least one step, and a copy's current episode no more than the copy's steps.
            Require(length >= 0 && length <= steps / _copies, $"copy {i}'s current episode length {length} after {steps / _copies} steps");
            Require(double.IsFinite(copies.Returns[i]), $"copy {i}'s episode return {copies.Returns[i]}");
            lengths += length;
        }
        Require(lengths <= steps - episodes, $"current episodes of {lengths} steps after {steps} steps and {episodes} episodes");
        // Before vectorized environments: a step that ended an episode set needsReset and zeroed the length.
        Require(meta["episodeReturns"] is JsonArray || copies.NeedsReset == (copies.Lengths[0] == 0), $"needsReset = {copies.NeedsReset} with an episode of length {copies.Lengths[0]}");
        Require(updates == ExpectedUpdates(steps), $"{updates} updates after {steps} steps, where the options give {ExpectedUpdates(steps)}");
        Require(double.IsFinite(seconds) && seconds >= 0, $"trainingSeconds = {seconds}");
        foreach (var (name, _, optimizer) in Agent.ParameterSets)
        {
            if (optimizer is null)
                continue;
            long adam = meta["adamSteps"]![name]!.GetValue<long>();
            Require(adam >= 0 && adam <= updates, $"Adam of '{name}' took {adam} steps in {updates} updates");
        }
        foreach (var key in new[] { "lastEvaluation", "bestEvaluation" })
        {
            var report = meta[key].Deserialize<EvaluationReport>(s_json);
            Require(report is null || (report.Step >= 0 && report.Step <= steps && double.IsFinite(report.MeanReturn)), $"the {key} at step {report?.Step} of {steps}");
        }
        if (_actionNoise is not null)
        {
            var positions = meta["actionNoisePositions"].Deserialize<int[]>(s_json);
            Require(positions?.Length == _copies, "the action noise's state is missing or covers other copies");
        }
    }

    /// <summary>Updates the loop makes in its first <paramref name="steps"/> environment steps: at the end of each round r
    /// (r loop steps of every copy, r·N environment steps) with r·N ≥ <see cref="SacOptions.LearningStarts"/> and r
    /// divisible by <see cref="SacOptions.TrainFrequency"/>, <see cref="UpdatesPerRound"/> updates.</summary>
    private long ExpectedUpdates(long steps)
    {
        long rounds = steps / _copies;
        long first = Math.Max((SacOptions.LearningStarts + _copies - 1) / _copies, 1);
        if (rounds < first)
            return 0;
        long frequency = SacOptions.TrainFrequency;
        long due = rounds / frequency - (first - 1) / frequency;
        return due * UpdatesPerRound;
    }
}
