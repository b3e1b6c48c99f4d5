using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Sac.Cli.Runs;

namespace Sac.Cli.Sweeps;

/// <summary>
/// A sweep file, read and checked: the environments, algorithms and seeds, the option values to combine (a
/// <c>grid</c>, a <c>list</c>, or both) and the options every cell shares, all in the keys of a run's config.json.
/// <code>
/// { "name": "pendulum-lr", "env": ["Pendulum-v1"], "algo": ["v1", "v2"], "seeds": [0, 1, 2, 3, 4],
///   "grid": { "actorLr": [3e-4, 1e-3] }, "options": { "steps": 6000 } }
/// </code>
/// <para>
/// <c>grid</c> maps keys to value lists and stands for every combination; <c>list</c> is an array of option objects,
/// each one combination; with both, every list entry is combined with every grid point. Without either, the sweep is
/// over environments, algorithms and seeds alone.
/// </para>
/// </summary>
public sealed class SweepFile
{
    /// <summary>The top-level keys, in the order a sweep file is documented.</summary>
    public static readonly string[] Keys = ["name", "env", "algo", "seeds", "grid", "list", "options"];

    /// <summary>The longest sweep name: it names a directory, and its runs' names (env, algo, options, seed) are added
    /// beside it in paths, under the 255 bytes a file name may hold.</summary>
    public const int MaxNameLength = 100;

    /// <summary>Options a sweep names elsewhere, or that its executor chooses: not allowed in grid, list or options.</summary>
    private static readonly Dictionary<string, string> s_reserved = new(StringComparer.Ordinal)
    {
        ["env"] = "give environments in the top-level \"env\"",
        ["algo"] = "give algorithms in the top-level \"algo\"",
        ["seed"] = "give seeds in the top-level \"seeds\"",
        ["threads"] = "threads are chosen by the executor (--local N, or --slurm --threads T); results do not depend on them",
    };

    private SweepFile(string label, byte[] bytes, string name, IReadOnlyList<string> envs, IReadOnlyList<string> algos,
        IReadOnlyList<int> seeds, IReadOnlyList<JsonObject> combinations, IReadOnlyList<string> variedKeys, JsonObject options)
    {
        (Label, Bytes, Name, Envs, Algos, Seeds, Combinations, VariedKeys, Options) = (label, bytes, name, envs, algos, seeds, combinations, variedKeys, options);
    }

    /// <summary>How messages name the file ("sweep file grid.json").</summary>
    public string Label { get; }

    /// <summary>The file's exact bytes (copied into the sweep directory, and hashed).</summary>
    public byte[] Bytes { get; }

    /// <summary>SHA-256 of <see cref="Bytes"/>, lower-case hex: a sweep directory belongs to exactly one file content.</summary>
    public string Sha256 => Convert.ToHexStringLower(SHA256.HashData(Bytes));

    /// <summary>The sweep's name (the default sweep directory is sweeps/&lt;name&gt;).</summary>
    public string Name { get; }

    /// <summary>Environment ids, in file order.</summary>
    public IReadOnlyList<string> Envs { get; }

    /// <summary>Algorithm names (<see cref="Sac.Core.Algorithms.AlgorithmRegistry"/>), in file order (the environment profile's algorithm when the file names none).</summary>
    public IReadOnlyList<string> Algos { get; }

    /// <summary>Seeds, in file order.</summary>
    public IReadOnlyList<int> Seeds { get; }

    /// <summary>The option combinations (grid × list), each a JSON object of config keys; one empty object without either.</summary>
    public IReadOnlyList<JsonObject> Combinations { get; }

    /// <summary>The keys the grid and the list vary, in the order they first appear: the ones a cell's name shows.</summary>
    public IReadOnlyList<string> VariedKeys { get; }

    /// <summary>Options every cell shares, laid over the environment's profile.</summary>
    public JsonObject Options { get; }

    /// <summary>Reads and checks <paramref name="path"/>; a <see cref="UsageException"/> naming the first problem.</summary>
    public static SweepFile Read(string path)
    {
        string label = $"sweep file {path}";
        return Parse(JsonFile.ReadBounded(path, label), label);
    }

