using System.Text.Json;
using System.Text.Json.Nodes;
using Sac.Cli.Runs;

namespace Sac.Cli.Sweeps;

/// <summary>One cell of a sweep: one run, with its index (the Slurm array index), its directory name and its config.</summary>
/// <param name="Index">Position in the expansion order, from 0.</param>
/// <param name="Name">The run directory's name under runs/ (<see cref="RunName"/>).</param>
/// <param name="Config">Every effective option of the run, as `sac train` would build them (threads aside).</param>
/// <param name="Options">What distinguishes the cell: env, algo, seed and the varied keys, as the manifest records them.</param>
public sealed record SweepCell(int Index, string Name, RunConfig Config, JsonObject Options);

/// <summary>
/// A sweep file expanded into its cells, deterministically: environments, then algorithms, then option combinations
/// (grid in key order, each list entry within a grid point), then seeds, each in file order. Every cell is built as
/// `sac train` builds a run (the environment's profile, then the file's "options", then the cell's values) and checked
/// by <see cref="RunConfig.Validate"/>, and no two cells may be the same run; all before anything is written.
/// </summary>
public sealed class SweepPlan
{
    /// <summary>The manifest's format tag.</summary>
    public const string ManifestFormat = "sac-sweep-1";

    private SweepPlan(SweepFile file, IReadOnlyList<SweepCell> cells) => (File, Cells) = (file, cells);

    /// <summary>The sweep file.</summary>
    public SweepFile File { get; }

    /// <summary>The cells, in index order.</summary>
    public IReadOnlyList<SweepCell> Cells { get; }

    /// <summary>Expands and checks <paramref name="file"/>; a <see cref="UsageException"/> naming the first bad cell.</summary>
    public static SweepPlan Expand(SweepFile file)
    {
        var cells = new List<SweepCell>();
        var seen = new Dictionary<string, SweepCell>(StringComparer.Ordinal);
        foreach (string env in file.Envs)
        {
            var profile = EnvironmentProfiles.For(env).With(file.Options, $"{file.Label}: options");
            var algos = file.Algos.Count > 0 ? file.Algos : [profile.Algo];
            foreach (string algo in algos)
            foreach (var combination in file.Combinations)
            foreach (int seed in file.Seeds)
            {
                var values = (JsonObject)combination.DeepClone();
                values["algo"] = algo;
                values["seed"] = seed;
                string where = $"{file.Label}: cell {cells.Count} ({env}, {algo}, seed {seed}{Describe(combination)})";
                var config = profile.With(values, where);
                try
                {
                    config.Validate();
                }
                catch (UsageException e)
                {
                    throw new UsageException($"{where}: {e.Message}");
                }
                var varied = file.VariedKeys.Select(key => (key, RunOption.Format(RunOptions.Find(key)!.Get(config))));
                var cell = new SweepCell(cells.Count, RunName.For(env, algo, varied, seed), config, CellOptions(env, algo, seed, combination));
                string identity = config.ToJson();
                if (seen.TryGetValue(identity, out var twin))
                    throw new UsageException($"{file.Label}: cells {twin.Index} and {cell.Index} are the same run ({twin.Name}); remove the duplicate value or seed.");
                if (cells.Any(c => c.Name == cell.Name))
                    throw new InvalidOperationException($"Two different cells were given one name, {cell.Name}.");
                seen[identity] = cell;
                cells.Add(cell);
            }
        }
        return new SweepPlan(file, cells);
    }

    private static string Describe(JsonObject combination) =>
        combination.Count == 0 ? "" : ", " + string.Join(", ", combination.Select(p => $"{p.Key} {p.Value?.ToJsonString() ?? "null"}"));

    private static JsonObject CellOptions(string env, string algo, int seed, JsonObject combination)
    {
        var options = new JsonObject { ["env"] = env, ["algo"] = algo, ["seed"] = seed };
        foreach (var (key, value) in combination)
            options[key] = value?.DeepClone();
        return options;
    }

    /// <summary>
    /// manifest.json: the format tag, the sweep's name, the SHA-256 of the sweep file it was expanded from, and each cell's
    /// index, run directory (relative to the sweep directory) and options.
    /// </summary>
    public string ManifestJson()
    {
        var cells = new JsonArray();
        foreach (var cell in Cells)
            cells.Add(new JsonObject
            {
                ["index"] = cell.Index,
                ["run"] = SweepDirectory.RunsFolder + "/" + cell.Name,
                ["options"] = cell.Options.DeepClone(),
            });
        var manifest = new JsonObject
        {
            ["format"] = ManifestFormat,
            ["name"] = File.Name,
            ["sweepSha256"] = File.Sha256,
            ["cells"] = cells,
        };
        return manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }
}
