using System.Globalization;

namespace Sac.Cli.Reports;

/// <summary>
/// A finished run's learning curve as the report reads it from progress.csv: (step, eval/mean_reward) of every
/// evaluation row with a finite value, and a note for every evaluation it could not draw.
/// </summary>
/// <param name="Points">The drawable evaluations, in file order.</param>
/// <param name="Notes">What was not drawn and why, e.g. "eval/mean_reward at step 200 is Infinity".</param>
public sealed record ProgressCurve(IReadOnlyList<(double Step, double Value)> Points, IReadOnlyList<string> Notes)
{
    /// <summary>The column of the step, SB3's name.</summary>
    public const string StepColumn = "time/total_timesteps";

    /// <summary>The column of the deterministic evaluation's mean return, SB3's name.</summary>
    public const string EvalColumn = "eval/mean_reward";

    /// <summary>
    /// Reads <paramref name="path"/>. A file a finished run cannot have written (none, empty, no header, no evaluation
    /// column or no evaluation row) is an <see cref="InvalidDataException"/> saying which: the report leaves that run out,
    /// as rl-zoo's plot scripts skip a run without its evaluations file, rather than pooling a run it cannot show.
    /// </summary>
    public static ProgressCurve Read(string path)
    {
        string text;
        try
        {
            var file = new FileInfo(path);
            if (!file.Exists)
                throw new InvalidDataException("no progress.csv");
            // NOTE: a FIFO has length 0 too, and opening one to read waits for a writer, for ever: never open it.
            if (file.Length == 0)
                throw new InvalidDataException("progress.csv is empty");
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"progress.csv cannot be read: {e.Message}");
        }
        string[] lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        if (lines.All(l => l.Trim().Length == 0))
            throw new InvalidDataException("progress.csv is empty");
        string[] header = lines[0].Split(',');
        int stepAt = Array.IndexOf(header, StepColumn), evalAt = Array.IndexOf(header, EvalColumn);
        if (stepAt < 0 || evalAt < 0)
        {
            throw new InvalidDataException(double.TryParse(header[0], NumberStyles.Float, CultureInfo.InvariantCulture, out _)
                ? "progress.csv has no header (its first line is a row of numbers)"
                : $"progress.csv has no {(stepAt < 0 ? StepColumn : EvalColumn)} column");
        }

        var points = new List<(double, double)>();
        var notes = new List<string>();
        int evaluations = 0;
        for (int i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0)
                continue;
            string[] cells = lines[i].Split(',');
            if (cells.Length != header.Length)
            {
                notes.Add(string.Create(CultureInfo.InvariantCulture, $"line {i + 1} of progress.csv has {cells.Length} cells, not {header.Length}"));
                continue;
            }
            string value = cells[evalAt];
            if (value.Length == 0)
                continue; // a training episode's row
            evaluations++;
            if (!double.TryParse(cells[stepAt], NumberStyles.Float, CultureInfo.InvariantCulture, out double step) || !double.IsFinite(step))
            {
                notes.Add(string.Create(CultureInfo.InvariantCulture, $"line {i + 1} of progress.csv has the step '{cells[stepAt]}'"));
                continue;
            }
            // NOTE: .NET reads "Infinity", "-Infinity" and "NaN" as numbers; Sac writes an empty cell for them, so these
            // come from another writer or a hand edit, and one of them would leave the whole plot blank.
            if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double mean))
                notes.Add(string.Create(CultureInfo.InvariantCulture, $"{EvalColumn} at step {step} is '{value}'"));
            else if (!double.IsFinite(mean))
                notes.Add(string.Create(CultureInfo.InvariantCulture, $"{EvalColumn} at step {step} is {mean}"));
            else
                points.Add((step, mean));
        }
        if (evaluations == 0)
            throw new InvalidDataException("progress.csv has no evaluation rows");
        return new ProgressCurve(points, notes);
    }
}
