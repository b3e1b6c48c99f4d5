using System.Numerics;
using Sac.Core.Algorithms;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Sac.Core.Replay;

/// <summary>
/// The replay buffer 𝒟: a preallocated ring of transitions (s, a, r, s′, d) stored as struct-of-arrays float buffers,
/// sampled uniformly with a seeded <see cref="Rng"/> into a preallocated <see cref="SacBatch{T}"/> (no allocation per sample).
/// When full, the oldest transition is overwritten.
/// </summary>
/// <remarks>
/// With several environment copies (<see cref="Streams"/> N) a step stores N transitions, copy 0 first, so the transition
/// that follows slot i in the same copy's stream is slot i + N (mod capacity). n-step targets are built at sampling time
/// from the stored one-step transitions, as SB3's NStepReplayBuffer does: nothing about n is stored.
/// </remarks>
public sealed class ReplayBuffer
{
    private readonly float[] _observations;
    private readonly float[] _actions;
    private readonly float[] _rewards;
    private readonly float[] _nextObservations;
    private readonly float[] _terminated;
    private readonly float[] _episodeEnds;

    /// <summary>Allocates room for <paramref name="capacity"/> transitions (the memory is not touched until written).</summary>
    /// <param name="capacity">Transitions held at most.</param>
    /// <param name="observationSize">dim(S).</param>
    /// <param name="actionSize">dim(A).</param>
    /// <param name="streams">How many environment copies add their transitions in turn, one each per step (see remarks).</param>
    public ReplayBuffer(int capacity, int observationSize, int actionSize, int streams = 1)
    {
        if (capacity < 1 || observationSize < 1 || actionSize < 1 || streams < 1)
            throw new ArgumentOutOfRangeException(nameof(capacity), $"Capacity, observation and action sizes and streams must be positive, got {capacity}, {observationSize}, {actionSize}, {streams}.");
        Streams = streams;
        Capacity = capacity;
        ObservationSize = observationSize;
        ActionSize = actionSize;
        _observations = GC.AllocateUninitializedArray<float>(checked(capacity * observationSize));
        _actions = GC.AllocateUninitializedArray<float>(checked(capacity * actionSize));
        _rewards = GC.AllocateUninitializedArray<float>(capacity);
        _nextObservations = GC.AllocateUninitializedArray<float>(checked(capacity * observationSize));
        _terminated = GC.AllocateUninitializedArray<float>(capacity);
        _episodeEnds = GC.AllocateUninitializedArray<float>(capacity);
    }

    /// <summary>Environment copies whose transitions are interleaved, one each per step.</summary>
    public int Streams { get; }

    /// <summary>Maximum number of transitions held.</summary>
    public int Capacity { get; }

    /// <summary>dim(S).</summary>
    public int ObservationSize { get; }

    /// <summary>dim(A).</summary>
    public int ActionSize { get; }

    /// <summary>Transitions currently held (≤ <see cref="Capacity"/>).</summary>
    public int Count { get; private set; }

    /// <summary>The slot the next transition is written to.</summary>
    public int Position { get; private set; }

    /// <summary>
    /// Stores one transition. <paramref name="action"/> is in the policy's [−1, 1] space.
    /// CRUCIAL: <paramref name="nextObservation"/> is the true s′ returned by the step, also when the episode was truncated
    /// (never the observation of the next episode's reset), and <paramref name="terminated"/> is true only for a real
    /// terminal state: a time-limit truncation stores d = 0, so the target still bootstraps from V(s′).
    /// <paramref name="truncated"/> says the episode ended there by a time limit: an n-step return stops at either end.
    /// Non-finite values are refused with an <see cref="ArgumentException"/> (they would poison every later update).
    /// </summary>
    public void Add(ReadOnlySpan<float> observation, ReadOnlySpan<float> action, float reward, ReadOnlySpan<float> nextObservation, bool terminated, bool truncated = false)
    {
        if (observation.Length != ObservationSize || nextObservation.Length != ObservationSize || action.Length != ActionSize)
            throw new ArgumentException($"A transition needs observations of {ObservationSize} and an action of {ActionSize} values; got {observation.Length}, {nextObservation.Length} and {action.Length}.");
        if (!TensorPrimitives.IsFiniteAll(observation) || !TensorPrimitives.IsFiniteAll(nextObservation) || !TensorPrimitives.IsFiniteAll(action) || !float.IsFinite(reward))
            throw new ArgumentException($"Refusing a transition with a NaN or infinite value (reward {reward}); the replay buffer is unchanged.");
        int i = Position;
        observation.CopyTo(_observations.AsSpan(i * ObservationSize, ObservationSize));
        action.CopyTo(_actions.AsSpan(i * ActionSize, ActionSize));
        _rewards[i] = reward;
        nextObservation.CopyTo(_nextObservations.AsSpan(i * ObservationSize, ObservationSize));
        _terminated[i] = terminated ? 1f : 0f;
        _episodeEnds[i] = terminated || truncated ? 1f : 0f;
        Position = (i + 1) % Capacity;
        Count = Math.Min(Count + 1, Capacity);
    }

