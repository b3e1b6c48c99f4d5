using System.Text.Json.Nodes;

namespace Sac.Core.Environments;

/// <summary>
/// An environment whose complete internal state (physics, random generator, wrapper counters) can be saved and restored,
/// so a checkpointed training run resumes mid-episode exactly where it stopped.
/// </summary>
public interface IStatefulEnvironment
{
    /// <summary>The complete state as JSON (doubles round-trip exactly).</summary>
    JsonObject SaveState();

    /// <summary>Restores a state produced by <see cref="SaveState"/> of an environment of the same kind; throws
    /// <see cref="EnvironmentException"/> if it does not fit.</summary>
    void RestoreState(JsonObject state);
}

/// <summary>
/// The JSON pieces every environment's state is made of: the <see cref="Rng"/>'s form and the checked reads of a
/// field. Sac.Core's environments and wrappers use them, and so do environments built elsewhere (Sac.Mujoco's tasks),
/// so a saved generator has one shape everywhere.
/// </summary>
public static class EnvironmentState
{
    /// <summary>
    /// A generator's complete state as JSON: <c>{ "s0", "s1", "s2", "s3", "hasSpare", "spare" }</c> (the four xoshiro256**
    /// words and the cached second normal deviate); null for no generator. <see cref="RestoreRng"/> reads it back.
    /// </summary>
    public static JsonNode? SaveRng(Rng? rng) => rng is null ? null : new JsonObject
    {
        ["s0"] = rng.State.S0, ["s1"] = rng.State.S1, ["s2"] = rng.State.S2, ["s3"] = rng.State.S3,
        ["hasSpare"] = rng.State.HasSpareNormal, ["spare"] = rng.State.SpareNormal,
    };

    /// <summary>The generator <see cref="SaveRng"/> wrote (null for null), continuing exactly where the saved one would.</summary>
    /// <param name="node">What <see cref="SaveRng"/> returned, as stored.</param>
    /// <param name="environmentId">Who the state belongs to, for the error message.</param>
    /// <exception cref="EnvironmentException">
    /// The node is not an object, a field is missing or mistyped, or the words are all zero (not a xoshiro256** state).
    /// </exception>
    public static Rng? RestoreRng(JsonNode? node, string environmentId = "checkpoint")
    {
        if (node is null)
            return null;
        if (node is not JsonObject rng)
            throw new EnvironmentException($"{environmentId}: the saved 'rng' is not an object.");
        var state = new RngState(
            Get<ulong>(rng, "s0", environmentId), Get<ulong>(rng, "s1", environmentId),
            Get<ulong>(rng, "s2", environmentId), Get<ulong>(rng, "s3", environmentId),
            Get<bool>(rng, "hasSpare", environmentId), Get<double>(rng, "spare", environmentId));
        try
        {
            return new Rng(state);
        }
        catch (ArgumentException e)
        {
            throw new EnvironmentException($"{environmentId}: the saved 'rng' is not a valid generator state.", e);
        }
    }

    /// <summary>The required field <paramref name="key"/> of <paramref name="state"/> as a <typeparamref name="TValue"/>.</summary>
    /// <exception cref="EnvironmentException">It is missing or of another type; the message names <paramref name="environmentId"/> and the key.</exception>
    public static TValue Get<TValue>(JsonObject state, string key, string environmentId) =>
        Read<TValue>(state[key], key, environmentId);

    /// <summary>
    /// <paramref name="node"/> as a <typeparamref name="TValue"/>, where <paramref name="key"/> says where it was read
    /// (<c>"qpos[3]"</c>) for the error message.
    /// </summary>
    /// <exception cref="EnvironmentException">The node is null or of another type.</exception>
    public static TValue Read<TValue>(JsonNode? node, string key, string environmentId)
    {
        if (node is null)
            throw new EnvironmentException($"{environmentId}: the saved state has no '{key}'.");
        try
        {
            return node.GetValue<TValue>();
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException)
        {
            throw new EnvironmentException($"{environmentId}: the saved state's '{key}' is not a {typeof(TValue).Name}.", e);
        }
    }

    /// <summary>The inner environment's state, or a clear error if it cannot save one.</summary>
    internal static JsonObject SaveInner(IEnvironment inner) => inner is IStatefulEnvironment stateful
        ? stateful.SaveState()
        : throw new NotSupportedException($"{inner.Id} does not implement IStatefulEnvironment, so its state cannot be checkpointed.");

    internal static void RestoreInner(IEnvironment inner, JsonObject state, string environmentId)
    {
        if (inner is not IStatefulEnvironment stateful)
            throw new NotSupportedException($"{inner.Id} does not implement IStatefulEnvironment, so its state cannot be restored.");
        stateful.RestoreState(state["inner"] as JsonObject ?? throw new EnvironmentException($"{environmentId}: the saved state has no inner environment state."));
    }
}
