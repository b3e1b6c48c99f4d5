namespace Sac.Cli.Runs;

/// <summary>Draws learning_curve.png and .svg from progress.csv: training episode returns and evaluation mean ± std.</summary>
public static class LearningCurve
{
    /// <summary>Renders the plot next to <paramref name="progressCsv"/>; returns the PNG's path.</summary>
    public static string Render(string progressCsv, string title, string directory)
    {
        var episodes = ProgressLog.ReadColumn(progressCsv, "rollout/ep_rew");
        var evalMean = ProgressLog.ReadColumn(progressCsv, "eval/mean_reward");
        var evalStd = ProgressLog.ReadColumn(progressCsv, "eval/std_reward");

        var plot = new ScottPlot.Plot();
        plot.Font.Set(PreferredFont());
        if (episodes.Count > 0)
        {
            var training = plot.Add.Scatter(episodes.Select(p => p.Step).ToArray(), episodes.Select(p => p.Value).ToArray());
            training.LegendText = "training episode return";
            training.LineWidth = 1;
            training.MarkerSize = 3;
            training.Color = ScottPlot.Colors.Gray.WithAlpha(0.6);
        }
        if (evalMean.Count > 0)
        {
            double[] x = evalMean.Select(p => p.Step).ToArray();
            double[] mean = evalMean.Select(p => p.Value).ToArray();
            double[] std = evalStd.Count == evalMean.Count ? evalStd.Select(p => p.Value).ToArray() : new double[mean.Length];
            var band = plot.Add.FillY(x, mean.Zip(std, (m, s) => m - s).ToArray(), mean.Zip(std, (m, s) => m + s).ToArray());
            band.FillColor = ScottPlot.Colors.Blue.WithAlpha(0.15);
            band.LineWidth = 0;
            band.LegendText = "evaluation ± std";
            var line = plot.Add.Scatter(x, mean);
            line.LegendText = "evaluation mean (deterministic)";
            line.LineWidth = 2.5f;
            line.MarkerSize = 6;
            line.Color = ScottPlot.Colors.Blue;
        }
        plot.Title(title);
        plot.XLabel("Environment steps");
        plot.YLabel("Episode return");
        plot.ShowLegend(ScottPlot.Alignment.LowerRight);

        string png = Path.Combine(directory, "learning_curve.png");
        // Each image is rendered to a temporary file and renamed over the old one: a full disk leaves the previous plot.
        RunDirectory.ReplaceAtomically(png, temporary => plot.SavePng(temporary, 900, 550));
        RunDirectory.ReplaceAtomically(Path.Combine(directory, "learning_curve.svg"), temporary => plot.SaveSvg(temporary, 900, 550));
        return png;
    }

    internal static string PreferredFont() =>
        new[] { "DejaVu Sans", "Liberation Sans", "Arial", "Helvetica" }.FirstOrDefault(name => ScottPlot.Fonts.GetTypeface(name, bold: false, italic: false) is not null) ?? ScottPlot.Fonts.Default;
}
