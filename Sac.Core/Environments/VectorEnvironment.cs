using System.Diagnostics;
using System.Text.Json.Nodes;
using Sac.Kernels.Threading;

namespace Sac.Core.Environments;

/// <summary>
/// <see cref="IVectorEnvironment"/> over separate <see cref="IEnvironment"/> instances (SB3's DummyVecEnv, Gymnasium's
/// SyncVectorEnv), each behind a <see cref="CheckedEnvironment"/>. With more than one thread the copies are stepped over
/// <see cref="WorkerPool"/> when that pays: the first <see cref="TimedSteps"/> steps run on the calling thread and are
/// timed, and stepping goes parallel only if one copy's step took at least <see cref="ParallelThreshold"/> on average
/// (a MuJoCo step, not a Pendulum one, whose few nanoseconds would drown in the hand-off). The copies share nothing, so
/// the results are the same bitwise either way. Stepping allocates nothing.
/// </summary>
public sealed class VectorEnvironment : IVectorEnvironment, IStatefulEnvironment
{
    /// <summary>Steps timed on the calling thread before deciding whether stepping in parallel pays.</summary>
    public const int TimedSteps = 32;

    /// <summary>The mean time of one copy's step from which stepping in parallel pays.</summary>
    public static readonly TimeSpan ParallelThreshold = TimeSpan.FromMicroseconds(10);

    private readonly CheckedEnvironment[] _copies;
    private readonly StepJob _job;
    private readonly int _threads;
    private long _timedTicks;
    private int _timedSteps;

    /// <summary>Steps <paramref name="copies"/> (distinct instances of one task) together, on up to <paramref name="threads"/> threads.</summary>
    public VectorEnvironment(IReadOnlyList<IEnvironment> copies, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(copies);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        if (copies.Count == 0)
            throw new ArgumentException("A vector environment needs at least one copy.", nameof(copies));
        _copies = new CheckedEnvironment[copies.Count];
        for (int i = 0; i < copies.Count; i++)
        {
            var copy = copies[i] ?? throw new ArgumentException($"Copy {i} is null.", nameof(copies));
            for (int j = 0; j < i; j++)
                if (ReferenceEquals(copy, copies[j]) || ReferenceEquals(Unwrap(copy), Unwrap(copies[j])))
                    throw new ArgumentException($"Copies {j} and {i} are the same instance: each copy needs its own.", nameof(copies));
            _copies[i] = copy as CheckedEnvironment ?? new CheckedEnvironment(copy);
        }
        var first = _copies[0];
        foreach (var copy in _copies)
            if (copy.Id != first.Id || !copy.ObservationSpace.SameAs(first.ObservationSpace) || !copy.ActionSpace.SameAs(first.ActionSpace))
                throw new ArgumentException($"Every copy must be the same task: {copy.Id} differs from {first.Id} in its id or spaces.", nameof(copies));
        _threads = threads;
        _job = new StepJob(_copies);
    }

    /// <summary><paramref name="copies"/> fresh instances of the registered environment <paramref name="id"/>
    /// (<see cref="EnvironmentRegistry.Create"/>), stepped on up to <paramref name="threads"/> threads.</summary>
    public static VectorEnvironment Create(string id, int copies, int threads = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(copies, 1);
        var environments = new IEnvironment[copies];
        for (int i = 0; i < copies; i++)
            environments[i] = EnvironmentRegistry.Create(id);
        return new VectorEnvironment(environments, threads);
    }

    /// <inheritdoc/>
    public string Id => _copies[0].Id;

    /// <inheritdoc/>
    public int Count => _copies.Length;

    /// <inheritdoc/>
    public Box ObservationSpace => _copies[0].ObservationSpace;

    /// <inheritdoc/>
    public Box ActionSpace => _copies[0].ActionSpace;

    /// <summary>Copy <paramref name="index"/>, as stepped (behind its <see cref="CheckedEnvironment"/>).</summary>
    public CheckedEnvironment this[int index] => _copies[index];

    /// <summary>True once timing showed that stepping the copies in parallel pays (see the class remarks).</summary>
    public bool SteppingInParallel { get; private set; }

    /// <summary>Test hook: step in parallel from now on, whatever the timing would decide (results must not change).</summary>
    internal void StepInParallelForTesting() => SteppingInParallel = true;

    /// <inheritdoc/>
    public void Reset(Span<float> observations, int? seed = null)
    {
        int o = ObservationSpace.Dimension;
        CheckRows(observations, o, nameof(observations));
        for (int i = 0; i < Count; i++)
            _copies[i].Reset(observations.Slice(i * o, o), seed is int s ? CopySeed(s, i) : null);
    }

    /// <summary>Resets copy <paramref name="copy"/> alone (a run restored from a checkpoint written between an episode's
    /// end and the next reset does this first).</summary>
    public void ResetCopy(int copy, Span<float> observation, int? seed = null) => _copies[copy].Reset(observation, seed);

    /// <summary>Copy <paramref name="copy"/>'s seed for a vector reset with <paramref name="seed"/>: seed + copy, wrapped
    /// into the non-negative ints.</summary>
    public static int CopySeed(int seed, int copy) => (int)(((long)seed + copy) % ((long)int.MaxValue + 1));

