using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sac.Cli.Runs;
using Sac.Core.Checkpoints;

namespace Sac.Cli.Sweeps;

/// <summary>Where a cell's run stands.</summary>
public enum CellState
{
    /// <summary>Never started (config.json only).</summary>
    Pending,

    /// <summary>A process holds the run directory's lock now.</summary>
    Running,

    /// <summary>Stopped before its end (SIGTERM, Ctrl-C, a kill, a requeue): the next attempt resumes it.</summary>
    Interrupted,

    /// <summary>summary.json exists and its steps cover the run's configured steps.</summary>
    Finished,

    /// <summary>The last attempt ended with an error (its exit code and last error line are in exit.json).</summary>
    Failed,
}

/// <summary>
/// A cell's state, read from its run directory alone, so it reads the same whichever executor ran it: the lock held
/// means running, a summary.json whose steps cover the configured steps means finished, exit.json with an error code
/// means failed, a checkpoint or progress rows mean interrupted (resumable), and otherwise pending. exit.json is written
/// by <c>sac sweep run-cell</c> at the end of each attempt (and removed at its start); an attempt killed outright leaves
/// none, and reads as interrupted.
/// </summary>
/// <param name="State">The state.</param>
/// <param name="Step">The last step in progress.csv (0 when none).</param>
/// <param name="TotalSteps">The run's --steps.</param>
/// <param name="FinalEval">summary.json's final deterministic evaluation, when finished.</param>
/// <param name="ExitCode">The last attempt's exit code, when exit.json says.</param>
/// <param name="Error">The last attempt's last error line, when it failed.</param>
public sealed record CellStatus(CellState State, long Step, long TotalSteps, double? FinalEval, int? ExitCode, string? Error)
{
    /// <summary>Exit codes of an attempt that was stopped by a signal and saved a checkpoint: SIGHUP, Ctrl-C, SIGTERM.</summary>
    public static readonly int[] InterruptedCodes = [129, 130, 143];

    /// <summary>Reads the state of <paramref name="run"/> (whose config it was prepared with: <paramref name="totalSteps"/>).</summary>
    public static CellStatus Read(RunDirectory run, long totalSteps)
    {
        // The newer of the last progress row and the newest checkpoint (an interrupted run saves one past its last row).
        long step = Math.Max(LastStep(run.Progress), CheckpointStore.List(run.Checkpoints).Select(StepOf).DefaultIfEmpty(0).Max());
        var (code, error) = ReadExit(run.Exit);
        if (IsLocked(run))
            return new(CellState.Running, step, totalSteps, null, null, null);
        // CRUCIAL: summary.json alone does not mean finished. `sac train --resume RUN --steps N` extends a finished run:
        // config.json says N at once, summary.json is rewritten only at the end, so a stopped extension leaves the old
        // summary beside a run that is still short of its steps. `sac report` applies the same rule.
        var (summarySteps, finalEval) = ReadSummary(run.Summary);
        if (summarySteps >= totalSteps)
            return new(CellState.Finished, step, totalSteps, finalEval, code, null);
        if (code is int c && c != 0 && !InterruptedCodes.Contains(c))
            return new(CellState.Failed, step, totalSteps, null, code, error);
        bool started = step > 0 || code is not null || CheckpointStore.List(run.Checkpoints).Count > 0;
        return new(started ? CellState.Interrupted : CellState.Pending, step, totalSteps, null, code, null);
    }

    /// <summary>
    /// True when another process holds the run's lock. NOTE: the probe takes the lock for an instant when it is free, so
    /// a run starting in that instant is refused; <c>run-cell</c> retries for that reason.
    /// </summary>
    public static bool IsLocked(RunDirectory run)
    {
        string path = Path.Combine(run.Path, RunDirectory.LockFileName);
        if (!File.Exists(path))
            return false;
        try
        {
            using var probe = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            return false;
        }
        catch (IOException) when (File.Exists(path))
        {
            return true;
        }
        catch (FileNotFoundException)
        {
            return false;
        }
    }

    /// <summary>Writes exit.json for an attempt that ended with <paramref name="code"/> and <paramref name="lastError"/>.</summary>
    public static void WriteExit(RunDirectory run, int code, string? lastError)
    {
        var json = new JsonObject { ["exitCode"] = code, ["error"] = lastError };
        RunDirectory.WriteAtomically(run.Exit, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    private static (int? Code, string? Error) ReadExit(string path)
    {
        try
        {
            if (!HasContent(path) || JsonNode.Parse(File.ReadAllText(path)) is not JsonObject json)
                return (null, null);
            int? code = json["exitCode"] is JsonValue c && c.TryGetValue(out int value) ? value : null;
            string? error = json["error"] is JsonValue e && e.TryGetValue(out string? text) ? text : null;
            return (code, error);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            // Being replaced right now, or torn by a crash, or edited (a key twice: JsonObject throws ArgumentException
            // when first read): the next attempt writes it again.
            return (null, null);
        }
    }

    /// <summary>summary.json's steps (null when there is none, or it has no integer "steps") and its finite finalEvalMean.</summary>
    private static (long? Steps, double? FinalEval) ReadSummary(string summary)
    {
        try
        {
            if (!HasContent(summary) || JsonNode.Parse(File.ReadAllText(summary)) is not JsonObject json)
                return (null, null);
            long? steps = json["steps"] is JsonValue s && s.TryGetValue(out long count) ? count : null;
            double? final = json["finalEvalMean"] is JsonValue f && f.TryGetValue(out double mean) && double.IsFinite(mean) ? mean : null;
            return (steps, final);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            return (null, null);
        }
    }

    /// <summary>
    /// True for a file with something in it. NOTE: a FIFO has length 0, and opening one to read waits for a writer, for
    /// ever: `sac sweep status` must never open one.
    /// </summary>
    private static bool HasContent(string path)
    {
        var file = new FileInfo(path);
        return file.Exists && file.Length > 0;
    }

    private static long StepOf(string checkpoint) =>
        long.TryParse(checkpoint.AsSpan("step-".Length), NumberStyles.Integer, CultureInfo.InvariantCulture, out long step) ? step : 0;

    private static long LastStep(string progress)
    {
        if (!HasContent(progress))
            return 0;
        try
        {
            string? last = File.ReadLines(progress).Skip(1).LastOrDefault(l => l.Length > 0);
            if (last is null)
                return 0;
            int comma = last.IndexOf(',');
            return long.TryParse(comma < 0 ? last : last[..comma], NumberStyles.Integer, CultureInfo.InvariantCulture, out long step) ? step : 0;
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
