using System.Diagnostics;
using System.Globalization;
using System.Text;
using Sac.Cli.Runs;

namespace Sac.Cli.Sweeps;

/// <summary>What <c>sac sweep --slurm</c> passes to sbatch.</summary>
/// <param name="Threads">CPUs per task (--cpus-per-task), and the run's --threads.</param>
/// <param name="Partition">--partition, or null for the cluster's default.</param>
/// <param name="Time">--time (e.g. 2:00:00), or null for the partition's default.</param>
/// <param name="SignalLead">Seconds before the time limit at which the task is told to checkpoint and requeue itself.</param>
/// <param name="MaxParallel">At most this many tasks at once (--array=…%M), or null.</param>
/// <param name="ExtraLines">More #SBATCH lines, verbatim (e.g. --mem=4G, --account=rl).</param>
public sealed record SlurmOptions(int Threads, string? Partition, string? Time, int SignalLead, int? MaxParallel, IReadOnlyList<string> ExtraLines);

/// <summary>
/// <c>sac sweep --slurm</c>: writes sweep.sbatch, a job array with one task per unfinished cell, and submits it.
/// <para>
/// Each task runs <c>sac sweep run-cell DIR $SLURM_ARRAY_TASK_ID</c>, which starts the cell's run or resumes it from its
/// checkpoint, so a requeued or preempted task continues where it stopped. Stopping is by signal:
/// </para>
/// <list type="bullet">
/// <item>scancel, scontrol requeue and preemption send SIGTERM to every process of the task (then SIGKILL after
/// KillWait): the run saves a checkpoint and exits 143, and the script passes nothing on (a second SIGTERM would end the
/// run at once). A cancelled task stays cancelled; a requeued one resumes.</item>
/// <item>Near the time limit, <c>--signal=B:USR1@lead</c> sends SIGUSR1 to the batch shell only: the script turns it into one
/// SIGTERM for the run and, once the run has saved its checkpoint and exited 143, requeues its own task, which then
/// resumes. A distinct signal is what lets the script tell "time is up, continue later" from "cancelled".</item>
/// </list>
/// </summary>
public static class SlurmExecutor
{
    /// <summary>The sbatch script for <paramref name="indices"/> of <paramref name="sweep"/>.</summary>
    public static string Script(SweepDirectory sweep, IReadOnlyList<int> indices, SlurmOptions options)
    {
        var text = new StringBuilder();
        text.Append("#!/bin/bash\n");
        text.Append($"#SBATCH --job-name=sac-{sweep.Plan.File.Name}\n");
        text.Append($"#SBATCH --array={ArraySpec(indices)}{(options.MaxParallel is int m ? $"%{m}" : "")}\n");
        text.Append("#SBATCH --ntasks=1\n");
        text.Append($"#SBATCH --cpus-per-task={options.Threads}\n");
        text.Append("#SBATCH --requeue\n");
        text.Append($"#SBATCH --signal=B:USR1@{options.SignalLead}\n");
        text.Append($"#SBATCH --output={Path.Combine(sweep.Logs, "cell-%a.log")}\n");
        text.Append("#SBATCH --open-mode=append\n");
        if (options.Partition is not null)
            text.Append($"#SBATCH --partition={options.Partition}\n");
        if (options.Time is not null)
            text.Append($"#SBATCH --time={options.Time}\n");
        foreach (string line in options.ExtraLines)
            text.Append($"#SBATCH {line}\n");
        string sac = string.Join(' ', SacInvocation.Prefix().Select(Quote));
        text.Append($$"""
            # Written by `sac sweep --slurm` for {{sweep.Path}} ({{sweep.Plan.Cells.Count}} cells); submit again with
            # `sac sweep {{sweep.Path}} --slurm`, which submits only the cells not yet finished.
            set -u
            task="${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}"
            echo "sac sweep: task $task on $(hostname) (restart ${SLURM_RESTART_COUNT:-0}) at $(date '+%Y-%m-%dT%H:%M:%S')"
            {{sac}} sweep run-cell {{Quote(sweep.Path)}} "$SLURM_ARRAY_TASK_ID" --threads {{options.Threads}} &
            run=$!
            lead=0
            # SIGUSR1 (--signal=B:USR1, before the time limit): checkpoint now, continue in a requeued task.
            trap 'lead=1; kill -TERM "$run" 2>/dev/null' USR1
            # SIGTERM (scancel, requeue, preemption) reaches the run directly; passing it on would be a second one.
            trap ':' TERM
            wait "$run"
            while kill -0 "$run" 2>/dev/null; do wait "$run"; done
            wait "$run"; code=$?
            if [ "$lead" = 1 ] && [ "$code" = 143 ]; then
              echo "sac sweep: task $task checkpointed before its time limit; requeueing it"
              scontrol requeue "$task"
            fi
            exit "$code"

            """);
        return text.ToString();
    }

