using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sac.Cli.Reports;

/// <summary>
/// What the report takes from a run's summary.json: the steps it covers, the final and best deterministic evaluation.
/// </summary>
/// <param name="Steps">"steps": the step the summary was written at.</param>
/// <param name="FinalEval">"finalEvalMean".</param>
/// <param name="BestEval">"bestEvalMean".</param>
public sealed record RunSummary(long Steps, double FinalEval, double BestEval)
{
    /// <summary>Reads <paramref name="path"/>; a summary without its numbers is an <see cref="InvalidDataException"/> saying why.</summary>
    public static RunSummary Read(string path)
    {
        try
        {
            return Parse(path);
        }
        catch (ArgumentException e)
        {
            // NOTE: System.Text.Json's JsonObject refuses a key given twice only when the object is first read, here.
            throw new InvalidDataException($"summary.json: {e.Message}");
        }
    }

    private static RunSummary Parse(string path)
    {
        JsonObject json;
        try
        {
            json = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new InvalidDataException("summary.json is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"summary.json is not valid JSON: {e.Message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"summary.json cannot be read: {e.Message}");
        }
        if (json["steps"] is not JsonValue s || !s.TryGetValue(out long steps) || steps < 0)
            throw new InvalidDataException("summary.json has no steps count");
        double final = Finite(json, "finalEvalMean") ?? throw new InvalidDataException("summary.json has no finite finalEvalMean");
        double best = Finite(json, "bestEvalMean") ?? throw new InvalidDataException("summary.json has no finite bestEvalMean");
        return new RunSummary(steps, final, best);
    }

    private static double? Finite(JsonObject json, string key) =>
        json[key] is JsonValue v && v.TryGetValue(out double d) && double.IsFinite(d) ? d : null;
}
