using Sac.Cli.Runs;

namespace Sac.Cli.Reports;

/// <summary>
/// The learning curves of one environment's cells: at each evaluation step every seed of a cell has a finite evaluation at, the IQM
/// of eval/mean_reward over the seeds as a line, and its 95 % stratified-bootstrap interval as a band.
/// </summary>
public static class CurvePlot
{
    /// <summary>Renders curves-&lt;env&gt;.png and .svg into <paramref name="directory"/>; returns the PNG's path.</summary>
    public static string Render(IReadOnlyList<ResultGroup> groups, string env, string directory, ulong seed)
    {
        var plot = new ScottPlot.Plot();
        plot.Font.Set(LearningCurve.PreferredFont());
        var palette = new ScottPlot.Palettes.Category10();
        var curves = groups.Select(g => Aggregate(g, seed)).ToList();
        // Every band first, then every line, so no cell's band hides another cell's line.
        for (int i = 0; i < groups.Count; i++)
        {
            if (curves[i].Steps.Length == 0)
                continue;
            var band = plot.Add.FillY(curves[i].Steps, curves[i].Low, curves[i].High);
            band.FillColor = palette.GetColor(i).WithAlpha(0.2);
            band.LineWidth = 0;
        }
        for (int i = 0; i < groups.Count; i++)
        {
            if (curves[i].Steps.Length == 0)
                continue;
            var line = plot.Add.Scatter(curves[i].Steps, curves[i].Iqm);
            line.LegendText = $"{groups[i].Label} (IQM of {groups[i].Runs.Count} seeds, 95 % CI)";
            line.LineWidth = 2;
            line.MarkerSize = 4;
            line.Color = palette.GetColor(i);
        }
        plot.Title($"{env}: deterministic evaluation return");
        plot.XLabel("Environment steps");
        plot.YLabel("Episode return (IQM over seeds)");
        plot.ShowLegend(ScottPlot.Alignment.LowerRight);

        string name = "curves-" + Sweeps.RunName.Sanitize(env);
        string png = Path.Combine(directory, name + ".png");
        RunDirectory.ReplaceAtomically(png, temporary => plot.SavePng(temporary, 900, 550));
        RunDirectory.ReplaceAtomically(Path.Combine(directory, name + ".svg"), temporary => plot.SaveSvg(temporary, 900, 550));
        return png;
    }

    /// <summary>
    /// The steps at which every seed of <paramref name="group"/> has a finite evaluation, ascending: the IQM over seeds
    /// is defined there only (a seed missing from a step would change which runs the IQM trims).
    /// </summary>
    public static double[] CommonSteps(ResultGroup group) => group.Runs.Select(r => r.Curve.Select(p => p.Step).ToHashSet())
        .Aggregate((a, b) => { a.IntersectWith(b); return a; })
        .Order().ToArray();

    /// <summary>The <see cref="CommonSteps"/> of <paramref name="group"/>, with the IQM and its interval at each.</summary>
    public static (double[] Steps, double[] Iqm, double[] Low, double[] High) Aggregate(ResultGroup group, ulong seed)
    {
        var common = CommonSteps(group);
        var iqm = new double[common.Length];
        var low = new double[common.Length];
        var high = new double[common.Length];
        for (int i = 0; i < common.Length; i++)
        {
            double[] scores = group.Runs.Select(r => r.Curve.Last(p => p.Step == common[i]).Value).ToArray();
            var interval = Statistics.IqmWithInterval([scores], Report.CurveResamples, seed);
            (iqm[i], low[i], high[i]) = (interval.Value, interval.Low, interval.High);
        }
        return (common, iqm, low, high);
    }
}