    /// <summary>Checks the sweep file's <paramref name="bytes"/>; <paramref name="label"/> names it in messages.</summary>
    public static SweepFile Parse(byte[] bytes, string label)
    {
        var json = JsonFile.ParseObject(System.Text.Encoding.UTF8.GetString(bytes), label);
        foreach (var (key, _) in json)
            if (!Keys.Contains(key))
                throw new UsageException($"{label}: unknown key '{key}'; a sweep file has {string.Join(", ", Keys)}.");

        string name = json["name"] is JsonValue n && n.TryGetValue(out string? s) ? s : throw new UsageException($"{label}: \"name\" must be a string (it names the sweep directory).");
        if (name.Length == 0 || name != RunName.Sanitize(name) || name.StartsWith('.'))
            throw new UsageException($"{label}: \"name\" '{name}' must be letters, digits, '.', '_', '-' or '=', not starting with '.' (it names the sweep directory).");
        // A file name holds at most 255 bytes; the sweep's name is one, and a run's name adds to it.
        if (name.Length > MaxNameLength)
            throw new UsageException($"{label}: \"name\" is {name.Length} characters; at most {MaxNameLength} (it names the sweep directory).");

        var envs = Strings(json, "env", label, required: true);
        foreach (string env in envs)
            if (!Sac.Core.Environments.EnvironmentRegistry.Ids.Contains(env))
                throw new UsageException($"{label}: unknown environment '{env}' in \"env\"; valid ids: {string.Join(", ", Sac.Core.Environments.EnvironmentRegistry.Ids)}.");
        var algos = Strings(json, "algo", label, required: false);
        var algoOption = RunOptions.Find("algo")!;
        for (int i = 0; i < algos.Count; i++)
            algoOption.FromJson(JsonValue.Create(algos[i]), $"{label}: \"algo\"[{i}]");
        var seeds = ReadSeeds(json, label);

        var options = json["options"] switch
        {
            null when !json.ContainsKey("options") => new JsonObject(),
            JsonObject o => (JsonObject)o.DeepClone(),
            _ => throw new UsageException($"{label}: \"options\" must be an object of config.json keys and values."),
        };
        CheckKeys(options, $"{label}: options");
        foreach (var (key, value) in options)
            RunOptions.Find(key)!.FromJson(value, $"{label}: options.{key}");

        var grid = ReadGrid(json, label);
        var list = ReadList(json, label);
        var varied = new List<string>();
        foreach (string key in grid.Select(g => g.Key).Concat(list.SelectMany(entry => entry.Select(p => p.Key))))
        {
            if (options.ContainsKey(key))
                throw new UsageException($"{label}: '{key}' is both in \"options\" and varied by {(grid.Any(g => g.Key == key) ? "\"grid\"" : "\"list\"")}; give it in one place.");
            if (!varied.Contains(key))
                varied.Add(key);
        }
        foreach (var (key, _) in grid)
            if (list.Any(entry => entry.ContainsKey(key)))
                throw new UsageException($"{label}: '{key}' is varied both by \"grid\" and by \"list\"; give it in one place.");

        var combinations = new List<JsonObject> { new() };
        foreach (var (key, values) in grid)
            combinations = combinations.SelectMany(c => values.Select(v => With(c, key, v))).ToList();
        if (list.Count > 0)
            combinations = combinations.SelectMany(c => list.Select(entry => entry.Aggregate(c, (acc, p) => With(acc, p.Key, p.Value)))).ToList();

