using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sac.Cli.Runs;
using Sac.Core.Environments;

namespace Sac.Cli.Reports;

/// <summary>Where a published number comes from and what kind of number it is (the anchors file's "sources").</summary>
/// <param name="Name">The short name the legend uses ("Tianshou").</param>
/// <param name="Measures">What the number is, briefly ("best of 10-seed mean"): the legend says it.</param>
/// <param name="Version">The Gymnasium task version it was measured on ("v3").</param>
/// <param name="Detail">What the number is, in full, for report.md.</param>
/// <param name="Reference">Where it was published.</param>
public sealed record AnchorSource(string Name, string Measures, string Version, string? Detail, string? Reference);

/// <summary>A published result drawn on an environment's learning curves as a reference line.</summary>
/// <param name="Env">The Sac environment id it is compared with ("HalfCheetah-v5").</param>
/// <param name="Source">Who published it.</param>
/// <param name="Step">The environment step it was measured at.</param>
/// <param name="Value">The return.</param>
/// <param name="Std">Its published spread (± over seeds or episodes), when given.</param>
/// <param name="Note">Anything else the reader must know (a different step, a different model).</param>
public sealed record Anchor(string Env, AnchorSource Source, long Step, double Value, double? Std, string? Note)
{
    /// <summary>
    /// The legend's label: "Tianshou 12,139 (best of 10-seed mean, v3)", with ", at 2M steps" when it was measured at
    /// another step than the curves end at (<paramref name="curveSteps"/>).
    /// </summary>
    public string Label(long curveSteps) => string.Create(CultureInfo.InvariantCulture,
        $"{Source.Name} {Value:N0} ({Source.Measures}, {Source.Version}{(Step != curveSteps ? $", at {Anchors.Steps(Step)} steps" : "")})");

    /// <summary>report.md's line: "Tianshou 12,139 ± 1,049 at 1M steps: what it measures; Gymnasium v3; reference. Note".</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{Source.Name} {Value:N0}{(Std is double s ? $" ± {s:N0}" : "")} at {Anchors.Steps(Step)} steps: {Source.Detail ?? Source.Measures}; Gymnasium {Source.Version}" +
        $"{(Source.Reference is null ? "" : $"; {Source.Reference}")}{(Note is null ? "" : $". {Note}")}");
}

/// <summary>An anchors file: its anchors, and what the reader must know about each environment's task versions.</summary>
/// <param name="About">What the numbers are, in a line.</param>
/// <param name="Anchors">The published results.</param>
/// <param name="EnvNotes">Per environment, how its task differs between the versions the numbers were measured on.</param>
public sealed record AnchorSet(string? About, IReadOnlyList<Anchor> Anchors, IReadOnlyDictionary<string, string> EnvNotes)
{
    /// <summary>No anchors (no --anchors).</summary>
    public static readonly AnchorSet None = new(null, [], new Dictionary<string, string>());

    /// <summary>The anchors of <paramref name="env"/>, in file order.</summary>
    public IReadOnlyList<Anchor> For(string env) => Anchors.Where(a => a.Env == env).ToList();
}

/// <summary>
/// <c>sac report --anchors FILE</c>: published results to draw on the learning curves, e.g. bench/anchors/mujoco-1m.json.
/// The file is checked whole before anything is written: an unknown key, a missing field, a source no entry declares,
/// an unknown environment or a duplicate is a <see cref="UsageException"/> naming it.
/// </summary>
/// <remarks>
/// The format (every key, and whether it must be there):
/// <code>
/// { "format": "sac-anchors-1", "about": "…"?,
///   "sources": { "Tianshou": { "measures": "best of 10-seed mean", "version": "v3", "detail": "…"?, "reference": "…"? }, … },
///   "anchors": [ { "env": "HalfCheetah-v5", "source": "Tianshou", "step": 1000000, "value": 12139, "std": 1049?, "note": "…"? }, … ],
///   "envNotes": { "Humanoid-v5": "…", … }? }
/// </code>
/// </remarks>
public static class Anchors
{
    /// <summary>The format tag of an anchors file.</summary>
    public const string Format = "sac-anchors-1";

    private static readonly string[] s_fileKeys = ["format", "about", "sources", "anchors", "envNotes"];
    private static readonly string[] s_sourceKeys = ["measures", "version", "detail", "reference"];
    private static readonly string[] s_anchorKeys = ["env", "source", "step", "value", "std", "note"];

    /// <summary>Reads and checks <paramref name="path"/> (the option that named it is --anchors).</summary>
    public static AnchorSet Load(string path)
    {
        string where = $"--anchors {path}";
        string text;
        try
        {
            if (Directory.Exists(path))
                throw new UsageException($"{where} is a directory, not a JSON file.");
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new UsageException($"{where} cannot be read: {e.Message}");
        }
        try
        {
            return Parse(text, where);
        }
        catch (ArgumentException e)
        {
            // NOTE: System.Text.Json's JsonObject refuses a key given twice only when the object is first read, here.
            throw new UsageException($"{where}: a key is given twice in one object ({RunSummary.KeyTwice(e)}).");
        }
    }

