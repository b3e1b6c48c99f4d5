using System.Globalization;
using System.Text;
using Sac.Core.Algorithms;
using Sac.Core.Training;

namespace Sac.Cli.Runs;

/// <summary>
/// progress.csv: one row per training episode and one per evaluation, with Stable-Baselines3's logger keys, so the
/// usual plotting scripts read it. Cells that do not apply to a row are empty.
/// </summary>
public sealed class ProgressLog : IDisposable
{
    /// <summary>
    /// The columns, in order: the loop's (time/, rollout/, eval/), then every metric any algorithm records
    /// (<see cref="AlgorithmRegistry.MetricNames"/>), then train/n_updates. Stable-Baselines3's keys where SB3 logs the
    /// same quantity; Sac's own: rollout/ep_rew and rollout/ep_len (each episode's, SB3 logs only their 100-episode
    /// means), eval/std_reward, train/value_loss (SAC v1), train/log_prob_mean and train/q_mean.
    /// </summary>
    public static readonly string[] Columns =
    [
        "time/total_timesteps", "time/episodes", "time/time_elapsed", "time/fps",
        "rollout/ep_rew", "rollout/ep_len", "rollout/ep_rew_mean",
        "eval/mean_reward", "eval/std_reward", "eval/mean_ep_length",
        .. AlgorithmRegistry.MetricNames, "train/n_updates",
    ];

    private readonly StreamWriter _writer;

    /// <summary>
    /// Opens <paramref name="path"/> for appending, writing the header if the file is new. When resuming at
    /// <paramref name="resumeStep"/>, the file is first cut back to exactly the rows up to that step: rows the interrupted
    /// process logged after its last checkpoint are dropped (the resumed run logs them again), and so is a torn last row
    /// (one without its line end, or with the wrong number of cells).
    /// </summary>
    public ProgressLog(string path, long? resumeStep = null)
    {
        Path = path;
        if (resumeStep is long step && File.Exists(path))
            CutBack(path, step);
        bool isNew = !File.Exists(path) || new FileInfo(path).Length == 0;
        _writer = new StreamWriter(path, append: true, new UTF8Encoding(false));
        if (isNew)
            _writer.WriteLine(string.Join(',', Columns));
        _writer.Flush();
    }

    /// <summary>
    /// Keeps the whole rows up to <paramref name="step"/>, in <see cref="Columns"/>' layout. A file written by a version
    /// with other columns (a run resumed by a newer Sac) has its rows moved under the current header by column name: a
    /// column it lacks stays empty, and none of its values is lost unless the current layout dropped that column.
    /// </summary>
    private static void CutBack(string path, long step)
    {
        string text = File.ReadAllText(path);
        var kept = new StringBuilder(string.Join(',', Columns)).Append('\n');
        // Only whole lines count: the text after the last '\n' is a row whose write was cut off.
        string[] lines = text.Split('\n');
        string[] header = lines[0].TrimEnd('\r').Split(',');
        int[] from = Columns.Select(c => Array.IndexOf(header, c)).ToArray();
        int stepColumn = Array.IndexOf(header, Columns[0]);
        for (int i = 1; i < lines.Length - 1; i++)
        {
            string[] cells = lines[i].Split(',');
            if (cells.Length != header.Length || stepColumn < 0 || StepOf(cells[stepColumn]) > step)
                continue;
            kept.Append(string.Join(',', from.Select(j => j >= 0 ? cells[j] : ""))).Append('\n');
        }
        RunDirectory.WriteAtomically(path, kept.ToString());
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>Logs a finished episode with the latest update's statistics.</summary>
    public void Episode(EpisodeReport e, Trainer trainer) =>
        Row(e.Step, trainer, ("rollout/ep_rew", e.Return), ("rollout/ep_len", e.Length), ("rollout/ep_rew_mean", e.MeanReturn100));

    /// <summary>Logs an evaluation.</summary>
    public void Evaluation(EvaluationReport e, Trainer trainer) =>
        Row(e.Step, trainer, ("eval/mean_reward", e.MeanReturn), ("eval/std_reward", e.StdReturn), ("eval/mean_ep_length", e.MeanLength));

    /// <summary>One row. time/time_elapsed is the run's whole training time (resumed segments included) and time/fps
    /// the run's steps over it.</summary>
    private void Row(long step, Trainer trainer, params (string Key, double Value)[] cells)
    {
        double elapsed = trainer.TrainingTime.TotalSeconds;
        var values = new Dictionary<string, string>
        {
            ["time/total_timesteps"] = step.ToString(CultureInfo.InvariantCulture),
            ["time/episodes"] = trainer.Episodes.ToString(CultureInfo.InvariantCulture),
            ["time/time_elapsed"] = Format(elapsed),
            ["time/fps"] = Format(trainer.Steps / Math.Max(elapsed, 1e-9)),
            ["train/n_updates"] = trainer.Updates.ToString(CultureInfo.InvariantCulture),
        };
        if (trainer.Updates > 0)
        {
            // What the last update recorded, by name: a new metric needs no edit here.
            var metrics = trainer.LastUpdate;
            for (int i = 0; i < metrics.Names.Count; i++)
                values[metrics.Names[i]] = Format(metrics.Values[i]);
        }
        foreach (var (key, value) in cells)
            values[key] = Format(value);
        _writer.WriteLine(string.Join(',', Columns.Select(c => values.GetValueOrDefault(c, ""))));
        _writer.Flush();
    }

    private static string Format(double value) => double.IsFinite(value) ? value.ToString("G9", CultureInfo.InvariantCulture) : "";

    private static long StepOf(string line)
    {
        int comma = line.IndexOf(',');
        return long.TryParse(comma < 0 ? line : line[..comma], CultureInfo.InvariantCulture, out long step) ? step : long.MaxValue;
    }

    /// <summary>Reads the (step, value) pairs of a column from a progress.csv, skipping empty cells, incomplete rows and
    /// values that are not finite (Sac writes those as empty cells; a file edited by hand may not).</summary>
    public static List<(double Step, double Value)> ReadColumn(string path, string column)
    {
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0)
            return [];
        string[] header = lines[0].Split(',');
        int index = Array.IndexOf(header, column);
        var points = new List<(double, double)>();
        foreach (var line in lines.Skip(1))
        {
            // A row being written by the training thread (the run page is drawn beside it) may be cut short: skip it.
            var cells = line.Split(',');
            if (cells.Length != header.Length || index < 0 || cells[index].Length == 0)
                continue;
            if (double.TryParse(cells[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double step)
                && double.TryParse(cells[index], NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
                && double.IsFinite(value))
                points.Add((step, value));
        }
        return points;
    }

    /// <inheritdoc/>
    public void Dispose() => _writer.Dispose();
}
