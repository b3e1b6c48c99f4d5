using System.Text.RegularExpressions;
using Sac.Core.Checkpoints;

namespace Sac.Tests.Sweeps;

/// <summary>
/// `sac sweep --slurm` on a real single-node Slurm cluster (<see cref="SlurmCluster"/>): a sweep submitted, finished,
/// reported and equal to the same sweep run with --local; a task requeued mid-run, a task cancelled, and a task told
/// its time is up (the --signal lead), each ending in the very bytes of an uninterrupted run.
/// </summary>
[NonParallelizable]
public class SlurmSweepTests : SweepTestBase
{
    private SlurmCluster _cluster = null!;

    /// <summary>One cell of 3,000 steps: long enough (a few seconds) to be interrupted while it runs.</summary>
    private const string LongSweep = """
        { "name": "long", "env": "Pendulum-v1", "seeds": [7],
          "options": { "steps": 3000, "hidden": [16, 16], "batchSize": 32, "learningStarts": 100, "evalEpisodes": 2, "evalEvery": 200, "checkpointEvery": 0 } }
        """;

    private static string? s_straight;

    [OneTimeSetUp]
    public void StartCluster() => _cluster = SlurmCluster.Start();

    [OneTimeTearDown]
    public void StopCluster()
    {
        _cluster?.Dispose();
        if (s_straight is not null && Directory.Exists(Path.GetDirectoryName(s_straight)))
            Directory.Delete(Path.GetDirectoryName(s_straight)!, recursive: true);
        s_straight = null;
    }

    [TearDown]
    public void CancelJobs() => SlurmCluster.CancelAllAndWait();

    /// <summary>The long cell trained straight through by `sac train`, once for all tests (its results are what every
    /// interrupted version must end as).</summary>
    private static string Straight()
    {
        if (s_straight is not null)
            return s_straight;
        string run = Path.Combine(Directory.CreateTempSubdirectory("sac-slurm-straight-").FullName, "run");
        var trained = Sac("train", "--env", "Pendulum-v1", "--seed", "7", "--steps", "3000", "--hidden", "16,16", "--batch-size", "32",
            "--learning-starts", "100", "--eval-episodes", "2", "--eval-every", "200", "--checkpoint-every", "0", "--out", run);
        Assert.That(trained.Code, Is.Zero, trained.Err);
        return s_straight = run;
    }

    /// <summary>`sac sweep FILE --out DIR --slurm` in this process (sbatch inherits SLURM_CONF); returns the job id it printed.</summary>
    private static string Submit(params string[] args)
    {
        var result = Sac(["sweep", .. args, "--slurm"]);
        Assert.That(result.Code, Is.Zero, result.Out + result.Err);
        var match = Regex.Match(result.Out, @"Submitted job array (\d+) ");
        Assert.That(match.Success, Is.True, result.Out);
        return match.Groups[1].Value;
    }

    private static void WaitUntilFinished(string sweep, int cells, int timeoutMs = 240_000)
    {
        try
        {
            SlurmCluster.WaitFor(() => Sac("sweep", "status", sweep).Out.Contains($"{cells} finished", StringComparison.Ordinal), $"{cells} finished cells in {sweep}", timeoutMs);
        }
        catch (AssertionException)
        {
            // Say why: the cells' states and the tasks' own logs.
            var logs = Directory.GetFiles(Path.Combine(sweep, "logs")).Select(f => $"--- {Path.GetFileName(f)}: {string.Join(" | ", File.ReadLines(f).TakeLast(8))}");
            Assert.Fail($"{cells} cells did not finish in {timeoutMs / 1000} s. status: {Sac("sweep", "status", sweep).Out} {string.Join(" ", logs)}");
        }
    }

    /// <summary>Slurm's job states from which a task does not move on by itself.</summary>
    private static readonly string[] s_finalStates = ["COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL", "PREEMPTED", "OUT_OF_MEMORY", "BOOT_FAIL", "DEADLINE"];

    /// <summary>The task's state once it is final (a task still RUNNING or COMPLETING is waited for: reading the state as
    /// soon as it was no longer COMPLETING could catch it before it got there).</summary>
    private static string FinalState(string task)
    {
        SlurmCluster.WaitFor(() => s_finalStates.Contains(SlurmCluster.State(task)), $"{task} to reach a final state", 60_000);
        return SlurmCluster.State(task);
    }