    /// <summary>Writes the script; unless <paramref name="dryRun"/>, submits it and returns the job id sbatch printed.</summary>
    public static string? Submit(SweepDirectory sweep, IReadOnlyList<int> indices, SlurmOptions options, bool dryRun)
    {
        RunDirectory.WriteAtomically(sweep.Script, Script(sweep, indices, options));
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(sweep.Script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        if (dryRun)
            return null;
        var start = new ProcessStartInfo("sbatch", ["--parsable", sweep.Script])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Process sbatch;
        try
        {
            sbatch = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new UsageException($"cannot run sbatch ({e.Message}): --slurm needs Slurm's client commands on PATH; the script is in {sweep.Script} (submit it where sbatch runs).");
        }
        using (sbatch)
        {
            var stderr = sbatch.StandardError.ReadToEndAsync();
            string stdout = sbatch.StandardOutput.ReadToEnd();
            sbatch.WaitForExit();
            if (sbatch.ExitCode != 0)
                throw new SlurmException($"sbatch failed (exit {sbatch.ExitCode}): {LastLine(stderr.Result + stdout)}");
            // --parsable prints "jobid" or "jobid;cluster".
            string id = stdout.Trim().Split(';')[0];
            if (id.Length == 0 || !id.All(char.IsAsciiDigit))
                throw new SlurmException($"sbatch printed no job id: '{LastLine(stdout + stderr.Result)}'");
            File.AppendAllText(Path.Combine(sweep.Path, "slurm-jobs.txt"), $"{id} array={ArraySpec(indices)} {DateTime.Now:yyyy-MM-dd'T'HH:mm:ss}\n");
            return id;
        }
    }

    /// <summary>
    /// Seconds in an sbatch time limit ("minutes", "minutes:seconds", "hours:minutes:seconds", "days-hours",
    /// "days-hours:minutes", "days-hours:minutes:seconds"), or null when it is none of those (sbatch then judges it).
    /// </summary>
    public static long? TimeLimitSeconds(string time)
    {
        var match = System.Text.RegularExpressions.Regex.Match(time.Trim(), @"^(?:(\d+)-)?(\d+)(?::(\d+))?(?::(\d+))?$");
        if (!match.Success)
            return null;
        long Part(int group) => match.Groups[group].Success ? long.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture) : 0;
        int fields = 1 + (match.Groups[3].Success ? 1 : 0) + (match.Groups[4].Success ? 1 : 0);
        if (match.Groups[1].Success)
            return Part(1) * 86_400 + fields switch { 1 => Part(2) * 3600, 2 => Part(2) * 3600 + Part(3) * 60, _ => Part(2) * 3600 + Part(3) * 60 + Part(4) };
        return fields switch { 1 => Part(2) * 60, 2 => Part(2) * 60 + Part(3), _ => Part(2) * 3600 + Part(3) * 60 + Part(4) };
    }

    /// <summary>The array indices in Slurm's compact form: 0-3,5,7-9.</summary>
    public static string ArraySpec(IReadOnlyList<int> indices)
    {
        var parts = new List<string>();
        for (int i = 0; i < indices.Count;)
        {
            int j = i;
            while (j + 1 < indices.Count && indices[j + 1] == indices[j] + 1)
                j++;
            parts.Add(i == j ? indices[i].ToString(CultureInfo.InvariantCulture) : $"{indices[i]}-{indices[j]}");
            i = j + 1;
        }
        return string.Join(',', parts);
    }

    private static string Quote(string text) => "'" + text.Replace("'", "'\\''") + "'";

    private static string LastLine(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";
}

/// <summary>Slurm refused or failed a request (exit code 1: the input was fine, the cluster said no).</summary>
public sealed class SlurmException(string message) : Exception(message);
