using System.Numerics;
using Sac.Autodiff;
using Sac.Kernels;
using Sac.Kernels.Threading;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Sac.Core.Algorithms;

/// <summary>
/// One step of an update, as an algorithm declares it. A <em>sharded</em> phase computes a loss on every shard of the
/// batch (forward and backward on the shard's own tape and gradient buffers), then the runner sums the shards' gradients
/// in shard order and steps the optimizers of <see cref="Trains"/>. A <em>serial</em> phase runs once, on the calling
/// thread, after the phases before it (a Polyak average, a temperature step).
/// </summary>
public sealed class Phase<T, TNets> where T : unmanaged, IFloatingPointIeee754<T>
{
    private Phase(string name, IReadOnlyList<ParameterSet<T>> trains, Func<ShardPass<T, TNets>, Tensor<T>>? loss, Action<UpdateStep<T>>? step, Func<long, bool>? runsAt)
    {
        Name = name;
        Trains = trains;
        Loss = loss;
        Step = step;
        RunsAt = runsAt;
    }

    /// <summary>A sharded phase: <paramref name="loss"/> on each shard's rows, whose gradient trains <paramref name="trains"/>.
    /// With several sets, every gradient is checked before any set is stepped (one NaN leaves them all unchanged).</summary>
    public static Phase<T, TNets> Sharded(string name, IReadOnlyList<ParameterSet<T>> trains, Func<ShardPass<T, TNets>, Tensor<T>> loss, Func<long, bool>? runsAt = null)
    {
        if (trains.Any(p => !p.IsTrained))
            throw new ArgumentException($"Phase {name} trains a target set; targets only move by Polyak averaging.", nameof(trains));
        return new(name, trains, loss, null, runsAt);
    }

    /// <summary>A serial phase: <paramref name="step"/> once, on the calling thread.</summary>
    public static Phase<T, TNets> Serial(string name, Action<UpdateStep<T>> step, Func<long, bool>? runsAt = null) => new(name, [], null, step, runsAt);

    /// <summary>Its name, for messages.</summary>
    public string Name { get; }

    /// <summary>The parameter sets a sharded phase steps.</summary>
    public IReadOnlyList<ParameterSet<T>> Trains { get; }

    /// <summary>The loss of one shard (null for a serial phase).</summary>
    public Func<ShardPass<T, TNets>, Tensor<T>>? Loss { get; }

    /// <summary>The serial step (null for a sharded phase).</summary>
    public Action<UpdateStep<T>>? Step { get; }

    /// <summary>Whether the phase runs in the update of this 0-based index (null: in every update). TD3's delayed actor.</summary>
    public Func<long, bool>? RunsAt { get; }
}

/// <summary>What a sharded phase's loss sees on one shard: its rows of the batch, its tape, its networks (over its own
/// gradient buffers) and 1/B for the whole batch (each loss is its rows' sum scaled by 1/B, so the shards' losses and
/// gradients add up to the batch's).</summary>
public sealed class ShardPass<T, TNets> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Metric[] _metrics;

    internal ShardPass(Tape<T> tape, TNets networks, Metric[] metrics)
    {
        Tape = tape;
        Networks = networks;
        _metrics = metrics;
        Sums = new double[metrics.Length];
    }

    /// <summary>The shard's tape (reset at the start of every update; a phase's backward pass starts from its own loss).</summary>
    public Tape<T> Tape { get; }

    /// <summary>The networks this shard trains through.</summary>
    public TNets Networks { get; }

    /// <summary>This shard's rows of the batch.</summary>
    public SacBatch<T> Rows { get; internal set; } = null!;

    /// <summary>1/B of the whole batch.</summary>
    public T InverseBatchSize { get; internal set; }

    /// <summary>What this shard recorded in the current update, aligned with the algorithm's metrics.</summary>
    internal double[] Sums { get; }

    /// <summary>Records <paramref name="metric"/> (one the algorithm declared) as the sum of <paramref name="value"/>'s
    /// elements (a loss is 1 × 1).</summary>
    public void Record(Metric metric, Tensor<T> value) => Sums[SlotOf(_metrics, metric)] = double.CreateChecked(TensorPrimitives.Sum<T>(value.Span));

    /// <summary><paramref name="metric"/>'s position in <paramref name="metrics"/>; an exception if it is not there.</summary>
    internal static int SlotOf(Metric[] metrics, Metric metric)
    {
        int slot = Array.IndexOf(metrics, metric);
        return slot >= 0 ? slot : throw new KeyNotFoundException($"The algorithm does not declare the metric '{metric.Name}'.");
    }
}

