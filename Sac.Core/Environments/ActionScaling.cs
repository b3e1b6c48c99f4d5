namespace Sac.Core.Environments;

/// <summary>Maps actions between the policy's [−1, 1] box and an environment's [low, high] action box.</summary>
public static class ActionScaling
{
    /// <summary>
    /// Effectively computes destination[j] = low[j] + (action[j] + 1)·(high[j] − low[j])/2 (SB3's unscale_action).
    /// Every bound must be finite.
    /// <para>
    /// CRUCIAL: the log(scale) term. Stretching ã ∈ [−1, 1] to a = c + k·ã divides the density by Π k, so
    /// log π(a|s) = log π(ã|s) − Σ log k. Sac, like SB3, keeps the policy, its log π and the target entropy −dim(A) in
    /// the [−1, 1] space and rescales only here, so no log k term enters any loss. (CleanRL subtracts log k inside its
    /// policy, which shifts the entropy α is tuned toward by Σ log k; the walkthrough's section 4 shows the term.)
    /// </para>
    /// </summary>
    public static void ToEnvironment<T>(ReadOnlySpan<T> action, Box space, Span<T> destination) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(space);
        if (action.Length != space.Dimension || destination.Length != space.Dimension)
            throw new ArgumentException($"Expected {space.Dimension} action values, got {action.Length} → {destination.Length}.");
        var low = space.Low;
        var high = space.High;
        T two = T.CreateTruncating(2);
        for (int j = 0; j < action.Length; j++)
        {
            T l = T.CreateTruncating(low[j]), h = T.CreateTruncating(high[j]);
            destination[j] = (h + l) / two + (h - l) / two * action[j];
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> if any bound of <paramref name="space"/> is infinite (a tanh policy cannot cover it).</summary>
    public static void RequireBounded(Box space, string environmentId)
    {
        ArgumentNullException.ThrowIfNull(space);
        for (int j = 0; j < space.Dimension; j++)
            if (!float.IsFinite(space.Low[j]) || !float.IsFinite(space.High[j]))
                throw new ArgumentException($"Action dimension {j} of {environmentId} is unbounded ([{space.Low[j]}, {space.High[j]}]); SAC's tanh policy needs finite bounds.");
    }
}
