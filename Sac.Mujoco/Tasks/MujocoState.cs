using System.Text.Json.Nodes;
using Sac.Core.Environments;
using Sac.Core;

namespace Sac.Mujoco.Tasks;

/// <summary>
/// JSON for the tasks' saved state: double arrays as JSON arrays of numbers (System.Text.Json writes the shortest text
/// that parses back to the same double, so they round-trip exactly), the Rng in the same shape as Sac.Core's
/// environments save theirs, and reads that turn a missing, mistyped or non-finite field into one clear error.
/// </summary>
internal static class MujocoState
{
    public static JsonArray SaveArray(ReadOnlySpan<double> values)
    {
        var array = new JsonArray();
        foreach (double value in values)
            array.Add(value);
        return array;
    }

    /// <summary>Reads the array <paramref name="key"/>, which must hold exactly <paramref name="length"/> finite numbers.</summary>
    public static double[] RestoreArray(JsonObject state, string key, int length, string environmentId)
    {
        if (state[key] is not JsonArray array)
            throw new EnvironmentException($"{environmentId}: the saved state has no array '{key}'.");
        if (array.Count != length)
            throw new EnvironmentException($"{environmentId}: the saved '{key}' has {array.Count} value(s), but this model's has {length}.");
        var values = new double[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = Read<double>(array[i], $"{key}[{i}]", environmentId);
            // Validated here, before anything reaches MuJoCo.
            if (!double.IsFinite(values[i]))
                throw new EnvironmentException($"{environmentId}: the saved '{key}[{i}]' is not finite.");
        }
        return values;
    }

    public static JsonNode? SaveRng(Rng? rng) => rng is null ? null : new JsonObject
    {
        ["s0"] = rng.State.S0, ["s1"] = rng.State.S1, ["s2"] = rng.State.S2, ["s3"] = rng.State.S3,
        ["hasSpare"] = rng.State.HasSpareNormal, ["spare"] = rng.State.SpareNormal,
    };

    public static Rng? RestoreRng(JsonNode? node, string environmentId)
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

    /// <summary>Reads a required field, turning a missing or mistyped one into a clear <see cref="EnvironmentException"/>.</summary>
    public static TValue Get<TValue>(JsonObject state, string key, string environmentId) =>
        Read<TValue>(state[key], key, environmentId);

    private static TValue Read<TValue>(JsonNode? node, string key, string environmentId)
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
}