/// <summary>What a serial phase sees: the calling thread's tape, the batch size, what the shards recorded so far, and
/// the update's metrics to set.</summary>
public sealed class UpdateStep<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Func<Metric, double> _sum;

    internal UpdateStep(Tape<T> tape, UpdateMetrics metrics, Func<Metric, double> sum)
    {
        Tape = tape;
        Metrics = metrics;
        _sum = sum;
    }

    /// <summary>The tape of the calling thread (shard 0's).</summary>
    public Tape<T> Tape { get; }

    /// <summary>The batch size B.</summary>
    public int BatchSize { get; internal set; }

    /// <summary>The update's whole batch (a serial step that needs the states, such as a fresh policy sample).</summary>
    public SacBatch<T> Batch { get; internal set; } = null!;

    /// <summary>The update's metrics.</summary>
    public UpdateMetrics Metrics { get; }

    /// <summary><paramref name="metric"/> summed over the shards that recorded it in this update, in shard order.</summary>
    public double Sum(Metric metric) => _sum(metric);
}

/// <summary>The runner as <see cref="Algorithm{T}"/> holds it, whatever its networks' type.</summary>
internal interface IUpdateRunner<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    UpdateMetrics Metrics { get; }

    UpdateMetrics Run(SacBatch<T> batch, long update);
}

