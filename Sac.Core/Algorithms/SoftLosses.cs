using System.Numerics;
using Sac.Autodiff;
using Sac.Core.Networks;

namespace Sac.Core.Algorithms;

/// <summary>
/// The pieces the actor-critics share, in the seed's notation: the bootstrapped target, the twin-critic regression, the
/// twin minimum and J_π. Each mean over the batch is written Σ_b(…)·(1/B): an update computes it shard by shard, each
/// shard's sum scaled by the whole batch's 1/B, so the shards' losses and gradients add up to the batch's.
/// </summary>
public static class SoftLosses
{
    /// <summary>
    /// r + γ(1 − d)·next, on the tape; for n-step transitions r + γᵏ(1 − d)·next with each row's γᵏ
    /// (<see cref="SacBatch{T}.Discounts"/>). CRUCIAL: d is 1 only on termination; a time-limit truncation still bootstraps.
    /// Call it under no-grad: a target carries no gradient.
    /// </summary>
    public static Tensor<T> Bootstrap<T>(Tape<T> tape, SacBatch<T> batch, Tensor<T> next, double gamma) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var notDone = tape.AddScalar(tape.Neg(batch.Terminated), T.One);
        var future = tape.Mul(notDone, next);
        return tape.Add(batch.Rewards, batch.Discounts is { } discounts ? tape.Mul(future, discounts) : tape.Scale(future, T.CreateChecked(gamma)));
    }

    /// <summary>Σ_i ½·Σ_b (Q_i(s, a) − Q̂)²·(1/B) for the twin critics <paramref name="q1"/>, <paramref name="q2"/>; Q̂ carries no gradient.</summary>
    public static Tensor<T> TwinCriticLoss<T>(Tape<T> tape, Mlp<T> q1, Mlp<T> q2, SacBatch<T> batch, Tensor<T> qHat, T invB) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var sa = tape.ConcatColumns(batch.Observations, batch.Actions);
        var first = q1.Forward(tape, sa);
        var second = q2.Forward(tape, sa);
        return tape.Add(HalfMeanSquaredError(tape, first, qHat, invB), HalfMeanSquaredError(tape, second, qHat, invB));
    }

    /// <summary>J_π(φ) = Σ_b (α·log π_φ(ã|s) − min_i Q_θi(s, ã))·(1/B).</summary>
    public static Tensor<T> PolicyLoss<T>(Tape<T> tape, Tensor<T> logProb, Tensor<T> minQ, T alpha, T invB) where T : unmanaged, IFloatingPointIeee754<T> =>
        tape.Scale(tape.Sum(tape.Sub(tape.Scale(logProb, alpha), minQ)), invB);

    /// <summary>min(Q1(s, a), Q2(s, a)): the twin-critic minimum that counters overestimation. With
    /// <paramref name="detachParameters"/>, no gradient reaches the critics' parameters (only a and s).</summary>
    public static Tensor<T> MinQ<T>(Tape<T> tape, Mlp<T> q1, Mlp<T> q2, Tensor<T> s, Tensor<T> a, bool detachParameters) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var sa = tape.ConcatColumns(s, a);
        return tape.Min(q1.Forward(tape, sa, detachParameters), q2.Forward(tape, sa, detachParameters));
    }

    /// <summary>½·Σ_b (prediction − target)²·(1/B): half the mean squared error when <paramref name="invB"/> is 1/rows.</summary>
    public static Tensor<T> HalfMeanSquaredError<T>(Tape<T> tape, Tensor<T> prediction, Tensor<T> target, T invB) where T : unmanaged, IFloatingPointIeee754<T> =>
        tape.Scale(tape.Sum(tape.Square(tape.Sub(prediction, target))), T.CreateChecked(0.5) * invB);
}
