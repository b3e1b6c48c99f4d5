namespace Sac.Core.Environments;

/// <summary>
/// A Gymnasium-shaped environment with continuous (<see cref="Box"/>) observations and actions. Observations and
/// actions travel through caller-owned spans, so stepping allocates nothing.
/// </summary>
/// <remarks>
/// The trainer always uses one through <see cref="CheckedEnvironment"/> (usually from <see cref="EnvironmentRegistry.Create"/>),
/// which turns contract violations (wrong lengths, NaN/∞) into an <see cref="EnvironmentException"/>.
/// </remarks>
public interface IEnvironment
{
    /// <summary>The Gymnasium id, e.g. <c>"Pendulum-v1"</c>; every error message about this environment names it.</summary>
    string Id { get; }

    /// <summary>The space the observations lie in; an observation span has <see cref="Box.Dimension"/> elements.</summary>
    Box ObservationSpace { get; }

    /// <summary>The space of valid actions; an action span has <see cref="Box.Dimension"/> elements.</summary>
    Box ActionSpace { get; }

    /// <summary>
    /// Starts a new episode, like Gymnasium's <c>reset(seed=...)</c>, and writes its first observation.
    /// With a <paramref name="seed"/> the environment's own <see cref="Rng"/> is re-created as <c>new Rng((ulong)seed)</c>;
    /// without one it continues from where it was (so a run seeds only its first reset).
    /// </summary>
    /// <param name="observation">Receives the first observation; length <see cref="Box.Dimension"/> of <see cref="ObservationSpace"/>.</param>
    /// <param name="seed">
    /// A non-negative seed, or null to continue the current random stream. A seeded reset allocates its new
    /// <see cref="Rng"/>; an unseeded one need not allocate at all. The random stream is Sac's xoshiro256**, not numpy's
    /// PCG64: a seed gives the same distribution as in Gymnasium, not the same numbers.
    /// </param>
    void Reset(Span<float> observation, int? seed = null);

    /// <summary>
    /// Applies <paramref name="action"/> for one time step, like Gymnasium's <c>step(action)</c>, and writes the next
    /// observation. Finite actions outside <see cref="ActionSpace"/> are clipped by the environment itself, as Gymnasium's are.
    /// </summary>
    /// <param name="action">The action; length <see cref="Box.Dimension"/> of <see cref="ActionSpace"/>.</param>
    /// <param name="observation">Receives the next observation s′; length <see cref="Box.Dimension"/> of <see cref="ObservationSpace"/>.</param>
    /// <returns>The reward and whether the episode terminated or was truncated.</returns>
    StepResult Step(ReadOnlySpan<float> action, Span<float> observation);
}