    private static AnchorSet Parse(string text, string where)
    {
        JsonObject file;
        try
        {
            file = JsonNode.Parse(text) as JsonObject ?? throw new UsageException($"{where} is not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new UsageException($"{where} is not valid JSON: {e.Message}");
        }
        OnlyKeys(file, s_fileKeys, where);
        if (Text(file, "format", where) != Format)
            throw new UsageException($"{where}: \"format\" must be \"{Format}\".");
        string? about = Optional(file, "about", where);

        if (file["sources"] is not JsonObject sourcesJson || sourcesJson.Count == 0)
            throw new UsageException($"{where}: \"sources\" must be an object naming at least one source.");
        var sources = new Dictionary<string, AnchorSource>(StringComparer.Ordinal);
        foreach (var (name, node) in sourcesJson)
        {
            string at = $"{where}: source \"{name}\"";
            if (node is not JsonObject source)
                throw new UsageException($"{at} must be an object.");
            OnlyKeys(source, s_sourceKeys, at);
            sources[name] = new AnchorSource(name, Text(source, "measures", at), Text(source, "version", at),
                Optional(source, "detail", at), Optional(source, "reference", at));
        }

        if (file["anchors"] is not JsonArray array || array.Count == 0)
            throw new UsageException($"{where}: \"anchors\" must be a non-empty array.");
        var anchors = new List<Anchor>();
        for (int i = 0; i < array.Count; i++)
        {
            string at = $"{where}: anchors[{i}]";
            if (array[i] is not JsonObject entry)
                throw new UsageException($"{at} must be an object.");
            OnlyKeys(entry, s_anchorKeys, at);
            string env = Text(entry, "env", at);
            if (!EnvironmentRegistry.Ids.Contains(env))
                throw new UsageException($"{at}: unknown environment '{env}'; valid ids: {string.Join(", ", EnvironmentRegistry.Ids)}.");
            string sourceName = Text(entry, "source", at);
            if (!sources.TryGetValue(sourceName, out var source))
                throw new UsageException($"{at}: source '{sourceName}' is not one of \"sources\" ({string.Join(", ", sources.Keys)}).");
            if (entry["step"] is not JsonValue stepValue || !stepValue.TryGetValue(out long step) || step < 1)
                throw new UsageException($"{at}: \"step\" must be a whole number of steps ≥ 1.");
            double value = Number(entry, "value", at) ?? throw new UsageException($"{at}: \"value\" is missing.");
            double? std = Number(entry, "std", at);
            if (std < 0)
                throw new UsageException($"{at}: \"std\" must be ≥ 0.");
            if (anchors.Any(a => a.Env == env && a.Source.Name == sourceName))
                throw new UsageException($"{at}: a second {sourceName} value for {env}.");
            anchors.Add(new Anchor(env, source, step, value, std, Optional(entry, "note", at)));
        }

        var envNotes = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (file["envNotes"] is JsonNode notesNode)
        {
            if (notesNode is not JsonObject notes)
                throw new UsageException($"{where}: \"envNotes\" must be an object of environment id: text.");
            foreach (var (env, _) in notes)
            {
                string at = $"{where}: envNotes";
                if (!EnvironmentRegistry.Ids.Contains(env))
                    throw new UsageException($"{at}: unknown environment '{env}'; valid ids: {string.Join(", ", EnvironmentRegistry.Ids)}.");
                envNotes[env] = Text(notes, env, at);
            }
        }
        return new AnchorSet(about, anchors, envNotes);
    }

    /// <summary>1000000 → "1M", 300000 → "300k", 2500000 → "2.5M", 6000 → "6k", 400 → "400".</summary>
    public static string Steps(long steps) => steps switch
    {
        >= 1_000_000 when steps % 100_000 == 0 => (steps / 1e6).ToString("0.#", CultureInfo.InvariantCulture) + "M",
        >= 1_000 when steps % 1_000 == 0 => (steps / 1_000).ToString(CultureInfo.InvariantCulture) + "k",
        _ => steps.ToString("N0", CultureInfo.InvariantCulture),
    };

    private static void OnlyKeys(JsonObject json, string[] allowed, string where)
    {
        string? unknown = json.Select(p => p.Key).FirstOrDefault(k => !allowed.Contains(k));
        if (unknown is not null)
            throw new UsageException($"{where}: unknown key \"{unknown}\" (the keys are {string.Join(", ", allowed)}).");
    }

    private static string Text(JsonObject json, string key, string where) =>
        Optional(json, key, where) ?? throw new UsageException($"{where}: \"{key}\" is missing.");

    private static string? Optional(JsonObject json, string key, string where) => json[key] switch
    {
        null => null,
        JsonValue v when v.TryGetValue(out string? s) && !string.IsNullOrWhiteSpace(s) && !s.Contains('\n') => s.Trim(),
        _ => throw new UsageException($"{where}: \"{key}\" must be a non-empty line of text."),
    };

    private static double? Number(JsonObject json, string key, string where) => json[key] switch
    {
        null => null,
        JsonValue v when v.TryGetValue(out double d) && double.IsFinite(d) => d,
        _ => throw new UsageException($"{where}: \"{key}\" must be a finite number."),
    };
}