        return new SweepFile(label, bytes, name, envs, algos, seeds, combinations, varied, options);
    }

    private static JsonObject With(JsonObject combination, string key, JsonNode? value)
    {
        var copy = (JsonObject)combination.DeepClone();
        copy[key] = value?.DeepClone();
        return copy;
    }

    private static List<string> Strings(JsonObject json, string key, string label, bool required)
    {
        switch (json[key])
        {
            case null when !json.ContainsKey(key) && !required:
                return [];
            case null when !json.ContainsKey(key):
                throw new UsageException($"{label}: \"{key}\" is required (a string or a list of strings).");
            case JsonValue v when v.TryGetValue(out string? one):
                return [one];
            case JsonArray array when array.Count > 0 && array.All(e => e is JsonValue ev && ev.TryGetValue(out string? _)):
                return array.Select(e => e!.GetValue<string>()).ToList();
            case JsonArray { Count: 0 }:
                throw new UsageException($"{label}: \"{key}\" is empty.");
            default:
                throw new UsageException($"{label}: \"{key}\" must be a string or a list of strings, got {json[key]?.ToJsonString() ?? "null"}.");
        }
    }

    private static List<int> ReadSeeds(JsonObject json, string label)
    {
        if (json["seeds"] is not JsonArray array)
            throw new UsageException($"{label}: \"seeds\" is required: a list of seeds, e.g. [0, 1, 2, 3, 4].");
        if (array.Count == 0)
            throw new UsageException($"{label}: \"seeds\" is empty.");
        var seedOption = RunOptions.Find("seed")!;
        return array.Select((e, i) => (int)seedOption.FromJson(e, $"{label}: \"seeds\"[{i}]")!).ToList();
    }

    private static List<(string Key, JsonArray Values)> ReadGrid(JsonObject json, string label)
    {
        if (!json.ContainsKey("grid"))
            return [];
        if (json["grid"] is not JsonObject grid)
            throw new UsageException($"{label}: \"grid\" must be an object mapping config.json keys to lists of values.");
        if (grid.Count == 0)
            throw new UsageException($"{label}: \"grid\" is empty; give at least one key with a list of values, or leave \"grid\" out.");
        CheckKeys(grid, $"{label}: grid");
        var axes = new List<(string, JsonArray)>();
        foreach (var (key, node) in grid)
        {
            if (node is not JsonArray values)
                throw new UsageException($"{label}: grid.{key} must be a list of values, got {node?.ToJsonString() ?? "null"}.");
            if (values.Count == 0)
                throw new UsageException($"{label}: grid.{key} is empty; give at least one value.");
            var option = RunOptions.Find(key)!;
            for (int i = 0; i < values.Count; i++)
                option.FromJson(values[i], $"{label}: grid.{key}[{i}]");
            axes.Add((key, values));
        }
        return axes;
    }

    private static List<JsonObject> ReadList(JsonObject json, string label)
    {
        if (!json.ContainsKey("list"))
            return [];
        if (json["list"] is not JsonArray list || list.Any(e => e is not JsonObject))
            throw new UsageException($"{label}: \"list\" must be a list of objects of config.json keys and values.");
        if (list.Count == 0)
            throw new UsageException($"{label}: \"list\" is empty; give at least one object of options, or leave \"list\" out.");
        for (int i = 0; i < list.Count; i++)
        {
            var entry = (JsonObject)list[i]!;
            CheckKeys(entry, $"{label}: list[{i}]");
            foreach (var (key, value) in entry)
                RunOptions.Find(key)!.FromJson(value, $"{label}: list[{i}].{key}");
        }
        return list.Select(e => (JsonObject)e!.DeepClone()).ToList();
    }

    /// <summary>Every key must be a config.json key (or the --lr shortcut) that a sweep may set; values are checked by the caller.</summary>
    private static void CheckKeys(JsonObject values, string where)
    {
        foreach (var (key, _) in values)
        {
            var option = RunOptions.Find(key);
            if (option is null || option.Key != key)
            {
                string hint = option is not null ? $" (did you mean '{option.Key}'? sweep files use config.json's keys)" : "";
                throw new UsageException($"{where}: unknown key '{key}'{hint}; valid keys: {string.Join(", ", RunOptions.All.Where(o => !s_reserved.ContainsKey(o.Key)).Select(o => o.Key))}.");
            }
            if (s_reserved.TryGetValue(key, out string? why))
                throw new UsageException($"{where}: '{key}' cannot be set here: {why}.");
        }
    }
}
