using System.Globalization;
using Sac.Render.Recording;

namespace Sac.Cli.Runs;

/// <summary>
/// The per-step rewards of one evaluation episode, by term: the reward and each <c>reward_*</c> term (Gymnasium's
/// reward components, which add up to the reward) over the episode's steps, each labelled with its sum over the
/// episode. The other terms (positions, velocities) are in the table but not plotted: they are not rewards.
/// </summary>
public static class TermsPlot
{
    /// <summary>The plotted columns of <paramref name="table"/>: "reward", then its reward_* terms.</summary>
    public static IReadOnlyList<string> PlottedColumns(TermsTable.Table table) =>
        ["reward", .. table.TermNames.Where(n => n.StartsWith("reward_", StringComparison.Ordinal))];

    /// <summary>Draws episode 0 of <paramref name="table"/> into <paramref name="svg"/> (atomically).</summary>
    public static void Render(TermsTable.Table table, string title, string svg)
    {
        double[] episode = table["episode"], step = table["step"];
        int[] rows = Enumerable.Range(0, table.Rows).Where(r => episode[r] == 0 && step[r] > 0).ToArray();
        var plot = new ScottPlot.Plot();
        plot.Font.Set(LearningCurve.PreferredFont());
        var palette = new ScottPlot.Palettes.Category10();
        int k = 0;
        foreach (string column in PlottedColumns(table))
        {
            double[] values = table[column];
            double[] y = rows.Select(r => values[r]).ToArray();
            var line = plot.Add.Scatter(rows.Select(r => step[r]).ToArray(), y);
            line.LegendText = string.Create(CultureInfo.InvariantCulture, $"{column} (Σ {y.Sum():F1})");
            line.MarkerSize = 0;
            line.LineWidth = column == "reward" ? 2.5f : 1.5f;
            line.Color = palette.GetColor(k++);
        }
        plot.Title(title);
        plot.XLabel("Episode step");
        plot.YLabel("Reward per step");
        plot.ShowLegend(ScottPlot.Alignment.LowerRight);
        RunDirectory.ReplaceAtomically(svg, temporary => plot.SaveSvg(temporary, 900, 450));
    }
}
