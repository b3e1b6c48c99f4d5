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

/// <summary>Helpers shared by the environments' state (de)serialization.</summary>
internal static class EnvironmentState
{
    public static JsonNode? SaveRng(Rng? rng) => rng is null ? null : new JsonObject
    {
        ["s0"] = rng.State.S0, ["s1"] = rng.State.S1, ["s2"] = rng.State.S2, ["s3"] = rng.State.S3,
        ["hasSpare"] = rng.State.HasSpareNormal, ["spare"] = rng.State.SpareNormal,
    };

    public static Rng? RestoreRng(JsonNode? node) => node is null ? null : new Rng(new RngState(
        node["s0"]!.GetValue<ulong>(), node["s1"]!.GetValue<ulong>(), node["s2"]!.GetValue<ulong>(), node["s3"]!.GetValue<ulong>(),
        node["hasSpare"]!.GetValue<bool>(), node["spare"]!.GetValue<double>()));

    /// <summary>Reads a required field, turning a missing or mistyped one into a clear <see cref="EnvironmentException"/>.</summary>
    public static TValue Get<TValue>(JsonObject state, string key, string environmentId)
    {
        try
        {
            return state[key] is { } node ? node.GetValue<TValue>() : throw new EnvironmentException($"{environmentId}: the saved state has no '{key}'.");
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException)
        {
            throw new EnvironmentException($"{environmentId}: the saved state's '{key}' is not a {typeof(TValue).Name}.", e);
        }
    }

    /// <summary>The inner environment's state, or a clear error if it cannot save one.</summary>
    public static JsonObject SaveInner(IEnvironment inner) => inner is IStatefulEnvironment stateful
        ? stateful.SaveState()
        : throw new NotSupportedException($"{inner.Id} does not implement IStatefulEnvironment, so its state cannot be checkpointed.");

    public static void RestoreInner(IEnvironment inner, JsonObject state, string environmentId)
    {
        if (inner is not IStatefulEnvironment stateful)
            throw new NotSupportedException($"{inner.Id} does not implement IStatefulEnvironment, so its state cannot be restored.");
        stateful.RestoreState(state["inner"] as JsonObject ?? throw new EnvironmentException($"{environmentId}: the saved state has no inner environment state."));
    }
}