    /// <summary>
    /// Fills <paramref name="batch"/> with transitions drawn uniformly, with replacement, from the <see cref="Count"/> held.
    /// A batch made for n-step returns (<see cref="SacBatch{T}.Discounts"/> set) gets them with <paramref name="gamma"/>:
    /// see <see cref="FillNStep{T}"/>.
    /// </summary>
    public void Sample<T>(SacBatch<T> batch, Rng rng, double gamma = 0) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(rng);
        if (Count == 0)
            throw new InvalidOperationException("Cannot sample from an empty replay buffer.");
        if (batch.Observations.Cols != ObservationSize || batch.Actions.Cols != ActionSize)
            throw new ArgumentException($"The batch is for {batch.Observations.Cols}/{batch.Actions.Cols} observation/action columns; the buffer holds {ObservationSize}/{ActionSize}.", nameof(batch));
        var s = batch.Observations.Span;
        var a = batch.Actions.Span;
        var r = batch.Rewards.Span;
        var s2 = batch.NextObservations.Span;
        var d = batch.Terminated.Span;
        if (batch.Discounts is not null)
        {
            for (int row = 0; row < batch.Size; row++)
                FillNStep(batch, row, rng.NextInt(Count), gamma);
            return;
        }
        for (int row = 0; row < batch.Size; row++)
        {
            int i = rng.NextInt(Count);
            Copy(_observations.AsSpan(i * ObservationSize, ObservationSize), s.Slice(row * ObservationSize, ObservationSize));
            Copy(_actions.AsSpan(i * ActionSize, ActionSize), a.Slice(row * ActionSize, ActionSize));
            r[row] = T.CreateTruncating(_rewards[i]);
            Copy(_nextObservations.AsSpan(i * ObservationSize, ObservationSize), s2.Slice(row * ObservationSize, ObservationSize));
            d[row] = T.CreateTruncating(_terminated[i]);
        }
    }

    /// <summary>
    /// Row <paramref name="row"/> of <paramref name="batch"/> from slot <paramref name="slot"/> as an n-step transition
    /// (n = <see cref="SacBatch{T}.Horizon"/>): s and a of the slot; r = Σ_{j&lt;k} γʲ·r_{t+j} over the k ≤ n transitions
    /// of the same stream that follow in the same episode; s′ and d of the k-th; discount γᵏ. It stops early at an episode's
    /// end (termination: d = 1, no bootstrap; truncation: d = 0, bootstrap from the true s′) and at the newest transition
    /// held (its future is not stored yet: a k-step target is still a valid one). The sum runs in double.
    /// </summary>
    internal void FillNStep<T>(SacBatch<T> batch, int row, int slot, double gamma) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int o = ObservationSize, a = ActionSize;
        Copy(_observations.AsSpan(slot * o, o), batch.Observations.Span.Slice(row * o, o));
        Copy(_actions.AsSpan(slot * a, a), batch.Actions.Span.Slice(row * a, a));
        // Steps from this slot to the newest transition held: the stream's later transitions lie at slot + N·m for N·m ≤ age.
        int age = (Position - 1 - slot + Capacity) % Capacity;
        double sum = 0, discount = 1;
        int last = slot;
        for (int m = 0; m < batch.Horizon; m++)
        {
            if ((long)m * Streams > age)
                break;
            last = (int)((slot + (long)m * Streams) % Capacity);
            sum += discount * _rewards[last];
            discount *= gamma;
            if (_episodeEnds[last] != 0f)
                break;
        }
        batch.Rewards.Span[row] = T.CreateTruncating(sum);
        Copy(_nextObservations.AsSpan(last * o, o), batch.NextObservations.Span.Slice(row * o, o));
        batch.Terminated.Span[row] = T.CreateTruncating(_terminated[last]);
        batch.Discounts!.Span[row] = T.CreateTruncating(discount);
    }

    /// <summary>The stored columns (for checkpoints): observations, actions, rewards, next observations, terminated flags, each
    /// <see cref="Capacity"/> rows; only the first <see cref="Count"/> rows are meaningful until the ring wraps.</summary>
    internal (float[] Observations, float[] Actions, float[] Rewards, float[] NextObservations, float[] Terminated) Storage =>
        (_observations, _actions, _rewards, _nextObservations, _terminated);

    /// <summary>1 where a stored transition ended its episode (terminated or truncated), else 0; for checkpoints.</summary>
    internal float[] EpisodeEnds => _episodeEnds;

    /// <summary>Restores the ring's counters after its storage was loaded from a checkpoint.</summary>
    internal void RestoreCounters(int count, int position)
    {
        if (count < 0 || count > Capacity || position < 0 || position >= Capacity || (count < Capacity && position != count))
            throw new ArgumentException($"Inconsistent replay counters: count {count}, position {position}, capacity {Capacity}.");
        Count = count;
        Position = position;
    }

    private static void Copy<T>(ReadOnlySpan<float> source, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            source.CopyTo(System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(destination));
            return;
        }
        for (int j = 0; j < source.Length; j++)
            destination[j] = T.CreateTruncating(source[j]);
    }
}
