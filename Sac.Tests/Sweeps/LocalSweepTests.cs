using System.Text.Json.Nodes;
using Sac.Core.Checkpoints;
using Sac.Tests.Cli;

namespace Sac.Tests.Sweeps;

/// <summary>
/// `sac sweep --local N` with real child processes: every cell ends as `sac train` would have made it, a rerun skips
/// finished cells and touches nothing, an interrupted sweep resumes bitwise, and a failed cell shows its error.
/// </summary>
[NonParallelizable]
public class LocalSweepTests : SweepTestBase
{
    [Test]
    public void Local_RunsEveryCellAsSacTrainWould_AndRerunSkipsFinished()
    {
        string file = WriteSweep(TinySweep);
        string sweep = Path.Combine(Root, "s");
        var result = Sac("sweep", file, "--out", sweep, "--local", "2");
        Assert.That(result.Code, Is.Zero, result.Out + result.Err);
        Assert.That(result.Out, Does.Contain("4 to run, 2 at a time with 1 thread(s) each").Or.Contain("4 to run, 2 at a time"));
        Assert.That(result.Out, Does.Contain("4 of 4 finished, 0 failed"));

        // Cell 3 (actorLr 0.0003, seed 1) is the very run `sac train` makes with those options.
        string straight = Path.Combine(Root, "straight");
        var trained = Sac("train", "--env", "Pendulum-v1", "--seed", "1", "--actor-lr", "0.0003", "--steps", "400", "--hidden", "16,16",
            "--batch-size", "32", "--learning-starts", "100", "--eval-episodes", "2", "--eval-every", "200", "--checkpoint-every", "0", "--out", straight);
        Assert.That(trained.Code, Is.Zero, trained.Err);
        string[] runs = RunsOf(sweep);
        Assert.That(Results(runs[3]), Is.EqualTo(Results(straight)));
        Assert.That(Results(runs[0]), Is.Not.EqualTo(Results(runs[1])), "the seeds differ");
        foreach (string run in runs)
            Assert.That(JsonNode.Parse(File.ReadAllText(Path.Combine(run, "exit.json")))!["exitCode"]!.GetValue<int>(), Is.Zero);
        Assert.That(File.ReadAllText(Path.Combine(sweep, "logs", "cell-2.log")), Does.Contain("final eval"), "each cell's output is in its log");

        var status = Sac("sweep", "status", sweep);
        Assert.That(status.Out, Does.Contain("4 cells: 0 pending, 0 running, 0 interrupted, 4 finished, 0 failed"));

        var before = Snapshot();
        var again = Sac("sweep", file, "--out", sweep, "--local", "2");
        Assert.That(again.Code, Is.Zero, again.Err);
        Assert.That(again.Out, Does.Contain("4 finished, 0 running elsewhere, 0 to run"));
        Assert.That(Snapshot(), Is.EqualTo(before), "a finished sweep is left exactly as it was");
        Assert.That(Sac("sweep", "run-cell", sweep, "1").Out, Does.Contain("already finished"));
        Assert.That(Snapshot(), Is.EqualTo(before));
    }

    [Test]
    public void Local_SigtermToExecutorAndRunTogether_TheRunStillCheckpoints()
    {
        // `pkill -f 'sac sweep'`, or systemd's default KillMode=control-group: the executor and its run get SIGTERM in
        // the same instant, and the executor passes its copy on. That copy is the same request, not a second "stop now"
        // (which would end the run without the checkpoint of its stop: with checkpointEvery 0 it would have none).
        var executor = StartOneCellSweep(seed: 5, out string sweep, out string run);
        using (executor)
        {
            int cell = RunCellProcess(sweep);
            using (var kill = System.Diagnostics.Process.Start("kill", ["-TERM", executor.Id.ToString(), cell.ToString()]))
            {
                kill.WaitForExit();
                Assert.That(kill.ExitCode, Is.Zero, "kill -TERM of the executor and its run");
            }
            var (code, output, error) = executor.WaitForExit();
            Assert.That(code, Is.EqualTo(143), output + error);
        }
        Assert.That(CheckpointStore.List(Path.Combine(run, "checkpoints")), Is.Not.Empty, "the run saved the checkpoint of its stop");
        Assert.That(File.ReadAllText(Path.Combine(sweep, "logs", "cell-0.log")), Does.Contain("Interrupted at step"));
    }

