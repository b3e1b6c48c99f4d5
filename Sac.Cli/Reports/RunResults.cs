using System.Text.Json;
using System.Text.Json.Nodes;
using Sac.Cli.Runs;

namespace Sac.Cli.Reports;

/// <summary>A finished run's numbers: summary.json's final and best deterministic evaluation, and progress.csv's curve.</summary>
/// <param name="Path">The run directory.</param>
/// <param name="Config">Its config.json.</param>
/// <param name="FinalEval">The mean return of the last evaluation.</param>
/// <param name="BestEval">The best mean return over the run's evaluations.</param>
/// <param name="Curve">(step, eval/mean_reward) of every evaluation.</param>
public sealed record RunResult(string Path, RunConfig Config, double FinalEval, double BestEval, IReadOnlyList<(double Step, double Value)> Curve);

/// <summary>The runs of one environment × algorithm × option cell: the same config but for the seed.</summary>
/// <param name="Env">Environment id.</param>
/// <param name="Algo">v1 or v2.</param>
/// <param name="Options">The options that tell this cell from the others of the report (key, value).</param>
/// <param name="Runs">One finished run per seed, ordered by seed.</param>
public sealed record ResultGroup(string Env, string Algo, IReadOnlyList<(string Key, string Value)> Options, IReadOnlyList<RunResult> Runs)
{
    /// <summary>A short label for legends: "v2, actorLr=0.001".</summary>
    public string Label => string.Join(", ", new[] { Algo }.Concat(Options.Select(o => $"{o.Key}={o.Value}")));
}

/// <summary>
/// Finds the runs under the report's directories (any directory whose config.json is a Sac run, at any depth: a sweep
/// directory, a folder of `sac train` runs, or a run itself) and groups the finished ones into cells.
/// </summary>
public static class RunResults
{
    /// <summary>Options that never change a run's results, so runs differing only in them are one cell.</summary>
    private static readonly string[] s_ignored = ["seed", "threads", "checkpointEvery"];

    /// <summary>What was found: the cells, and the runs left out (unfinished, or a second run of a cell's seed), with why.</summary>
    public static (IReadOnlyList<ResultGroup> Groups, IReadOnlyList<string> Skipped) Collect(IEnumerable<string> directories)
    {
        var runs = new List<RunResult>();
        var skipped = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string directory in directories)
        {
            var root = new RunDirectory(directory, "report");
            if (!Directory.Exists(root.Path))
                throw new UsageException($"{root.Path}: no such directory.");
            foreach (var run in Find(root))
            {
                if (!seen.Add(run.Path))
                    continue;
                if (!File.Exists(run.Summary))
                {
                    skipped.Add($"{run.Path} (unfinished)");
                    continue;
                }
                runs.Add(Read(run));
            }
        }

        var keys = RunOptions.All.Where(o => !o.Shortcut && o.Key is not ("env" or "algo") && !s_ignored.Contains(o.Key)).ToList();
        string Identity(RunResult r) => string.Join('\n', new[] { r.Config.Env, r.Config.Algo }.Concat(keys.Select(k => RunOption.Format(k.Get(r.Config)))));
        var cells = runs.GroupBy(Identity, StringComparer.Ordinal).ToList();
        // The columns: the options whose value is not the same in every cell.
        var varied = keys.Where(k => cells.Select(c => RunOption.Format(k.Get(c.First().Config))).Distinct().Count() > 1).ToList();

        var groups = new List<ResultGroup>();
        foreach (var cell in cells)
        {
            var bySeed = new List<RunResult>();
            foreach (var run in cell.OrderBy(r => r.Config.Seed).ThenBy(r => r.Path, StringComparer.Ordinal))
            {
                if (bySeed.Any(r => r.Config.Seed == run.Config.Seed))
                    skipped.Add($"{run.Path} (seed {run.Config.Seed} of its cell is already {bySeed.First(r => r.Config.Seed == run.Config.Seed).Path})");
                else
                    bySeed.Add(run);
            }
            var first = bySeed[0].Config;
            groups.Add(new ResultGroup(first.Env, first.Algo, varied.Select(k => (k.Key, RunOption.Format(k.Get(first)))).ToList(), bySeed));
        }
        var ordered = groups.OrderBy(g => g.Env, StringComparer.Ordinal).ThenBy(g => g.Algo, StringComparer.Ordinal)
            .ThenBy(g => g.Options.Select(o => o.Value).ToList(), new ValuesComparer()).ToList();
        return (ordered, skipped);
    }

    /// <summary>Orders option values as numbers where both are numbers (1E-05 before 0.001), else as text.</summary>
    private sealed class ValuesComparer : IComparer<List<string>>
    {
        public int Compare(List<string>? x, List<string>? y)
        {
            for (int i = 0; i < Math.Min(x!.Count, y!.Count); i++)
            {
                int order = double.TryParse(x[i], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double a)
                    && double.TryParse(y[i], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double b)
                    ? a.CompareTo(b)
                    : string.CompareOrdinal(x[i], y[i]);
                if (order != 0)
                    return order;
            }
            return x.Count.CompareTo(y.Count);
        }
    }

    private static IEnumerable<RunDirectory> Find(RunDirectory root)
    {
        if (root.IsSacRun)
        {
            yield return root;
            yield break;
        }
        IEnumerable<string> children;
        try
        {
            children = Directory.GetDirectories(root.Path).Order(StringComparer.Ordinal).ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"Cannot list {root.Path}: {e.Message}");
        }
        foreach (string child in children)
            foreach (var run in Find(new RunDirectory(child, "report")))
                yield return run;
    }

    private static RunResult Read(RunDirectory run)
    {
        var config = RunConfig.Load(run.Config);
        try
        {
            var summary = JsonNode.Parse(File.ReadAllText(run.Summary)) as JsonObject;
            if (summary?["finalEvalMean"] is not JsonValue finalValue || !finalValue.TryGetValue(out double final)
                || summary["bestEvalMean"] is not JsonValue bestValue || !bestValue.TryGetValue(out double best))
                throw new UsageException($"{run.Summary} has no finalEvalMean and bestEvalMean numbers.");
            var curve = File.Exists(run.Progress) ? ProgressLog.ReadColumn(run.Progress, "eval/mean_reward") : [];
            return new RunResult(run.Path, config, final, best, curve);
        }
        catch (Exception e) when (e is JsonException or FormatException or IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{run.Path}: cannot read its results ({e.Message}).");
        }
    }
}