    /// <summary>
    /// Submits <see cref="LongSweep"/> into Root/s and waits until its one run has written three progress rows: a task
    /// interrupted from there is interrupted mid-run. Returns the sweep directory, the job id and the run directory.
    /// </summary>
    private (string Sweep, string Job, string Run) SubmitLongSweepAndWaitUntilItTrains()
    {
        string sweep = Path.Combine(Root, "s");
        string job = Submit(WriteSweep(LongSweep), "--out", sweep);
        string run = RunsOf(sweep)[0];
        SlurmCluster.WaitFor(() => ProgressRows(run) >= 3, $"three progress rows in {run}", 60_000);
        return (sweep, job, run);
    }

    [Test]
    public void Slurm_TwoSeedsTimesTwoValues_FinishReportAndEqualTheLocalSweep()
    {
        string file = WriteSweep(TinySweep);
        string sweep = Path.Combine(Root, "slurm");
        string job = Submit(file, "--out", sweep, "--time", "10:00", "--sbatch", "--comment=sac-test");
        string script = File.ReadAllText(Path.Combine(sweep, "sweep.sbatch"));
        Assert.That(script, Does.Contain("#SBATCH --array=0-3\n").And.Contain("#SBATCH --requeue\n").And.Contain("#SBATCH --signal=B:USR1@180\n")
            .And.Contain("#SBATCH --cpus-per-task=1\n").And.Contain("#SBATCH --time=10:00\n").And.Contain("#SBATCH --comment=sac-test\n")
            .And.Contain($"#SBATCH --output={sweep}/logs/cell-%a.log\n"));
        Assert.That(SlurmCluster.Field($"{job}_0", "Comment"), Is.EqualTo("sac-test"), "the extra #SBATCH line reached Slurm");
        WaitUntilFinished(sweep, 4);
        Assert.That(FinalState($"{job}_3"), Is.EqualTo("COMPLETED"));
        Assert.That(File.ReadAllText(Path.Combine(sweep, "logs", "cell-3.log")), Does.Contain($"sac sweep: task {job}_3 on").And.Contain("final eval"));

        var report = Sac("report", sweep);
        Assert.That(report.Code, Is.Zero, report.Err);
        Assert.That(report.Out, Does.Contain("| Pendulum-v1 | v2 | 0.0003 | 2 |").And.Contain("| Pendulum-v1 | v2 | 0.001 | 2 |"));
        Assert.That(File.Exists(Path.Combine(sweep, "report", "curves-Pendulum-v1.png")), Is.True);

        var again = Sac("sweep", sweep, "--slurm");
        Assert.That(again.Out, Does.Contain("nothing to submit"), "a finished sweep submits nothing");

        string local = Path.Combine(Root, "local");
        var result = Sac("sweep", file, "--out", local, "--local", "2");
        Assert.That(result.Code, Is.Zero, result.Out + result.Err);
        string[] slurmRuns = RunsOf(sweep), localRuns = RunsOf(local);
        for (int i = 0; i < 4; i++)
            Assert.That(Results(slurmRuns[i]), Is.EqualTo(Results(localRuns[i])), $"cell {i}: Slurm and --local 2 give the same bytes");
    }

    [Test]
    public void Slurm_TaskRequeuedWhileRunning_ResumesToTheBytesOfAnUninterruptedRun()
    {
        var (sweep, job, run) = SubmitLongSweepAndWaitUntilItTrains();

        Assert.That(SlurmCluster.Run("scontrol", "requeue", $"{job}_0").Code, Is.Zero);
        SlurmCluster.WaitFor(() => SlurmCluster.State($"{job}_0") == "PENDING", "the requeued task to be pending", 30_000);
        // A requeued job may start again only after the credential lifetime (cred_expire); this lets it start now.
        SlurmCluster.Run("scontrol", "update", $"JobId={job}_0", "StartTime=now");
        WaitUntilFinished(sweep, 1);

        string log = File.ReadAllText(Path.Combine(sweep, "logs", "cell-0.log"));
        Assert.That(log, Does.Contain("DUE TO JOB REQUEUE"));
        Assert.That(log, Does.Match(@"Interrupted at step \d+ of 3000 \(SIGTERM\)"), "the requeue's SIGTERM reached the run, which saved a checkpoint");
        Assert.That(log, Does.Match(@"Resuming .* at step [1-9]\d* of 3000"), "the second start continued from that checkpoint, not from 0");
        Assert.That(log, Does.Contain("(restart 1)"));
        Assert.That(SlurmCluster.Field($"{job}_0", "Restarts"), Is.EqualTo("1"));
        Assert.That(Results(run), Is.EqualTo(Results(Straight())), "requeued mid-run = straight through, bit for bit");
    }