    /// <inheritdoc/>
    public void Step(ReadOnlySpan<float> actions, Span<float> observations, Span<float> finalObservations, Span<StepResult> results)
    {
        int o = ObservationSpace.Dimension, a = ActionSpace.Dimension;
        CheckRows(actions, a, nameof(actions));
        CheckRows(observations, o, nameof(observations));
        CheckRows(finalObservations, o, nameof(finalObservations));
        if (results.Length != Count)
            throw new ArgumentException($"{Id}: {Count} copies need {Count} results, got a span of {results.Length}.", nameof(results));
        if (!SteppingInParallel)
        {
            bool timing = _threads > 1 && Count > 1 && _timedSteps < TimedSteps;
            long start = timing ? Stopwatch.GetTimestamp() : 0;
            for (int i = 0; i < Count; i++)
                results[i] = StepCopy(_copies[i], actions.Slice(i * a, a), observations.Slice(i * o, o), finalObservations.Slice(i * o, o));
            if (timing)
                Time(Stopwatch.GetTimestamp() - start);
            return;
        }
        _job.Begin(actions, observations.Length);
        _job.Run(Count, _threads);
        _job.End(observations, finalObservations, results);
    }

    private void Time(long ticks)
    {
        _timedTicks += ticks;
        if (++_timedSteps < TimedSteps)
            return;
        double perCopy = (double)_timedTicks / Stopwatch.Frequency / (TimedSteps * (double)Count);
        SteppingInParallel = perCopy >= ParallelThreshold.TotalSeconds;
    }

    /// <summary>One copy's step, with SB3's reset on the spot: on an episode's end the true s′ goes to
    /// <paramref name="final"/> and <paramref name="observation"/> gets the new episode's first observation.</summary>
    private static StepResult StepCopy(CheckedEnvironment copy, ReadOnlySpan<float> action, Span<float> observation, Span<float> final)
    {
        var result = copy.Step(action, observation);
        if (result.Terminated || result.Truncated)
        {
            observation.CopyTo(final);
            // NOTE: unseeded: after its first reset a copy continues its own stream (Gymnasium's convention).
            copy.Reset(observation);
        }
        return result;
    }

    private void CheckRows(ReadOnlySpan<float> span, int width, string name)
    {
        if (span.Length != Count * width)
            throw new ArgumentException($"{Id}: {Count} copies × {width} values need a span of {Count * width}, got {span.Length}.", name);
    }

    /// <inheritdoc/>
    public JsonObject SaveState()
    {
        var copies = new JsonArray();
        foreach (var copy in _copies)
            copies.Add(copy.SaveState());
        return new JsonObject { ["copies"] = copies };
    }

    /// <inheritdoc/>
    public void RestoreState(JsonObject state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state["copies"] is not JsonArray copies || copies.Count != Count)
            throw new EnvironmentException($"{Id}: the saved state holds {(state["copies"] as JsonArray)?.Count.ToString() ?? "no"} copies, this run has {Count}.");
        for (int i = 0; i < Count; i++)
            _copies[i].RestoreState(copies[i] as JsonObject ?? throw new EnvironmentException($"{Id}: the saved state of copy {i} is not an object."));
    }

    private static IEnvironment Unwrap(IEnvironment environment) =>
        environment is CheckedEnvironment checkedEnvironment ? checkedEnvironment.Inner : environment;

    /// <summary>Steps the copies over the worker pool: each chunk is one copy, writing its own rows of the job's buffers.</summary>
    private sealed class StepJob(CheckedEnvironment[] copies) : ChunkedJob
    {
        private readonly int _o = copies[0].ObservationSpace.Dimension;
        private readonly int _a = copies[0].ActionSpace.Dimension;
        private readonly float[] _actions = new float[copies.Length * copies[0].ActionSpace.Dimension];
        private readonly float[] _observations = new float[copies.Length * copies[0].ObservationSpace.Dimension];
        private readonly float[] _finals = new float[copies.Length * copies[0].ObservationSpace.Dimension];
        private readonly bool[] _finished = new bool[copies.Length];
        private readonly StepResult[] _results = new StepResult[copies.Length];

        public void Begin(ReadOnlySpan<float> actions, int observations)
        {
            actions.CopyTo(_actions);
            Debug.Assert(observations == _observations.Length);
        }

        protected override void RunChunk(int chunk)
        {
            var result = StepCopy(copies[chunk], _actions.AsSpan(chunk * _a, _a), _observations.AsSpan(chunk * _o, _o), _finals.AsSpan(chunk * _o, _o));
            _results[chunk] = result;
            _finished[chunk] = result.Terminated || result.Truncated;
        }

        public void End(Span<float> observations, Span<float> finals, Span<StepResult> results)
        {
            _observations.CopyTo(observations);
            for (int i = 0; i < copies.Length; i++)
            {
                results[i] = _results[i];
                if (_finished[i])
                    _finals.AsSpan(i * _o, _o).CopyTo(finals.Slice(i * _o, _o));
            }
        }
    }
}
