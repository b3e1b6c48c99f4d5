using System.Globalization;
using System.Text;
using Sac.Cli.Runs;

namespace Sac.Cli.Reports;

/// <summary>What a cell's runs cost, over the runs whose summary.json says (older summaries lack some fields).</summary>
/// <param name="WallSecondsPerMillion">Median over runs of wallSeconds / steps × 10⁶, when any run gives it.</param>
/// <param name="StepsPerSecond">Median over runs of the environment steps per second, when any run gives it.</param>
/// <param name="Known">How many of the cell's runs give their wall-clock.</param>
/// <param name="Machines">The machine kinds the runs trained on, ordinal order, "unknown" for a run that names none.</param>
public sealed record CellCost(double? WallSecondsPerMillion, double? StepsPerSecond, int Known, IReadOnlyList<string> Machines)
{
    /// <summary>The cost of <paramref name="runs"/>.</summary>
    public static CellCost Of(IReadOnlyList<RunResult> runs)
    {
        double[] wall = runs.Select(r => r.Summary.WallSecondsPerMillion).OfType<double>().ToArray();
        double[] speed = runs.Select(r => r.Summary.StepsPerSecond).OfType<double>().ToArray();
        var machines = runs.SelectMany(r => r.Summary.MachineKinds.DefaultIfEmpty(Machine.Unknown)).Distinct().Order(StringComparer.Ordinal).ToList();
        return new CellCost(wall.Length > 0 ? Statistics.Median(wall) : null, speed.Length > 0 ? Statistics.Median(speed) : null, wall.Length, machines);
    }
}

/// <summary>One row of the report: a cell's final and best evaluation over its seeds, and what its runs cost.</summary>
/// <param name="Group">The cell.</param>
/// <param name="Final">IQM of the final evaluations with its 95 % interval.</param>
/// <param name="FinalMedian">Their median.</param>
/// <param name="FinalMin">Their minimum.</param>
/// <param name="FinalMax">Their maximum.</param>
/// <param name="Best">IQM of the best evaluations with its 95 % interval.</param>
/// <param name="BestMedian">Their median.</param>
/// <param name="BestMin">Their minimum.</param>
/// <param name="BestMax">Their maximum.</param>
/// <param name="Cost">The runs' wall-clock, speed and machines.</param>
public sealed record ReportRow(ResultGroup Group, Interval Final, double FinalMedian, double FinalMin, double FinalMax,
    Interval Best, double BestMedian, double BestMin, double BestMax, CellCost Cost);

/// <summary>
/// `sac report`: per environment × algorithm × option cell, the final and best deterministic evaluation over seeds as
/// the IQM with a 95 % stratified-bootstrap interval, the median, the range and each seed's value (report.md,
/// report.csv), what the runs cost (wall-clock per 1M steps, steps/s, machines), and the learning curves' IQM with its
/// band and any published anchors (curves-&lt;env&gt;.png/.svg).
/// </summary>
/// <remarks>
/// The output is a function of the runs' files alone: the same runs give report.md and report.csv byte for byte.
/// </remarks>
public static class Report
{
    /// <summary>Bootstrap resamples per point of a learning curve (rliable's default).</summary>
    public const int CurveResamples = 2_000;

    /// <summary>The rows of <paramref name="groups"/>.</summary>
    public static IReadOnlyList<ReportRow> Rows(IReadOnlyList<ResultGroup> groups, int resamples, ulong seed) => groups.Select(g =>
    {
        double[] final = g.Runs.Select(r => r.FinalEval).ToArray(), best = g.Runs.Select(r => r.BestEval).ToArray();
        return new ReportRow(g,
            Statistics.IqmWithInterval([final], resamples, seed), Statistics.Median(final), final.Min(), final.Max(),
            Statistics.IqmWithInterval([best], resamples, seed), Statistics.Median(best), best.Min(), best.Max(),
            CellCost.Of(g.Runs));
    }).ToList();

    /// <summary>What one report is made of besides its rows.</summary>
    /// <param name="Skipped">The runs left out, with why.</param>
    /// <param name="Sources">The directories given.</param>
    /// <param name="Resamples">Bootstrap resamples of the table's intervals.</param>
    /// <param name="Seed">The bootstrap's seed.</param>
    /// <param name="Anchors">Published results to draw and list (<see cref="AnchorSet.None"/> without --anchors).</param>
    /// <param name="AnchorsFile">The --anchors file, as given.</param>
    public sealed record Inputs(IReadOnlyList<string> Skipped, IReadOnlyList<string> Sources, int Resamples, ulong Seed,
        AnchorSet Anchors, string? AnchorsFile);

