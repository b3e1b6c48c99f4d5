using System.Text.Json.Nodes;
using Sac.Core.Environments;

namespace Sac.Mujoco.Tasks;

/// <summary>
/// JSON for the tasks' double arrays: JSON arrays of numbers (System.Text.Json writes the shortest text that parses back
/// to the same double, so they round-trip exactly), read back so that a missing, mistyped or non-finite value is one
/// clear error. The Rng and the scalar fields use Sac.Core's <see cref="EnvironmentState"/>, as its environments do.
/// </summary>
internal static class MujocoState
{
    /// <summary>The values as a JSON array of numbers, each the shortest text that parses back to the same bits.</summary>
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
            values[i] = EnvironmentState.Read<double>(array[i], $"{key}[{i}]", environmentId);
            // Validated here, before anything reaches MuJoCo.
            if (!double.IsFinite(values[i]))
                throw new EnvironmentException($"{environmentId}: the saved '{key}[{i}]' is not finite.");
        }
        return values;
    }
}
