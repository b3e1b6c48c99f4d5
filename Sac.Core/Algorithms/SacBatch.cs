using System.Numerics;
using Sac.Autodiff;

namespace Sac.Core.Algorithms;

/// <summary>
/// A minibatch (s, a, r, s′, d) from the replay buffer 𝒟, plus the reparameterization noise the update will use, in
/// preallocated tensors that are refilled in place every step (no allocation).
/// </summary>
public sealed class SacBatch<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Allocates a batch of <paramref name="size"/> transitions; with <paramref name="horizon"/> n &gt; 1, of n-step
    /// transitions (each row with its own discount, <see cref="Discounts"/>); with <paramref name="extraNoise"/> sets of ε
    /// beyond <see cref="Noise"/> and <see cref="NextNoise"/> (<see cref="ExtraNoise"/>).</summary>
    public SacBatch(int size, int observationSize, int actionSize, int horizon = 1, int extraNoise = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(horizon, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(extraNoise);
        if (size < 1 || observationSize < 1 || actionSize < 1)
            throw new ArgumentOutOfRangeException(nameof(size), $"Batch, observation and action sizes must be positive, got {size}, {observationSize}, {actionSize}.");
        Observations = new Tensor<T>(size, observationSize) { Name = "s" };
        Actions = new Tensor<T>(size, actionSize) { Name = "a" };
        Rewards = new Tensor<T>(size, 1) { Name = "r" };
        NextObservations = new Tensor<T>(size, observationSize) { Name = "s'" };
        Terminated = new Tensor<T>(size, 1) { Name = "d" };
        Noise = new Tensor<T>(size, actionSize) { Name = "eps" };
        NextNoise = new Tensor<T>(size, actionSize) { Name = "eps'" };
        ExtraNoise = Enumerable.Range(0, extraNoise).Select(k => new Tensor<T>(size, actionSize) { Name = $"eps{k + 2}" }).ToArray();
        Horizon = horizon;
        if (horizon > 1)
            Discounts = new Tensor<T>(size, 1) { Name = "gamma^k" };
    }

    private SacBatch(SacBatch<T> parent, int start, int count)
    {
        Observations = parent.Observations.RowsView(start, count);
        Actions = parent.Actions.RowsView(start, count);
        Rewards = parent.Rewards.RowsView(start, count);
        NextObservations = parent.NextObservations.RowsView(start, count);
        Terminated = parent.Terminated.RowsView(start, count);
        Noise = parent.Noise.RowsView(start, count);
        NextNoise = parent.NextNoise.RowsView(start, count);
        ExtraNoise = parent.ExtraNoise.Select(e => e.RowsView(start, count)).ToArray();
        Horizon = parent.Horizon;
        Discounts = parent.Discounts?.RowsView(start, count);
    }

    /// <summary>Rows [<paramref name="start"/>, <paramref name="start"/> + <paramref name="count"/>) of this batch, as
    /// views (no copy): what one shard of an update sees.</summary>
    public SacBatch<T> RowsView(int start, int count) => new(this, start, count);

    /// <summary>Batch size B.</summary>
    public int Size => Observations.Rows;

    /// <summary>s, B × dim(S).</summary>
    public Tensor<T> Observations { get; }

    /// <summary>a, B × dim(A), in the policy's [−1, 1] space.</summary>
    public Tensor<T> Actions { get; }

    /// <summary>r, B × 1.</summary>
    public Tensor<T> Rewards { get; }

    /// <summary>s′, B × dim(S): the true next observation, also when the episode was truncated.</summary>
    public Tensor<T> NextObservations { get; }

    /// <summary>d, B × 1: 1 where the transition ended the episode by termination (not by a time limit), else 0.</summary>
    public Tensor<T> Terminated { get; }

    /// <summary>n of n-step returns: 1 for one-step transitions (r is one reward, s′ the next state, discount γ).</summary>
    public int Horizon { get; }

    /// <summary>
    /// γᵏ, B × 1, for n-step transitions (null when <see cref="Horizon"/> is 1): a row's r sums k ≤ n discounted rewards
    /// and s′ is the state k steps on, so its target is r + γᵏ(1 − d)·V(s′).
    /// </summary>
    public Tensor<T>? Discounts { get; }

    /// <summary>ε for ã ~ π(·|s), B × dim(A), standard normal.</summary>
    public Tensor<T> Noise { get; }

    /// <summary>ε′ for a′ ~ π(·|s′) in v2's target, B × dim(A), standard normal.</summary>
    public Tensor<T> NextNoise { get; }

    /// <summary>Further ε sets, B × dim(A) each, standard normal, for an update that samples the policy more than twice
    /// (SAC v2 with <see cref="SacOptions.PolicyFrequency"/> &gt; 1, or a fresh sample for the temperature); none by default.</summary>
    public IReadOnlyList<Tensor<T>> ExtraNoise { get; }

    /// <summary>
    /// Draws fresh standard-normal noise for <see cref="Noise"/>, <see cref="NextNoise"/>, then each of <see cref="ExtraNoise"/>, with
    /// <see cref="Rng.FillNormal"/>: the same values as calling <see cref="Rng.Normal"/> element by element, for any
    /// <paramref name="threads"/> (the Box–Muller transforms are split over them).
    /// </summary>
    public void DrawNoise(Rng rng, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(rng);
        int n = Noise.Length;
        var normals = _normals ??= new double[(2 + ExtraNoise.Count) * n];
        rng.FillNormal(normals, threads);
        var noise = Noise.Span;
        var next = NextNoise.Span;
        for (int i = 0; i < n; i++)
        {
            noise[i] = T.CreateTruncating(normals[i]);
            next[i] = T.CreateTruncating(normals[n + i]);
        }
        for (int k = 0; k < ExtraNoise.Count; k++)
        {
            var extra = ExtraNoise[k].Span;
            for (int i = 0; i < n; i++)
                extra[i] = T.CreateTruncating(normals[(2 + k) * n + i]);
        }
    }

    private double[]? _normals;
}