    /// <summary>Writes report.md, report.csv and the curves into <paramref name="outDirectory"/>; returns report.md's text.</summary>
    public static string Write(IReadOnlyList<ReportRow> rows, Inputs inputs, string outDirectory)
    {
        Directory.CreateDirectory(outDirectory);
        var curves = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var env in Envs(rows))
        {
            var groups = rows.Where(r => r.Group.Env == env).Select(r => r.Group).ToList();
            curves[env] = CurvePlot.Render(groups, env, outDirectory, inputs.Seed, inputs.Anchors.For(env), CurveSteps(groups));
        }
        string markdown = Markdown(rows, inputs, curves) + RunsTable(rows, outDirectory) + LeftOut(inputs.Skipped);
        RunDirectory.WriteAtomically(Path.Combine(outDirectory, "report.md"), markdown);
        RunDirectory.WriteAtomically(Path.Combine(outDirectory, "report.csv"), Csv(rows));
        return markdown;
    }

    /// <summary>Per environment, the table of returns, its anchors and its curves; then the table of costs.</summary>
    public static string Markdown(IReadOnlyList<ReportRow> rows, Inputs inputs, IReadOnlyDictionary<string, string> curves)
    {
        var keys = rows.Count > 0 ? rows[0].Group.Options.Select(o => o.Key).ToList() : [];
        var text = new StringBuilder();
        text.Append($"Runs from {string.Join(", ", inputs.Sources.Select(s => $"`{s}`"))}. Deterministic evaluation return over seeds: ");
        text.Append($"IQM [95 % CI] (interquartile mean, scipy's trim_mean(x, 0.25), as rliable; percentile interval of {inputs.Resamples:N0} stratified bootstrap resamples, seed {inputs.Seed}), median, min and max, and each seed's value (s0 is seed 0).\n");
        foreach (string env in Envs(rows))
        {
            text.Append($"\n## {env}\n\n");
            text.Append("| env | algo | " + string.Concat(keys.Select(k => k + " | ")) + "seeds | final IQM [95 % CI] | final median | final min … max | final per seed | best IQM [95 % CI] | best median | best min … max | best per seed |\n");
            text.Append("|---|---|" + string.Concat(keys.Select(_ => "---:|")) + "---:|---:|---:|---:|---|---:|---:|---:|---|\n");
            foreach (var row in rows.Where(r => r.Group.Env == env))
            {
                var g = row.Group;
                text.Append($"| {g.Env} | {g.Algo} | " + string.Concat(g.Options.Select(o => o.Value + " | ")));
                text.Append(F($"{g.Runs.Count} | {Show(row.Final)} | {row.FinalMedian:F1} | {row.FinalMin:F1} … {row.FinalMax:F1} | {PerSeed(g, r => r.FinalEval)} | "));
                text.Append(F($"{Show(row.Best)} | {row.BestMedian:F1} | {row.BestMin:F1} … {row.BestMax:F1} | {PerSeed(g, r => r.BestEval)} |\n"));
            }
            var anchors = inputs.Anchors.For(env);
            if (anchors.Count > 0)
            {
                text.Append($"\nPublished results from `{inputs.AnchorsFile}`, the dashed lines on the curves{(inputs.Anchors.About is string about ? $" ({about.TrimEnd('.')})" : "")}:\n\n");
                foreach (var anchor in anchors)
                    text.Append($"- {anchor.Describe()}\n");
                if (inputs.Anchors.EnvNotes.TryGetValue(env, out string? note))
                    text.Append($"\n{env} against those versions: {note}\n");
            }
            text.Append($"\n![{Path.GetFileNameWithoutExtension(curves[env])}]({Path.GetFileName(curves[env])})\n");
            var gaps = CurveGaps(rows.Where(r => r.Group.Env == env).ToList());
            if (gaps.Count > 0)
            {
                text.Append("\nNot drawn (a cell's curve is drawn at the steps where every seed has a finite evaluation):\n\n");
                foreach (string gap in gaps)
                    text.Append($"- {gap}\n");
            }
        }
        if (rows.Count == 0)
            text.Append("\nNo finished runs.\n");
        else
            text.Append(CostTable(rows, keys));
        return text.ToString();
    }

    /// <summary>Per cell, the median wall-clock per 1M steps and steps/s over its runs, and the machines they ran on.</summary>
    private static string CostTable(IReadOnlyList<ReportRow> rows, IReadOnlyList<string> keys)
    {
        var text = new StringBuilder("\n## Wall-clock\n\n");
        text.Append("Training time from each run's summary.json (wallSeconds: acting, learning and evaluating, over every resumed segment), ");
        text.Append("as the wall-clock of 1M environment steps at the run's speed (wallSeconds / steps × 10⁶) and environment steps per second; medians over the cell's runs. ");
        text.Append("A run whose summary.json predates these fields counts as unknown.\n\n");
        text.Append("| env | algo | " + string.Concat(keys.Select(k => k + " | ")) + "seeds | wall-clock per 1M steps | env steps/s | machines |\n");
        text.Append("|---|---|" + string.Concat(keys.Select(_ => "---:|")) + "---:|---:|---:|---|\n");
        foreach (var row in rows)
        {
            var (g, cost) = (row.Group, row.Cost);
            string partial = cost.Known > 0 && cost.Known < g.Runs.Count ? F($" ({cost.Known} of {g.Runs.Count} runs)") : "";
            text.Append($"| {g.Env} | {g.Algo} | " + string.Concat(g.Options.Select(o => o.Value + " | ")));
            text.Append(F($"{g.Runs.Count} | {Duration(cost.WallSecondsPerMillion)}{partial} | {Speed(cost.StepsPerSecond)} | {Cell(string.Join(", ", cost.Machines))} |\n"));
        }
        return text.ToString();
    }

    /// <summary>
    /// Every run, cell by cell: its page (index.html, relative to the report), its numbers and its cost. A finished run
    /// made before run pages existed gets its page written now, unless a process holds the run (it is written at the end then).
    /// </summary>
    private static string RunsTable(IReadOnlyList<ReportRow> rows, string outDirectory)
    {
        if (rows.Count == 0)
            return "";
        var text = new StringBuilder("\n## Runs\n\n");
        text.Append("| env | cell | seed | steps | final | best | wall-clock | per 1M steps | env steps/s | machine |\n");
        text.Append("|---|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
        foreach (var row in rows)
        {
            foreach (var run in row.Group.Runs)
            {
                string? page = Page(run, outDirectory);
                string seed = page is null ? F($"seed {run.Config.Seed}") : F($"[seed {run.Config.Seed}]({page})");
                var summary = run.Summary;
                text.Append(F($"| {row.Group.Env} | {Cell(row.Group.Label)} | {seed} | {summary.Steps:N0} | {run.FinalEval:F1} | {run.BestEval:F1} | "));
                text.Append(F($"{Duration(summary.WallSeconds)} | {Duration(summary.WallSecondsPerMillion)} | {Speed(summary.StepsPerSecond)} | {Cell(Machines(summary))} |\n"));
            }
        }
        return text.ToString();
    }

    /// <summary>The run's page relative to the report, written first if missing; null when it cannot be written now.</summary>
    private static string? Page(RunResult run, string outDirectory)
    {
        string page = Path.Combine(run.Path, RunPage.FileName);
        if (!File.Exists(page))
        {
            try
            {
                using (new RunDirectory(run.Path, "report").Lock())
                    RunPage.Write(run.Path);
            }
            catch (Exception e) when (e is UsageException or IOException or UnauthorizedAccessException)
            {
                return null; // running, or not writable: no page to link yet
            }
        }
        return Path.GetRelativePath(outDirectory, page).Replace('\\', '/');
    }

    private static string LeftOut(IReadOnlyList<string> skipped) =>
        skipped.Count == 0 ? "" : "\nLeft out:\n\n" + string.Concat(skipped.Select(s => $"- {s}\n"));

    /// <summary>The evaluations a cell's curve leaves out, each named by run and step, and the cells with no curve at all.</summary>
    private static List<string> CurveGaps(IReadOnlyList<ReportRow> rows)
    {
        var gaps = new List<string>();
        foreach (var row in rows)
        {
            foreach (var run in row.Group.Runs)
                gaps.AddRange(run.Progress.Notes.Select(n => $"{run.Path}: {n}"));
            if (CurvePlot.CommonSteps(row.Group).Length == 0)
                gaps.Add($"{row.Group.Env} {row.Group.Label}: no step at which every seed has a finite evaluation, so no curve");
        }
        return gaps;
    }

    /// <summary>The same rows as CSV, one column per number, at full precision.</summary>
    public static string Csv(IReadOnlyList<ReportRow> rows)
    {
        var keys = rows.Count > 0 ? rows[0].Group.Options.Select(o => o.Key).ToList() : [];
        var text = new StringBuilder();
        text.Append("env,algo," + string.Concat(keys.Select(k => k + ",")) +
            "seeds,final_iqm,final_ci_low,final_ci_high,final_median,final_min,final_max,best_iqm,best_ci_low,best_ci_high,best_median,best_min,best_max," +
            "final_by_seed,best_by_seed,wall_seconds_per_1m_median,steps_per_second_median,machines,runs\n");
        foreach (var row in rows)
        {
            var g = row.Group;
            var cells = new List<string> { g.Env, g.Algo };
            cells.AddRange(g.Options.Select(o => o.Value));
            cells.Add(g.Runs.Count.ToString(CultureInfo.InvariantCulture));
            cells.AddRange(new[] { row.Final.Value, row.Final.Low, row.Final.High, row.FinalMedian, row.FinalMin, row.FinalMax,
                row.Best.Value, row.Best.Low, row.Best.High, row.BestMedian, row.BestMin, row.BestMax }.Select(R));
            // "seed:value" pairs, ';' between them: one cell, and no quoting needed.
            cells.Add(string.Join(';', g.Runs.Select(r => F($"{r.Config.Seed}:") + R(r.FinalEval))));
            cells.Add(string.Join(';', g.Runs.Select(r => F($"{r.Config.Seed}:") + R(r.BestEval))));
            cells.Add(row.Cost.WallSecondsPerMillion is double wall ? R(wall) : "");
            cells.Add(row.Cost.StepsPerSecond is double speed ? R(speed) : "");
            cells.Add(string.Join(';', row.Cost.Machines));
            cells.Add(string.Join(';', g.Runs.Select(r => r.Path)));
            text.Append(string.Join(',', cells.Select(Escape)) + "\n");
        }
        return text.ToString();
    }

    private static IEnumerable<string> Envs(IReadOnlyList<ReportRow> rows) => rows.Select(r => r.Group.Env).Distinct();

    /// <summary>Where an environment's curves end: the most steps any of its runs was configured for.</summary>
    private static long CurveSteps(IReadOnlyList<ResultGroup> groups) => groups.SelectMany(g => g.Runs).Max(r => r.Config.Steps);

    /// <summary>"s0 9,721; s1 10,132": each seed's value, by seed.</summary>
    private static string PerSeed(ResultGroup group, Func<RunResult, double> value) =>
        string.Join("; ", group.Runs.Select(r => F($"s{r.Config.Seed} {value(r):N0}")));

    /// <summary>A run's machines: "Zen 4 (AMD EPYC, AVX-512, 2 cores)", or per stretch "… 0–300k; … 300k–1M" when resumed
    /// elsewhere. Consecutive segments on machines described alike (a run stopped and resumed on the same kind) are one stretch.</summary>
    private static string Machines(RunSummary summary)
    {
        var stretches = new List<(string Machine, long From, long To)>();
        foreach (var segment in summary.Segments)
        {
            string machine = segment.Machine?.Describe() ?? Machine.Unknown;
            if (stretches.Count > 0 && stretches[^1].Machine == machine)
                stretches[^1] = (machine, stretches[^1].From, segment.ToStep);
            else
                stretches.Add((machine, segment.FromStep, segment.ToStep));
        }
        return stretches.Count switch
        {
            0 => Machine.Unknown,
            1 => stretches[0].Machine,
            _ => string.Join("; ", stretches.Select(s => $"{s.Machine} {Anchors.Steps(s.From)}–{Anchors.Steps(s.To)}")),
        };
    }

    /// <summary>"42.0 s", "37 min", "6.7 h", or "unknown".</summary>
    private static string Duration(double? seconds) => seconds switch
    {
        null => Machine.Unknown,
        < 100 => F($"{seconds:F1} s"),
        < 7_200 => F($"{seconds / 60:F0} min"),
        _ => F($"{seconds / 3_600:F1} h"),
    };

    private static string Speed(double? stepsPerSecond) => stepsPerSecond is double s ? F($"{s:N0}") : Machine.Unknown;

    private static string Show(Interval i) => F($"**{i.Value:F1}** [{i.Low:F1}, {i.High:F1}]");

    private static string R(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    /// <summary>Text from a run's files inside a Markdown table cell: a '|' would end the cell.</summary>
    private static string Cell(string text) => text.Replace("|", "\\|");

    private static string Escape(string cell) => cell.Contains(',') || cell.Contains('"') ? "\"" + cell.Replace("\"", "\"\"") + "\"" : cell;
}