    /// <summary>The process id of the one <c>sac sweep run-cell</c> child working on <paramref name="sweep"/>.</summary>
    private static int RunCellProcess(string sweep)
    {
        var cells = new List<int>();
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid))
                continue;
            string[] args;
            try
            {
                args = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0');
            }
            catch (IOException)
            {
                continue; // it exited meanwhile
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }
            if (args.Contains("run-cell") && args.Contains(Path.GetFullPath(sweep)))
                cells.Add(pid);
        }
        Assert.That(cells, Has.Count.EqualTo(1), "one run-cell process of this sweep");
        return cells[0];
    }

    /// <summary>
    /// A one-cell sweep of seed <paramref name="seed"/>, long enough (3,000 Pendulum steps) to be stopped mid-run,
    /// started with <c>--local 1</c> and returned once its run has written three progress rows.
    /// </summary>
    private SacProcess StartOneCellSweep(int seed, out string sweep, out string run)
    {
        string file = WriteSweep($$"""
            { "name": "stop", "env": "Pendulum-v1", "seeds": [{{seed}}],
              "options": { {{TinyOptions.Replace("\"steps\": 400", "\"steps\": 3000")}} } }
            """);
        sweep = Path.Combine(Root, "s");
        Assert.That(Sac("sweep", file, "--out", sweep).Code, Is.Zero);
        run = RunsOf(sweep)[0];
        string progress = Path.Combine(run, "progress.csv");
        var executor = SacProcess.Start("sweep", sweep, "--local", "1");
        try
        {
            executor.WaitUntil(() => File.Exists(progress) && File.ReadAllLines(progress).Length > 3, "three progress rows of the cell");
            return executor;
        }
        catch
        {
            executor.Dispose();
            throw;
        }
    }

    [Test]
    public void Local_SigtermMidSweep_CheckpointsRunningCells_AndRerunResumesBitwise()
    {
        // One cell long enough to be stopped mid-run, one seed: the same run as `sac train` straight through.
        var executor = StartOneCellSweep(seed: 4, out string sweep, out string run);
        using (executor)
        {
            executor.Signal("TERM");
            var (code, output, error) = executor.WaitForExit();
            Assert.That(code, Is.EqualTo(143), output + error);
            Assert.That(output, Does.Contain("SIGTERM: asking 1 running cell(s) to checkpoint and stop"));
        }
        var stopped = Sac("sweep", "status", sweep);
        Assert.That(stopped.Out, Does.Contain("1 interrupted").And.Contain("exit 143"));
        Assert.That(CheckpointStore.List(Path.Combine(run, "checkpoints")), Is.Not.Empty, "the child saved a checkpoint on the passed-on SIGTERM");
        Assert.That(File.Exists(Path.Combine(run, "summary.json")), Is.False);

        var resumed = Sac("sweep", sweep, "--local", "1");
        Assert.That(resumed.Code, Is.Zero, resumed.Out + resumed.Err);
        Assert.That(File.ReadAllText(Path.Combine(sweep, "logs", "cell-0.log")), Does.Contain("Resuming").And.Contain("Interrupted at step"));

        string straight = Path.Combine(Root, "straight");
        var trained = Sac("train", "--env", "Pendulum-v1", "--seed", "4", "--steps", "3000", "--hidden", "16,16", "--batch-size", "32",
            "--learning-starts", "100", "--eval-episodes", "2", "--eval-every", "200", "--checkpoint-every", "0", "--out", straight);
        Assert.That(trained.Code, Is.Zero, trained.Err);
        Assert.That(Results(run), Is.EqualTo(Results(straight)), "stopped and resumed = straight through, bit for bit");
    }

    [Test]
    public void Local_CellThatFails_IsFailedWithItsErrorLine_OthersFinish()
    {
        string file = WriteSweep(TinySweep);
        string sweep = Path.Combine(Root, "s");
        Assert.That(Sac("sweep", file, "--out", sweep).Code, Is.Zero);
        // Cell 2 has a checkpoint that cannot be proven intact: its resume must be refused, not trained over.
        string run = RunsOf(sweep)[2];
        Directory.CreateDirectory(Path.Combine(run, "checkpoints", "step-0000000200"));
        File.WriteAllText(Path.Combine(run, "checkpoints", CheckpointStore.LatestPointer), "step-0000000200\n");

        var result = Sac("sweep", sweep, "--local", "2");
        Assert.That(result.Code, Is.EqualTo(1), "not every cell finished");
        Assert.That(result.Out, Does.Contain("cell 2").And.Contain("failed (exit 2): sac: error:"));
        Assert.That(result.Out, Does.Contain("3 of 4 finished, 1 failed"));
        var status = Sac("sweep", "status", sweep);
        Assert.That(status.Out, Does.Contain("3 finished, 1 failed"));
        string line = status.Out.Split('\n').Single(l => l.TrimStart().StartsWith("2 ", StringComparison.Ordinal));
        Assert.That(line, Does.Contain("failed").And.Contain("exit 2: sac: error:").And.Contain(Path.Combine(run, "checkpoints")));
    }
}
