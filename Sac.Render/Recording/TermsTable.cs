using System.Globalization;
using System.Text;

namespace Sac.Render.Recording;

/// <summary>
/// The per-step rewards of recorded episodes as CSV, one row per frame: <c>episode,step,reward,return</c>, then one
/// column per reward term, under the environment's own term names. Written beside each video (and as the run's
/// eval_terms.csv), and read back to plot them.
/// </summary>
public static class TermsTable
{
    /// <summary>The columns before the terms.</summary>
    public static readonly string[] FixedColumns = ["episode", "step", "reward", "return"];

    /// <summary>The CSV text of <paramref name="episodes"/> (all of the same environment).</summary>
    public static string ToCsv(IReadOnlyList<RecordedEpisode> episodes)
    {
        var c = CultureInfo.InvariantCulture;
        IReadOnlyList<string> terms = episodes.Count > 0 ? episodes[0].TermNames : [];
        var text = new StringBuilder(string.Join(',', FixedColumns.Concat(terms))).Append('\n');
        foreach (RecordedEpisode episode in episodes)
        {
            foreach (SceneFrame frame in episode.Frames)
            {
                text.Append(c, $"{episode.Index},{frame.EpisodeStep},{frame.Reward:R},{frame.Return:R}");
                foreach (double term in frame.Terms)
                    text.Append(',').Append(term.ToString("R", c));
                text.Append('\n');
            }
        }
        return text.ToString();
    }

    /// <summary>A table read back: the column names and, per column, its values in row order.</summary>
    /// <param name="Columns">The header.</param>
    /// <param name="Values">Values[column][row].</param>
    public sealed record Table(IReadOnlyList<string> Columns, IReadOnlyList<double[]> Values)
    {
        /// <summary>The values of the column named <paramref name="name"/>.</summary>
        public double[] this[string name] => Values[IndexOf(name)];

        /// <summary>The column's index, or −1.</summary>
        public int IndexOf(string name) => Columns.ToList().IndexOf(name);

        /// <summary>The reward terms' names (the columns after the fixed ones).</summary>
        public IEnumerable<string> TermNames => Columns.Skip(FixedColumns.Length);

        /// <summary>Rows in the table.</summary>
        public int Rows => Values.Count > 0 ? Values[0].Length : 0;
    }

    /// <summary>Reads a file written by <see cref="ToCsv"/>; rows that are incomplete (a torn last line) are skipped.</summary>
    /// <exception cref="FormatException">The header is not a terms table's.</exception>
    public static Table Read(string path)
    {
        string[] lines = File.ReadAllLines(path);
        if (lines.Length == 0 || !lines[0].StartsWith(string.Join(',', FixedColumns), StringComparison.Ordinal))
            throw new FormatException($"{path} is not a table of reward terms (its header must start with {string.Join(',', FixedColumns)}).");
        string[] columns = lines[0].Split(',');
        var rows = new List<double[]>();
        foreach (string line in lines.Skip(1))
        {
            string[] cells = line.Split(',');
            if (cells.Length != columns.Length)
                continue;
            var row = new double[cells.Length];
            bool ok = true;
            for (int i = 0; i < cells.Length && ok; i++)
                ok = double.TryParse(cells[i], NumberStyles.Float, CultureInfo.InvariantCulture, out row[i]);
            if (ok)
                rows.Add(row);
        }
        var values = Enumerable.Range(0, columns.Length).Select(i => rows.Select(r => r[i]).ToArray()).ToArray();
        return new Table(columns, values);
    }
}
