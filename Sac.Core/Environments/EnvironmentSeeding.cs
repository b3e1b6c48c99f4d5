namespace Sac.Core.Environments;

/// <summary>
/// Gymnasium's <c>reset(seed=...)</c> rule, for every environment that draws its reset from an <see cref="Rng"/>
/// (Sac.Core's built-ins and Sac.Mujoco's tasks): a seed starts a new stream, no seed continues the current one.
/// </summary>
public static class EnvironmentSeeding
{
    /// <summary>
    /// The generator a reset should draw from: a fresh <c>new Rng((ulong)seed)</c> when seeded, otherwise the current one.
    /// </summary>
    /// <param name="current">The generator the environment holds, null if it was never reset.</param>
    /// <param name="seed">The seed passed to <c>Reset</c>, if any.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="seed"/> is negative (Gymnasium rejects those too).</exception>
    public static Rng ForReset(Rng? current, int? seed)
    {
        if (seed is int s)
        {
            if (s < 0)
                throw new ArgumentOutOfRangeException(nameof(seed), s, "A reset seed must be non-negative (as in Gymnasium).");
            return new Rng((ulong)s);
        }
        // NOTE: like Gymnasium, an environment never seeded draws its seed from OS entropy, so two unseeded runs differ.
        // Every draw after that still comes from Rng.
        return current ?? new Rng((ulong)Random.Shared.NextInt64());
    }
}
