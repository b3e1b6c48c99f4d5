using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sac.Cli.Reports;

/// <summary>A machine a run, or a segment of a resumed run, trained on: summary.json's "machine" object.</summary>
/// <param name="Kind">The microarchitecture ("Zen 4"), else the CPU's name, else "unknown".</param>
/// <param name="Cpu">The CPU's name ("AMD EPYC"), when given.</param>
/// <param name="Isa">The widest vector instructions used ("AVX-512"), when given.</param>
/// <param name="Cores">The cores the run had, when given.</param>
public sealed record Machine(string Kind, string? Cpu, string? Isa, int? Cores)
{
    /// <summary>What a run's table says when summary.json names no machine (summaries written before it did).</summary>
    public const string Unknown = "unknown";

    /// <summary>"Zen 4 (AMD EPYC, AVX-512, 2 cores)".</summary>
    public string Describe()
    {
        var details = new List<string>();
        if (Cpu is not null && Cpu != Kind)
            details.Add(Cpu);
        if (Isa is not null)
            details.Add(Isa);
        if (Cores is int cores)
            details.Add(string.Create(CultureInfo.InvariantCulture, $"{cores} core{(cores == 1 ? "" : "s")}"));
        return details.Count == 0 ? Kind : $"{Kind} ({string.Join(", ", details)})";
    }

    /// <summary>Reads a "machine" value leniently: it only labels the timings, so a shape this reader does not know
    /// (a plain string, say) is used as far as it goes rather than costing the run its place in the report.</summary>
    internal static Machine? From(JsonNode? node) => node switch
    {
        JsonObject o => new Machine(Text(o["kind"]) ?? Text(o["cpu"]) ?? Unknown, Text(o["cpu"]), Text(o["isa"]),
            o["cores"] is JsonValue c && c.TryGetValue(out int cores) && cores > 0 ? cores : null),
        JsonValue v when Text(v) is string name => new Machine(name, null, null, null),
        _ => null,
    };

    private static string? Text(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue(out string? s) && !string.IsNullOrWhiteSpace(s) ? s.Trim() : null;
}

/// <summary>A stretch of a run trained in one go on one machine: summary.json's "segments" entries.</summary>
/// <param name="FromStep">The step it started at.</param>
/// <param name="ToStep">The step it ended at.</param>
/// <param name="Machine">Where it ran, when known.</param>
public sealed record Segment(long FromStep, long ToStep, Machine? Machine);

/// <summary>
/// What the report takes from a run's summary.json: the steps it covers, the final and best deterministic evaluation,
/// and what the run cost (wall-clock, speed, machines). The cost fields are newer than the rest, so each may be absent.
/// </summary>
/// <param name="Steps">"steps": the step the summary was written at.</param>
/// <param name="FinalEval">"finalEvalMean".</param>
/// <param name="BestEval">"bestEvalMean".</param>
/// <param name="WallSeconds">"wallSeconds": the run's training time over every resumed segment, when given and positive.</param>
/// <param name="StepsPerSecond">"stepsPerSecond" (else steps / wallSeconds), when known.</param>
/// <param name="Segments">"segments", else one segment on "machine", else none.</param>
public sealed record RunSummary(long Steps, double FinalEval, double BestEval, double? WallSeconds, double? StepsPerSecond, IReadOnlyList<Segment> Segments)
{
    /// <summary>Wall-clock seconds per million environment steps at this run's speed: wallSeconds / steps × 10⁶.</summary>
    public double? WallSecondsPerMillion => WallSeconds is double wall && Steps > 0 ? wall / Steps * 1e6 : null;

    /// <summary>The machine kinds the run trained on, in segment order, each once; empty when summary.json names none.</summary>
    public IReadOnlyList<string> MachineKinds => Segments.Select(s => s.Machine?.Kind ?? Machine.Unknown).Distinct().ToList();

    /// <summary>Reads <paramref name="path"/>; a summary without its numbers is an <see cref="InvalidDataException"/> saying why.</summary>
    public static RunSummary Read(string path)
    {
        try
        {
            return Parse(path);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"summary.json has a key twice: {KeyTwice(e)}");
        }
    }

    /// <summary>
    /// What a JSON file with a key given twice is told: System.Text.Json's JsonObject throws an ArgumentException for it
    /// only when the object is first read (not when parsed), "An item with the same key has already been added. Key: x".
    /// </summary>
    internal static string KeyTwice(ArgumentException e) =>
        (e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "")).TrimEnd('.');

    private static RunSummary Parse(string path)
    {
        JsonObject json;
        try
        {
            // NOTE: a FIFO has length 0 too, and opening one to read waits for a writer, for ever: never open it.
            if (new FileInfo(path).Length == 0)
                throw new InvalidDataException("summary.json is empty");
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
        double? wall = Finite(json, "wallSeconds") is double w && w > 0 ? w : null;
        double? speed = Finite(json, "stepsPerSecond") is double f && f > 0 ? f : wall is double ws ? steps / ws : null;

        var segments = new List<Segment>();
        if (json["segments"] is JsonArray array)
        {
            foreach (var item in array.OfType<JsonObject>())
                segments.Add(new Segment(Integer(item, "fromStep") ?? 0, Integer(item, "toStep") ?? steps, Machine.From(item["machine"])));
        }
        if (segments.Count == 0 && Machine.From(json["machine"]) is Machine machine)
            segments.Add(new Segment(0, steps, machine));
        return new RunSummary(steps, final, best, wall, speed, segments);
    }

    private static double? Finite(JsonObject json, string key) =>
        json[key] is JsonValue v && v.TryGetValue(out double d) && double.IsFinite(d) ? d : null;

    private static long? Integer(JsonObject json, string key) =>
        json[key] is JsonValue v && v.TryGetValue(out long l) ? l : null;
}
