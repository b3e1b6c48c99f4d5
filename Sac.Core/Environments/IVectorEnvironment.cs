namespace Sac.Core.Environments;

/// <summary>
/// <see cref="Count"/> copies of one task stepped in lockstep, with one batched action per step: SB3's VecEnv and
/// Gymnasium's vector environments, for continuous spaces. Implement it directly for a scene with many agents; wrap
/// separate <see cref="IEnvironment"/> instances with <see cref="VectorEnvironment"/>.
/// </summary>
/// <remarks>
/// Spans hold one row per copy, copy 0 first: observations are <see cref="Count"/> × dim(S), actions <see cref="Count"/> × dim(A).
/// A copy whose episode ends is reset within the same <see cref="Step"/> (SB3's rule): its row of observations is then
/// the new episode's first observation, and the true last observation s′, which the replay needs (also on truncation),
/// is written to its row of finalObservations. Rows of finalObservations for copies that did not finish are left as
/// they were.
/// </remarks>
public interface IVectorEnvironment
{
    /// <summary>The task's id, e.g. <c>"Pendulum-v1"</c>.</summary>
    string Id { get; }

    /// <summary>How many copies step together.</summary>
    int Count { get; }

    /// <summary>One copy's observation space.</summary>
    Box ObservationSpace { get; }

    /// <summary>One copy's action space.</summary>
    Box ActionSpace { get; }

    /// <summary>
    /// Resets every copy and writes their first observations. With a <paramref name="seed"/>, copy i is seeded with
    /// seed + i (Gymnasium's rule for vector environments), so the copies differ; without one each continues its stream.
    /// </summary>
    void Reset(Span<float> observations, int? seed = null);

    /// <summary>
    /// Applies one action per copy and writes the next observations, each copy's result, and the true last observation
    /// of every copy that finished (see remarks).
    /// </summary>
    void Step(ReadOnlySpan<float> actions, Span<float> observations, Span<float> finalObservations, Span<StepResult> results);
}