/// <summary>
/// Runs any algorithm's phases over the shards of a batch. This is where threads, shards and the worker pool live; the
/// algorithms name none of them.
/// <para>
/// Data parallelism: an update's batch is split into <see cref="Shards"/> row shards. Each shard runs a phase's whole
/// forward and backward pass on its own rows, with its own tape and its own gradient buffers over the one set of
/// parameter values, and the shards' gradients are then summed in shard order. The split depends on the batch size only,
/// never on the thread count, so one thread (running the shards one after another) and two threads (one shard each) do
/// the same arithmetic in the same order: bitwise-identical results.
/// </para>
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
/// <typeparam name="TNets">The algorithm's record of the networks one shard trains.</typeparam>
public sealed class UpdateRunner<T, TNets> : IUpdateRunner<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Row shards an update's batch is split into (fewer for a batch of one). Part of the arithmetic: every loss
    /// is a sum over shards of per-shard sums scaled by 1/B, and every gradient a sum of the shards' gradients.</summary>
    public const int Shards = UpdateSharding.Shards;

    private readonly SacOptions _options;
    private readonly Shard[] _shards;
    private readonly Phase<T, TNets>[] _phases;
    private readonly Metric[] _metrics;
    private readonly UpdateStep<T> _step;
    private readonly ShardJob _job;
    private readonly double[] _norms;
    private SacBatch<T>? _viewsOf;

    /// <summary>
    /// Prepares the shards: shard 0 trains through <paramref name="own"/> (the algorithm's networks) on
    /// <paramref name="tape"/>; every other shard through <paramref name="viewsOver"/>'s networks, built over views of each
    /// trained set of <paramref name="parameterSets"/> with gradient buffers of their own.
    /// </summary>
    public UpdateRunner(SacOptions options, Tape<T> tape, IReadOnlyList<ParameterSet<T>> parameterSets, IReadOnlyList<Metric> metrics,
        TNets own, Func<Func<FlatParameters<T>, FlatParameters<T>>, TNets> viewsOver, IReadOnlyList<Phase<T, TNets>> phases)
    {
        _options = options;
        _phases = phases.ToArray();
        _metrics = metrics.ToArray();
        Metrics = new UpdateMetrics(_metrics.Select(m => m.Name).ToList());
        var trained = parameterSets.Where(p => p.IsTrained).ToArray();
        _shards = new Shard[Shards];
        _shards[0] = new Shard(new ShardPass<T, TNets>(tape, own, _metrics), trained.ToDictionary(p => p, p => p.Parameters));
        for (int i = 1; i < Shards; i++)
        {
            var views = trained.ToDictionary(p => p, p => p.Parameters.WithOwnGradients());
            var byPrimary = views.ToDictionary(v => v.Key.Parameters, v => v.Value);
            var networks = viewsOver(primary => byPrimary.TryGetValue(primary, out var view) ? view
                : throw new InvalidOperationException("A shard's networks may only be built over the algorithm's trained parameter sets."));
            _shards[i] = new Shard(new ShardPass<T, TNets>(new Tape<T>(), networks, _metrics), views);
        }
        _norms = new double[Math.Max(1, phases.Max(p => p.Trains.Count))];
        _step = new UpdateStep<T>(tape, Metrics, ShardSum);
        _job = new ShardJob(this);
    }

    /// <summary>The metrics of the last update (refilled by the next).</summary>
    public UpdateMetrics Metrics { get; }

    /// <summary>Runs every phase due in update <paramref name="update"/> (0-based) on <paramref name="batch"/>.</summary>
    public UpdateMetrics Run(SacBatch<T> batch, long update)
    {
        SplitRows(batch);
        Metrics.Clear();
        // One tape lifetime per update, not per phase: the arena then sees the same sequence of buffers every update
        // and reuses them all (rewinding it between phases would hand each phase the other's buffers and reallocate).
        foreach (var shard in _shards)
        {
            shard.Pass.Tape.Reset();
            shard.Pass.Sums.AsSpan().Fill(double.NaN);
        }
        _step.BatchSize = batch.Size;
        _step.Batch = batch;
        foreach (var phase in _phases)
        {
            if (phase.RunsAt is { } runsAt && !runsAt(update))
                continue;
            if (phase.Step is { } serial)
            {
                serial(_step);
                continue;
            }
            RunShards(phase, T.One / T.CreateChecked(batch.Size));
            // Every trained set's summed gradient is checked before any is stepped: a NaN anywhere moves no weight.
            for (int i = 0; i < phase.Trains.Count; i++)
                _norms[i] = phase.Trains[i].Optimizer!.EnsureFinite(SumShardGradients(phase.Trains[i]));
            for (int i = 0; i < phase.Trains.Count; i++)
                phase.Trains[i].Optimizer!.ApplyChecked(_norms[i]);
        }
        for (int slot = 0; slot < _metrics.Length; slot++)
        {
            var metric = _metrics[slot];
            if (!double.IsNaN(Metrics.Values[slot]))
                continue; // set by a serial phase
            double sum = ShardSum(metric);
            Metrics.Set(metric, metric.Reduction == MetricReduction.BatchMean ? sum / batch.Size : sum);
        }
        return Metrics;
    }

    /// <summary>Row views of a new batch object, made once per batch (the trainer reuses one: no allocation per update).</summary>
    private void SplitRows(SacBatch<T> batch)
    {
        if (ReferenceEquals(batch, _viewsOf))
            return;
        int shards = Math.Min(Shards, batch.Size);
        int start = 0;
        for (int i = 0; i < Shards; i++)
        {
            int rows = i < shards ? (batch.Size - start) / (shards - i) : 0;
            _shards[i].Pass.Rows = rows > 0 ? batch.RowsView(start, rows) : null!;
            _shards[i].Active = rows > 0;
            start += rows;
        }
        _viewsOf = batch;
    }

    /// <summary>Runs <paramref name="phase"/> on every shard, over up to <see cref="SacOptions.Threads"/> threads (each
    /// shard on one), and returns when all are done.</summary>
    private void RunShards(Phase<T, TNets> phase, T inverseBatchSize)
    {
        _job.Set(phase, inverseBatchSize);
        int active = 0;
        foreach (var shard in _shards)
            active += shard.Active ? 1 : 0;
        _job.Run(Shards, Math.Min(active, _options.Threads));
    }

    /// <summary>One phase on one shard: its gradients zeroed (deferred), forward, backward into its own buffers.</summary>
    private static void RunPhase(Shard shard, Phase<T, TNets> phase, T inverseBatchSize)
    {
        var pass = shard.Pass;
        pass.InverseBatchSize = inverseBatchSize;
        // NOTE: index loops over the phase's lists, here and below: a foreach over an IReadOnlyList allocates an enumerator.
        for (int i = 0; i < phase.Trains.Count; i++)
            shard.Gradients[phase.Trains[i]].ZeroGrad();
        var loss = phase.Loss!(pass);
        pass.Tape.Backward(loss);
    }

    /// <summary>
    /// Adds every other shard's gradient into shard 0's (the algorithm's own) buffer for <paramref name="set"/>, in shard
    /// order, and returns the summed gradient's Σg², computed in the same pass (what the optimizer checks and clips with),
    /// over up to <see cref="SacOptions.Threads"/> threads in fixed chunks (bitwise the same for any thread count).
    /// </summary>
    private double SumShardGradients(ParameterSet<T> set)
    {
        var total = set.Parameters.Grads;
        // A batch of one row has one shard: nothing to add, the norm in a pass of its own.
        if (!_shards[1].Active)
            return double.CreateChecked(TensorPrimitives.SumOfSquares<T>(total));
        double sumOfSquares = 0;
        for (int i = 1; i < Shards && _shards[i].Active; i++)
            sumOfSquares = OptimizerKernels.AddSumOfSquares<T>(total, _shards[i].Gradients[set].Grads, _options.Threads);
        return sumOfSquares;
    }

    /// <summary>A metric summed over the shards that recorded it, in shard order (NaN when none did).</summary>
    private double ShardSum(Metric metric)
    {
        int slot = ShardPass<T, TNets>.SlotOf(_metrics, metric);
        double sum = 0;
        bool any = false;
        foreach (var shard in _shards)
        {
            double value = shard.Pass.Sums[slot];
            if (!shard.Active || double.IsNaN(value))
                continue;
            sum += value;
            any = true;
        }
        return any ? sum : double.NaN;
    }

    /// <summary>One shard: what its passes see, and its gradient buffer of each trained set.</summary>
    private sealed class Shard(ShardPass<T, TNets> pass, Dictionary<ParameterSet<T>, FlatParameters<T>> gradients)
    {
        public ShardPass<T, TNets> Pass { get; } = pass;
        public Dictionary<ParameterSet<T>, FlatParameters<T>> Gradients { get; } = gradients;
        public bool Active;
    }

    /// <summary>
    /// The worker-pool job of <see cref="RunShards"/>: a shard is a chunk, and every thread claims shards until none are
    /// left (<see cref="ChunkedJob"/>), so a thread that starts late (its core busy) takes fewer, and the calling thread
    /// never idles while a shard waits (one job object, reused). Which thread runs a shard never changes a bit: each
    /// shard has its own tape and gradient buffers.
    /// </summary>
    private sealed class ShardJob(UpdateRunner<T, TNets> runner) : ChunkedJob
    {
        private Phase<T, TNets> _phase = null!;
        private T _inverseBatchSize;

        public void Set(Phase<T, TNets> phase, T inverseBatchSize) => (_phase, _inverseBatchSize) = (phase, inverseBatchSize);

        protected override void RunChunk(int chunk)
        {
            if (runner._shards[chunk].Active)
                RunPhase(runner._shards[chunk], _phase, _inverseBatchSize);
        }
    }
}

/// <summary>How an update splits its batch, declared once.</summary>
public static class UpdateSharding
{
    /// <summary>Row shards per update: 2, the cores of the machines this project runs on (docs/architecture.md).</summary>
    public const int Shards = 2;
}
