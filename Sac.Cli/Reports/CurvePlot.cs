using Sac.Cli.Runs;

namespace Sac.Cli.Reports;

/// <summary>
/// The learning curves of one environment's cells: at each evaluation step every seed of a cell has a finite evaluation
/// at, the IQM of eval/mean_reward over the seeds as a line, and its 95 % stratified-bootstrap interval as a band; and
/// the published anchors for the environment as labelled dashed lines.
/// </summary>
public static class CurvePlot
{
    /// <summary>The anchors' colours, darker than any cell's, and their dash patterns, so two anchors never look alike.</summary>
    private static readonly (ScottPlot.Color Color, ScottPlot.LinePattern Pattern)[] s_anchorStyles =
    [
        (ScottPlot.Colors.Black, ScottPlot.LinePattern.Dashed),
        (ScottPlot.Colors.DimGray, ScottPlot.LinePattern.Dotted),
        (ScottPlot.Colors.SaddleBrown, ScottPlot.LinePattern.DenselyDashed),
        (ScottPlot.Colors.DarkSlateBlue, ScottPlot.LinePattern.Dashed),
        (ScottPlot.Colors.DarkOliveGreen, ScottPlot.LinePattern.Dotted),
    ];

    /// <summary>
    /// Renders curves-&lt;env&gt;.png and .svg into <paramref name="directory"/>; returns the PNG's path. Each of
    /// <paramref name="anchors"/> is a horizontal line across the plot, its label in the legend (with its step when it is
    /// not <paramref name="curveSteps"/>, where the curves end).
    /// </summary>
    public static string Render(IReadOnlyList<ResultGroup> groups, string env, string directory, ulong seed, IReadOnlyList<Anchor> anchors, long curveSteps)
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
            // One seed has no spread to bootstrap (its band is the line itself): say "1 seed", not a CI.
            int seeds = groups[i].Runs.Count;
            line.LegendText = seeds == 1 ? $"{groups[i].Label} (1 seed)" : $"{groups[i].Label} (IQM of {seeds} seeds, 95 % CI)";
            line.LineWidth = 2;
            line.MarkerSize = 4;
            line.Color = palette.GetColor(i);
        }
        for (int i = 0; i < anchors.Count; i++)
        {
            var (color, pattern) = s_anchorStyles[i % s_anchorStyles.Length];
            var line = plot.Add.HorizontalLine(anchors[i].Value);
            line.LegendText = anchors[i].Label(curveSteps);
            line.LineWidth = 1.5f;
            line.LinePattern = pattern;
            line.Color = color;
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
