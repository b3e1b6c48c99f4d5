using System.Diagnostics;
using System.Globalization;
using Sac.Cli.Runs;

namespace Sac.Cli.Sweeps;

/// <summary>
/// <c>sac sweep --local N</c>: runs the unfinished cells N at a time on this machine, each as a child
/// <c>sac sweep run-cell DIR INDEX --threads T</c> (the same command a Slurm array task runs), its output appended to
/// logs/cell-INDEX.log. Finished cells are skipped and interrupted ones resume, so rerunning the command continues the
/// sweep. Ctrl-C or SIGTERM is passed on once to every running child, which checkpoints and exits; then this exits too.
/// </summary>
public sealed class LocalExecutor(SweepDirectory sweep, int parallel, int threads, TextWriter output)
{
    /// <summary>Threads per run so that runs × threads ≤ cores: max(1, cores / N).</summary>
    public static int ThreadsFor(int parallel) => Math.Max(1, Environment.ProcessorCount / parallel);

    /// <summary>Runs the sweep; returns 0 when every cell finished, 1 when some failed, or the signal's code when interrupted.</summary>
    public int Run(Interruption interruption)
    {
        var cells = sweep.Plan.Cells;
        var todo = new Queue<SweepCell>();
        int finished = 0, elsewhere = 0;
        foreach (var cell in cells)
        {
            var status = CellStatus.Read(sweep.Run(cell), cell.Config.Steps);
            if (status.State == CellState.Finished)
                finished++;
            else if (status.State == CellState.Running)
                elsewhere++;
            else
                todo.Enqueue(cell);
        }
        output.WriteLine($"Sweep {sweep.Plan.File.Name}: {cells.Count} cells, {finished} finished, {elsewhere} running elsewhere, {todo.Count} to run, {parallel} at a time with {threads} thread(s) each; logs in {sweep.Logs}");

        var running = new Dictionary<Process, (SweepCell Cell, Stopwatch Clock)>();
        int failed = 0, interrupted = 0;
        bool forwarded = false;
        try
        {
            // Once a stop was asked for, the queued cells are left queued (the next `sac sweep` resumes them) and only the
            // running ones are waited for.
            while (running.Count > 0 || (todo.Count > 0 && !interruption.Token.IsCancellationRequested))
            {
                while (!interruption.Token.IsCancellationRequested && todo.Count > 0 && running.Count < parallel)
                {
                    var cell = todo.Dequeue();
                    running[StartChild(cell)] = (cell, Stopwatch.StartNew());
                }
                if (interruption.Token.IsCancellationRequested && !forwarded)
                {
                    forwarded = true;
                    output.WriteLine($"{interruption.Reason}: asking {running.Count} running cell(s) to checkpoint and stop.");
                    foreach (var process in running.Keys)
                        Signal(process, interruption.ExitCode == 130 ? "INT" : "TERM");
                }
                var done = running.Keys.FirstOrDefault(p => p.HasExited);
                if (done is null)
                {
                    // CRUCIAL: once cancelled, the token's handle stays set and returns at once; waiting on it then would spin
                    // a core until the children exit. Wait on it only until the stop has been passed on.
                    if (forwarded)
                        Thread.Sleep(100);
                    else
                        interruption.Token.WaitHandle.WaitOne(100);
                    continue;
                }
                var (doneCell, clock) = running[done];
                running.Remove(done);
                int code = done.ExitCode;
                done.Dispose();
                var status = CellStatus.Read(sweep.Run(doneCell), doneCell.Config.Steps);
                string line = status.State switch
                {
                    CellState.Finished => string.Create(CultureInfo.InvariantCulture, $"finished, final eval {status.FinalEval:F1}"),
                    CellState.Failed => $"failed (exit {code}): {status.Error}",
                    _ => $"stopped at step {status.Step} of {status.TotalSteps} (exit {code}); rerun to resume",
                };
                failed += status.State == CellState.Failed ? 1 : 0;
                interrupted += status.State is CellState.Interrupted or CellState.Pending or CellState.Running ? 1 : 0;
                finished += status.State == CellState.Finished ? 1 : 0;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{finished}/{cells.Count}] cell {doneCell.Index} {doneCell.Name}: {line} ({clock.Elapsed.TotalSeconds:F1} s)"));
            }
        }
        finally
        {
            foreach (var process in running.Keys)
            {
                // Only on an unexpected error here: the children would otherwise run on unsupervised.
                Signal(process, "TERM");
                process.WaitForExit();
                process.Dispose();
            }
        }
        output.WriteLine($"Sweep {sweep.Plan.File.Name}: {finished} of {cells.Count} finished, {failed} failed, {interrupted} stopped, {elsewhere} running elsewhere. Status: sac sweep status {sweep.Path}");
        if (interruption.Token.IsCancellationRequested)
            return interruption.ExitCode;
        return failed > 0 || interrupted > 0 ? 1 : 0;
    }

    /// <summary>
    /// Starts <c>sac sweep run-cell</c> for <paramref name="cell"/> in its own session (setsid), so a Ctrl-C at the terminal
    /// reaches only this process, which passes it on once: a second signal would end a run without its checkpoint.
    /// </summary>
    private Process StartChild(SweepCell cell)
    {
        var sac = SacInvocation.Prefix();
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(File.Exists("/usr/bin/setsid") ? "exec /usr/bin/setsid \"$@\" >>\"$SAC_CELL_LOG\" 2>&1" : "exec \"$@\" >>\"$SAC_CELL_LOG\" 2>&1");
        start.ArgumentList.Add("sh");
        foreach (string arg in sac)
            start.ArgumentList.Add(arg);
        foreach (string arg in new[] { "sweep", "run-cell", sweep.Path, cell.Index.ToString(CultureInfo.InvariantCulture), "--threads", threads.ToString(CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(arg);
        start.Environment["SAC_CELL_LOG"] = sweep.Log(cell);
        File.AppendAllText(sweep.Log(cell), $"sac sweep --local: cell {cell.Index} ({cell.Name}) started {DateTime.Now:yyyy-MM-dd'T'HH:mm:ss}\n");
        return Process.Start(start) ?? throw new InvalidOperationException("Could not start a child sac process.");
    }

    private static void Signal(Process process, string signal)
    {
        if (process.HasExited)
            return;
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-" + signal, process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false });
        kill?.WaitForExit();
    }
}
