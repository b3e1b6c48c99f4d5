using System.Globalization;
using System.Text;
using Sac.Cli.Runs;

namespace Sac.Cli.Reports;

/// <summary>One row of the report: a cell's final and best evaluation over its seeds.</summary>
/// <param name="Group">The cell.</param>
/// <param name="Final">IQM of the final evaluations with its 95 % interval.</param>
/// <param name="FinalMedian">Their median.</param>
/// <param name="FinalMin">Their minimum.</param>
/// <param name="FinalMax">Their maximum.</param>
/// <param name="Best">IQM of the best evaluations with its 95 % interval.</param>
/// <param name="BestMedian">Their median.</param>
/// <param name="BestMin">Their minimum.</param>
/// <param name="BestMax">Their maximum.</param>
public sealed record ReportRow(ResultGroup Group, Interval Final, double FinalMedian, double FinalMin, double FinalMax,
    Interval Best, double BestMedian, double BestMin, double BestMax);

/// <summary>
/// `sac report`: per environment × algorithm × option cell, the final and best deterministic evaluation over seeds as
/// the IQM with a 95 % stratified-bootstrap interval, the median and the range (report.md, report.csv), and the
/// learning curves' IQM with its band (curves-&lt;env&gt;.png/.svg).
/// </summary>
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
            Statistics.IqmWithInterval([best], resamples, seed), Statistics.Median(best), best.Min(), best.Max());
    }).ToList();

    /// <summary>Writes report.md, report.csv and the curves into <paramref name="outDirectory"/>; returns report.md's text.</summary>
    public static string Write(IReadOnlyList<ReportRow> rows, IReadOnlyList<string> skipped, IReadOnlyList<string> sources, string outDirectory, int resamples, ulong seed)
    {
        Directory.CreateDirectory(outDirectory);
        var curves = new List<string>();
        foreach (var env in rows.Select(r => r.Group.Env).Distinct())
            curves.Add(CurvePlot.Render(rows.Where(r => r.Group.Env == env).Select(r => r.Group).ToList(), env, outDirectory, seed));
        string markdown = Markdown(rows, skipped, sources, curves, resamples, seed) + RunPages(rows, outDirectory);
        RunDirectory.WriteAtomically(Path.Combine(outDirectory, "report.md"), markdown);
        RunDirectory.WriteAtomically(Path.Combine(outDirectory, "report.csv"), Csv(rows));
        return markdown;
    }

    /// <summary>The Markdown table, with what the numbers are.</summary>
    public static string Markdown(IReadOnlyList<ReportRow> rows, IReadOnlyList<string> skipped, IReadOnlyList<string> sources, IReadOnlyList<string> curves, int resamples, ulong seed)
    {
        var keys = rows.Count > 0 ? rows[0].Group.Options.Select(o => o.Key).ToList() : [];
        var text = new StringBuilder();
        text.Append($"Runs from {string.Join(", ", sources.Select(s => $"`{s}`"))}. Deterministic evaluation return over seeds: ");
        text.Append($"IQM [95 % CI] (interquartile mean, scipy's trim_mean(x, 0.25), as rliable; percentile interval of {resamples:N0} stratified bootstrap resamples, seed {seed}), median, min and max.\n\n");
        text.Append("| env | algo | " + string.Concat(keys.Select(k => k + " | ")) + "seeds | final IQM [95 % CI] | final median | final min … max | best IQM [95 % CI] | best median | best min … max |\n");
        text.Append("|---|---|" + string.Concat(keys.Select(_ => "---:|")) + "---:|---:|---:|---:|---:|---:|---:|\n");
        foreach (var row in rows)
        {
            var g = row.Group;
            text.Append($"| {g.Env} | {g.Algo} | " + string.Concat(g.Options.Select(o => o.Value + " | ")));
            text.Append(F($"{g.Runs.Count} | {Show(row.Final)} | {row.FinalMedian:F1} | {row.FinalMin:F1} … {row.FinalMax:F1} | {Show(row.Best)} | {row.BestMedian:F1} | {row.BestMin:F1} … {row.BestMax:F1} |\n"));
        }
        if (rows.Count == 0)
            text.Append("\nNo finished runs.\n");
        foreach (string curve in curves)
            text.Append($"\n![{Path.GetFileNameWithoutExtension(curve)}]({Path.GetFileName(curve)})\n");
        var gaps = CurveGaps(rows);
        if (gaps.Count > 0)
        {
            text.Append("\nNot drawn (a cell's curve is drawn at the steps where every seed has a finite evaluation):\n\n");
            foreach (string gap in gaps)
                text.Append($"- {gap}\n");
        }
        if (skipped.Count > 0)
            text.Append("\nLeft out:\n\n" + string.Concat(skipped.Select(s => $"- {s}\n")));
        return text.ToString();
    }

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

    /// <summary>
    /// A list of every run's page (its index.html, relative to the report), cell by cell. A finished run made before run
    /// pages existed gets its page written now, unless a process holds the run (it is written at the end then).
    /// </summary>
    private static string RunPages(IReadOnlyList<ReportRow> rows, string outDirectory)
    {
        var text = new StringBuilder("\nRun pages:\n");
        foreach (var row in rows)
        {
            var links = new List<string>();
            foreach (var run in row.Group.Runs)
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
                        continue; // running, or not writable: no page to link yet
                    }
                }
                links.Add(F($"[seed {run.Config.Seed}]({Path.GetRelativePath(outDirectory, page).Replace('\\', '/')})"));
            }
            text.Append($"- {row.Group.Env} {row.Group.Label}: {string.Join(", ", links)}\n");
        }
        return rows.Count == 0 ? "" : text.ToString();
    }

    /// <summary>The same rows as CSV, one column per number.</summary>
    public static string Csv(IReadOnlyList<ReportRow> rows)
    {
        var keys = rows.Count > 0 ? rows[0].Group.Options.Select(o => o.Key).ToList() : [];
        var text = new StringBuilder();
        text.Append("env,algo," + string.Concat(keys.Select(k => k + ",")) +
            "seeds,final_iqm,final_ci_low,final_ci_high,final_median,final_min,final_max,best_iqm,best_ci_low,best_ci_high,best_median,best_min,best_max,runs\n");
        foreach (var row in rows)
        {
            var g = row.Group;
            var cells = new List<string> { g.Env, g.Algo };
            cells.AddRange(g.Options.Select(o => o.Value));
            cells.Add(g.Runs.Count.ToString(CultureInfo.InvariantCulture));
            cells.AddRange(new[] { row.Final.Value, row.Final.Low, row.Final.High, row.FinalMedian, row.FinalMin, row.FinalMax,
                row.Best.Value, row.Best.Low, row.Best.High, row.BestMedian, row.BestMin, row.BestMax }.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
            cells.Add(string.Join(';', g.Runs.Select(r => r.Path)));
            text.Append(string.Join(',', cells.Select(Escape)) + "\n");
        }
        return text.ToString();
    }

    private static string Show(Interval i) => F($"**{i.Value:F1}** [{i.Low:F1}, {i.High:F1}]");

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private static string Escape(string cell) => cell.Contains(',') || cell.Contains('"') ? "\"" + cell.Replace("\"", "\"\"") + "\"" : cell;
}