    [Test]
    public void Slurm_TaskCancelled_LeavesItsRunResumable_AndResubmitFinishesIt()
    {
        var (sweep, job, run) = SubmitLongSweepAndWaitUntilItTrains();

        Assert.That(SlurmCluster.Run("scancel", $"{job}_0").Code, Is.Zero);
        SlurmCluster.WaitFor(() => SlurmCluster.State($"{job}_0") is "CANCELLED" or "", "the task to be cancelled", 30_000);
        // The run lets go of its lock, then run-cell records the attempt's exit code: wait for both.
        SlurmCluster.WaitFor(() => Sac("sweep", "status", sweep).Out is var o && o.Contains("1 interrupted", StringComparison.Ordinal) && o.Contains("exit 143", StringComparison.Ordinal),
            "the stopped run's exit record", 30_000);
        var status = Sac("sweep", "status", sweep);
        Assert.That(status.Out, Does.Contain("1 interrupted").And.Contain("exit 143"), status.Out);
        Assert.That(CheckpointStore.List(Path.Combine(run, "checkpoints")), Has.Count.EqualTo(1), "scancel's SIGTERM saved a checkpoint");
        Assert.That(SlurmCluster.State($"{job}_0"), Is.Not.EqualTo("PENDING"), "a cancelled task stays cancelled");

        string again = Submit(sweep);
        Assert.That(File.ReadAllText(Path.Combine(sweep, "sweep.sbatch")), Does.Contain("#SBATCH --array=0\n"));
        WaitUntilFinished(sweep, 1);
        Assert.That(File.ReadAllText(Path.Combine(sweep, "logs", "cell-0.log")), Does.Contain($"task {again}_0").And.Match(@"Resuming .* at step [1-9]\d* of 3000"));
        Assert.That(Results(run), Is.EqualTo(Results(Straight())), "cancelled, resubmitted = straight through, bit for bit");
    }

    [Test]
    public void Slurm_TimeLimitLeadSignal_CheckpointsRequeuesItselfAndFinishes()
    {
        var (sweep, job, run) = SubmitLongSweepAndWaitUntilItTrains();

        // What --signal=B:USR1@lead delivers near the time limit: SIGUSR1 to the batch shell alone.
        Assert.That(SlurmCluster.Run("scancel", "--batch", "--signal=USR1", $"{job}_0").Code, Is.Zero);
        SlurmCluster.WaitFor(() => File.ReadAllText(Path.Combine(sweep, "logs", "cell-0.log")).Contains("requeueing it", StringComparison.Ordinal),
            "the task to requeue itself", 30_000);
        SlurmCluster.WaitFor(() => SlurmCluster.State($"{job}_0") == "PENDING", "the requeued task to be pending", 30_000);
        SlurmCluster.Run("scontrol", "update", $"JobId={job}_0", "StartTime=now");
        WaitUntilFinished(sweep, 1);

        string log = File.ReadAllText(Path.Combine(sweep, "logs", "cell-0.log"));
        Assert.That(log, Does.Match(@"Interrupted at step \d+ of 3000 \(SIGTERM\)"), "the script turned SIGUSR1 into one SIGTERM for the run");
        Assert.That(log, Does.Match(@"Resuming .* at step [1-9]\d* of 3000"));
        Assert.That(Results(run), Is.EqualTo(Results(Straight())), "stopped at the lead time, requeued = straight through, bit for bit");
    }
}
