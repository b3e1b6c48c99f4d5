namespace Sac.Core.Environments;

/// <summary>Maps actions between the policy's [−1, 1] box and an environment's [low, high] action box.</summary>
public static class ActionScaling
{
    /// <summary>
    /// Effectively computes destination[j] = low[j] + (action[j] + 1)·(high[j] − low[j])/2 (SB3's unscale_action).
    /// Every bound must be finite.
    /// </summary>
    public static void ToEnvironment(ReadOnlySpan<float> action, Box space, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(space);
        if (action.Length != space.Dimension || destination.Length != space.Dimension)
            throw new ArgumentException($"Expected {space.Dimension} action values, got {action.Length} → {destination.Length}.");
        var low = space.Low;
        var high = space.High;
        for (int j = 0; j < action.Length; j++)
            destination[j] = (high[j] + low[j]) / 2 + (high[j] - low[j]) / 2 * action[j];
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
