using System.Globalization;
using Sac.Cli.Runs;

namespace Sac.Cli.Reports;

/// <summary>
/// A finished run's numbers: summary.json's final and best deterministic evaluation and cost, and progress.csv's curve.
/// </summary>
/// <param name="Path">The run directory (by the first path the walk met it on).</param>
/// <param name="Config">Its config.json.</param>
/// <param name="Summary">Its summary.json.</param>
/// <param name="Progress">Its progress.csv's evaluations, with what could not be drawn.</param>
public sealed record RunResult(string Path, RunConfig Config, RunSummary Summary, ProgressCurve Progress)
{
    /// <summary>The mean return of the last evaluation.</summary>
    public double FinalEval => Summary.FinalEval;

    /// <summary>The best mean return over the run's evaluations.</summary>
    public double BestEval => Summary.BestEval;

    /// <summary>(step, eval/mean_reward) of every evaluation with a finite value.</summary>
    public IReadOnlyList<(double Step, double Value)> Curve => Progress.Points;
}

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
/// Reads the runs under the report's directories (any directory whose config.json is a Sac run, at any depth: a sweep
/// directory, a folder of `sac train` runs, or a run itself; see <see cref="RunFinder"/>) and groups the finished ones
/// into cells.
/// </summary>
public static class RunResults
{
    /// <summary>Options that never change a run's results, so runs differing only in them are one cell.</summary>
    private static readonly string[] s_ignored = ["seed", "threads", "checkpointEvery"];

    /// <summary>
    /// What was found: the cells, and the runs left out with why: unfinished (no summary.json, or one that does not
    /// cover config.json's steps), unreadable, or a second run of a cell's seed.
    /// </summary>
    public static (IReadOnlyList<ResultGroup> Groups, IReadOnlyList<string> Skipped) Collect(IEnumerable<string> directories)
    {
        var (found, unreadable) = RunFinder.Find(directories);
        var skipped = new List<string>(unreadable);
        var runs = new List<RunResult>();
        foreach (var run in found)
        {
            try
            {
                runs.Add(Read(run));
            }
            catch (InvalidDataException e)
            {
                skipped.Add($"{run.Path} ({e.Message})");
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

    /// <summary>
    /// Reads a run; one the report must leave out is an <see cref="InvalidDataException"/> saying why.
    /// </summary>
    /// <remarks>
    /// CRUCIAL: a run is finished only when summary.json's steps cover config.json's. <c>sac train --resume RUN --steps
    /// N</c> rewrites config.json at once and summary.json only at the end, so an extension that was stopped leaves the
    /// old run's summary beside a config that asks for more: that run is unfinished, not a finished N-step run.
    /// </remarks>
    private static RunResult Read(RunDirectory run)
    {
        RunConfig config;
        try
        {
            config = RunConfig.Load(run.Config);
        }
        catch (UsageException e)
        {
            throw new InvalidDataException($"config.json: {e.Message.TrimEnd('.')}");
        }
        catch (ArgumentException e)
        {
            // NOTE: RunConfig.Load lets through JsonObject's refusal of a key given twice (thrown when first read).
            throw new InvalidDataException($"config.json has a key twice: {RunSummary.KeyTwice(e)}");
        }
        if (!File.Exists(run.Summary))
            throw new InvalidDataException("unfinished");
        var summary = RunSummary.Read(run.Summary);
        if (summary.Steps < config.Steps)
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"unfinished: summary at {summary.Steps:N0} of {config.Steps:N0} steps"));
        return new RunResult(run.Path, config, summary, ProgressCurve.Read(run.Progress));
    }
}
