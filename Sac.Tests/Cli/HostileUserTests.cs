using System.Buffers.Binary;
using System.Diagnostics;
using System.Text.Json;
using Sac.Cli.Runs;
using Sac.Core.Checkpoints;
using Sac.Core.Training;

namespace Sac.Tests.Cli;

/// <summary>
/// A hostile user's trial of run directories (issue 12): every defect found is reproduced here, and each must now end
/// in one clear line and exit code 2 with nothing written or lost, or in the right result.
/// </summary>
[NonParallelizable]
public class HostileUserTests : CliTestBase
{
    private string NewRun(string name, long steps = 150, params string[] extra)
    {
        string run = Path.Combine(Root, name);
        var result = Sac(TrainArgs(run, steps, extra));
        Assert.That(result.Code, Is.Zero, result.Err);
        return run;
    }

    private static string LatestCheckpoint(string run) => CheckpointStore.Resolve(Path.Combine(run, "checkpoints"));

    /// <summary>
    /// `sac train` of <paramref name="steps"/> steps into <paramref name="run"/> in a child process, sent
    /// <paramref name="signal"/> once progress.csv holds <paramref name="rows"/> rows (mid-run, as a scheduler or a
    /// crash would stop it); returns how it exited.
    /// </summary>
    private static (int Code, string Out, string Err) TrainUntilProgressRowsThenSignal(string run, long steps, int rows, string signal)
    {
        using var child = SacProcess.Start(TrainArgs(run, steps));
        child.WaitUntil(() => ProgressRows(run) >= rows, $"{rows} progress rows");
        child.Signal(signal);
        return child.WaitForExit();
    }

    [Test]
    public void TrainingState_FlippedMetadataByte_IsRefusedByEvalAndResume()
    {
        // The step count sits in the header's metadata, outside the tensors; a checksum of the data alone missed it.
        string run = NewRun("run");
        string state = Path.Combine(LatestCheckpoint(run), Trainer.StateFileName);
        byte[] bytes = File.ReadAllBytes(state);
        int headerEnd = 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        int at = System.Text.Encoding.UTF8.GetString(bytes, 0, headerEnd).IndexOf("150", StringComparison.Ordinal);
        Assert.That(at, Is.GreaterThan(8), "the header holds the step count");
        bytes[at] = (byte)'9'; // "150" → "950": well-formed, but a state that never existed
        File.WriteAllBytes(state, bytes);
        var before = Snapshot();

        AssertUsageError(Sac("eval", "--run", run), "corrupt", Trainer.StateFileName);
        AssertUsageError(Sac("train", "--resume", run, "--steps", "300"), "corrupt");
        Assert.That(Snapshot(), Is.EqualTo(before), "nothing written, nothing lost");
    }

    [Test]
    public void ModelFile_TruncatedDeletedOrWrongShapes_IsRefusedByEvalAndResume()
    {
        string run = NewRun("run");
        string other = Path.Combine(Root, "other");
        Assert.That(Sac(TrainArgs(other, 150, "--hidden", "8")).Code, Is.Zero);
        string model = Path.Combine(LatestCheckpoint(run), Trainer.ModelFileName);
        byte[] good = File.ReadAllBytes(model);

        void Refused(params string[] mentions)
        {
            var before = Snapshot();
            AssertUsageError(Sac("eval", "--run", run), mentions);
            AssertUsageError(Sac("train", "--resume", run, "--steps", "300"), mentions);
            Assert.That(Snapshot(), Is.EqualTo(before));
        }

        File.WriteAllBytes(model, good[..(good.Length / 2)]);
        Refused(Trainer.ModelFileName, "truncated");
        File.Delete(model);
        Refused(Trainer.ModelFileName, "missing");
        File.Copy(Path.Combine(LatestCheckpoint(other), Trainer.ModelFileName), model);
        Refused(Trainer.ModelFileName);

        File.WriteAllBytes(model, good);
        Assert.That(Sac("eval", "--run", run, "--episodes", "1").Code, Is.Zero, "the intact file is accepted");
    }

    [Test]
    public void ConfigJson_EditedAfterTraining_IsRefusedOnResume()
    {
        // config.json is what a resume trains with: one edited by hand no longer matches what the checkpoint was trained on.
        string run = NewRun("run");
        string config = Path.Combine(run, "config.json");
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"gamma\": 0.99", "\"gamma\": 0.9"));
        AssertRefusedTouchingNothing(["train", "--resume", run, "--steps", "300"], "Gamma = 0.99", "Gamma = 0.9");
    }

    [Test]
    public void Lock_HeldByAnotherProcess_SecondTrainGetsOneLineAndExitTwo()
    {
        // A real second process: `sac train` runs in a child; meanwhile this process tries to resume it, and to start
        // a new run in the same directory.
        string run = Path.Combine(Root, "run");
        using var child = SacProcess.Start(TrainArgs(run, 1_000_000));
        child.WaitUntil(() => ProgressRows(run) >= 1, "the child's first progress row");

        var resume = Sac("train", "--resume", run, "--steps", "2000000");
        AssertUsageError(resume, "in use by another sac process");
        var again = Sac(TrainArgs(run, 300));
        AssertUsageError(again, run);
        Assert.That(child.HasExited, Is.False, "the first process is unharmed");

        child.Signal("KILL");
        child.WaitForExit();
        // The kernel released the dead process's lock: the directory can be taken again.
        Assert.That(() => new RunDirectory(run, "--resume").Lock().Dispose(), Throws.Nothing);
    }

    [Test]
    public void Lock_SecondNewRunInSameEmptyDirectory_IsRefused()
    {
        string dir = Path.Combine(Root, "shared");
        Directory.CreateDirectory(dir);
        using (new RunDirectory(dir, "--out").Lock())
        {
            var result = Sac(TrainArgs(dir, 150));
            AssertUsageError(result, "in use by another sac process");
            Assert.That(File.Exists(Path.Combine(dir, "config.json")), Is.False, "the refused run wrote nothing");
        }
        Assert.That(Sac(TrainArgs(dir, 150)).Code, Is.Zero, "once released, the directory is free");
    }

    [Test]
    public void Sigterm_SavesCheckpointExits143_AndResumeIsBitwise()
    {
        string straight = NewRun("straight", 3_000);

        // What Slurm, Kubernetes and systemd send before they kill: the run must save and exit 143, losing nothing.
        string preempted = Path.Combine(Root, "preempted");
        var (code, output, error) = TrainUntilProgressRowsThenSignal(preempted, 3_000, rows: 3, "TERM");
        Assert.That(code, Is.EqualTo(143), output + error);
        Assert.That(output, Does.Contain("SIGTERM").And.Contain("--resume"));
        long stoppedAt = long.Parse(Path.GetFileName(LatestCheckpoint(preempted))["step-".Length..]);
        Assert.That(stoppedAt, Is.InRange(300, 2_999), "stopped mid-run, after the rows it waited for");

        var resumed = Sac("train", "--resume", preempted);
        Assert.That(resumed.Code, Is.Zero, resumed.Err);
        Assert.That(File.ReadAllBytes(Path.Combine(LatestCheckpoint(preempted), Trainer.ModelFileName)),
            Is.EqualTo(File.ReadAllBytes(Path.Combine(LatestCheckpoint(straight), Trainer.ModelFileName))), "final weights, byte for byte");
        Assert.That(ProgressWithoutTimes(preempted), Is.EqualTo(ProgressWithoutTimes(straight)), "every progress row, once each");
    }

    [Test]
    public void KilledBeforeFirstCheckpoint_ResumesFromStepZero_AndOutSaysResume()
    {
        string straight = NewRun("straight", 3_000);
        string killed = Path.Combine(Root, "killed");
        TrainUntilProgressRowsThenSignal(killed, 3_000, rows: 2, "KILL"); // no chance to checkpoint
        Assert.That(CheckpointStore.List(Path.Combine(killed, "checkpoints")), Is.Empty, "it died before its first checkpoint");

        AssertUsageError(Sac(TrainArgs(killed, 3_000)), "--resume");
        var resumed = Sac("train", "--resume", killed);
        Assert.That(resumed.Code, Is.Zero, resumed.Err);
        Assert.That(resumed.Out, Does.Contain("starts again from step 0"));
        Assert.That(File.ReadAllBytes(Path.Combine(LatestCheckpoint(killed), Trainer.ModelFileName)),
            Is.EqualTo(File.ReadAllBytes(Path.Combine(LatestCheckpoint(straight), Trainer.ModelFileName))));
        Assert.That(ProgressWithoutTimes(killed), Is.EqualTo(ProgressWithoutTimes(straight)));
    }

    [Test]
    public void BadValues_AreOneLineExitTwo_AndWriteNothing()
    {
        string file = Path.Combine(Root, "file");
        File.WriteAllText(file, "x");
        string duplicate = Path.Combine(Root, "duplicate.json");
        File.WriteAllText(duplicate, """{ "gamma": 0.9, "tau": 0.01, "gamma": 0.95 }""");
        string nullEnv = Path.Combine(Root, "null.json");
        File.WriteAllText(nullEnv, """{ "env": null }""");
        string unknownEnv = Path.Combine(Root, "unknown.json");
        File.WriteAllText(unknownEnv, """{ "env": "Nope-v9" }""");
        string run = NewRun("run");
        var before = Snapshot();
        string Out(string name) => Path.Combine(Root, name);
        // Only the option under test beside the environment and directory (TrainArgs' own --hidden etc. would clash).
        string[] Bare(string dir, params string[] extra) => ["train", "--env", "Pendulum-v1", "--steps", "150", "--out", dir, .. extra];

        AssertUsageError(Sac(TrainArgs(Out("a"), 150, "--actor-lr", "Infinity")), "--actor-lr", "finite");
        AssertUsageError(Sac(TrainArgs(Out("a"), 150, "--lr", "NaN")), "finite");
        AssertUsageError(Sac(TrainArgs(Out("a"), 150, "--max-grad-norm", "Infinity")), "--max-grad-norm", "finite");
        AssertUsageError(Sac(TrainArgs(Out("a"), 150, "--gamma", "NaN")), "--gamma");
        AssertUsageError(Sac(["train", "--env", "Pendulum-v1", "--out", ""]), "--out");
        AssertUsageError(Sac(["train", "--env", "Pendulum-v1", "--out", "  "]), "--out");
        AssertUsageError(Sac(TrainArgs(Path.Combine(file, "sub"), 150)), "--out", "cannot be created");
        AssertUsageError(Sac(TrainArgs(Out("a"), 150, "--config", duplicate)), "'gamma' appears more than once");
        AssertUsageError(Sac("train", "--config", nullEnv, "--out", Out("a")), "--env is required");
        AssertUsageError(Sac("train", "--config", unknownEnv, "--out", Out("a")), "Nope-v9");
        AssertUsageError(Sac(TrainArgs(Out("a"), 150, "--config", Root)), "--config");
        AssertUsageError(Sac(Bare(Out("a"), "--hidden", "100000,100000")), "--hidden", "largest .NET array");
        AssertUsageError(Sac(Bare(Out("a"), "--hidden", "30000,30000")), "--hidden", "GiB");
        AssertUsageError(Sac(Bare(Out("a"), "--buffer-size", "2147483647")), "--buffer-size");
        AssertUsageError(Sac(Bare(Out("a"), "--batch-size", "2000000000")), "--batch-size");
        AssertUsageError(Sac(Bare(Out("a"), "--threads", "100000")), "--threads");
        AssertUsageError(Sac(Bare(Out("a"), "--eval-episodes", "2147483647")), "--eval-episodes");
        AssertUsageError(Sac("eval", "--run", run, "--episodes", "2147483647"), "--episodes");
        AssertUsageError(Sac("eval", "--run", ""), "--run");

        Assert.That(Snapshot(), Is.EqualTo(before), "no file was created, changed or deleted");
        Assert.That(Directory.Exists(Out("a")), Is.False);
    }

    [Test]
    public void ReadOnlyOut_IsOneLineExitTwo()
    {
        // A read-only file system (root ignores permission bits, so a chmod would not do): a read-only tmpfs if this
        // process may mount one, else sysfs, which refuses new directories.
        string mount = Path.Combine(Root, "readonly");
        Directory.CreateDirectory(mount);
        bool mounted = Run("mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", mount) == 0;
        try
        {
            string target = mounted ? mount : "/sys/sac-readonly-probe";
            AssertUsageError(Sac(TrainArgs(target, 150)), "--out", target);
            if (mounted)
                AssertUsageError(Sac(TrainArgs(Path.Combine(mount, "sub"), 150)), "--out", "cannot be created");
        }
        finally
        {
            if (mounted)
                Run("umount", mount);
        }
    }

    [Test]
    public void FullDisk_IsOneLine_LeavesNoTemporaries_AndKeepsWhatWasWritten()
    {
        // A 64 KiB file system fills up while the run writes its plots, after its final checkpoint.
        string mount = Path.Combine(Root, "small");
        Directory.CreateDirectory(mount);
        Assert.That(Run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mount), Is.Zero, "this test mounts a small tmpfs (the suite runs as root)");
        try
        {
            string run = Path.Combine(mount, "run");
            var result = Sac(TrainArgs(run, 400, "--hidden", "8"));
            Assert.That(result.Code, Is.EqualTo(1), result.Out);
            Assert.That(result.Err.Trim().Split('\n'), Has.Length.EqualTo(1));
            Assert.That(result.Err, Does.StartWith("sac: error: ").And.Contain("No space left on device"));
            var leftovers = Directory.GetFileSystemEntries(run, "*tmp*", SearchOption.AllDirectories);
            Assert.That(leftovers, Is.Empty, "no temporary is left behind");
            var eval = Sac("eval", "--run", run, "--episodes", "1");
            Assert.That(eval.Code, Is.Zero, "the final checkpoint, written before the disk filled, is intact: " + eval.Err);
        }
        finally
        {
            Run("umount", mount);
        }
    }

    private static int Run(string program, params string[] args)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            process.WaitForExit();
            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }

    [Test]
    public void HugeSteps_EtaNeverOverflows()
    {
        // --steps near long.MaxValue crashed after 80,000 steps on a TimeSpan overflow in the ETA.
        Assert.That(TrainingSession.Eta(TimeSpan.FromSeconds(60), 80_000, long.MaxValue - 80_000), Is.EqualTo(">99 days"));
        Assert.That(TrainingSession.Eta(TimeSpan.FromSeconds(60), 1_000, 1_000), Is.EqualTo("1:00"));
        Assert.That(TrainingSession.Eta(TimeSpan.FromSeconds(3600), 1_000, 2_000), Is.EqualTo("2:00:00"));
        string run = Path.Combine(Root, "huge");
        TrainingSession.InterruptAtStepForTesting = 400; // past an evaluation, whose progress line shows the ETA
        var result = Sac(TrainArgs(run, long.MaxValue - 1));
        Assert.That(result.Code, Is.EqualTo(130), result.Err);
        Assert.That(result.Out, Does.Contain("ETA >99 days"));
    }

    [Test]
    public void HiddenConflictOnResume_IsOneLine()
    {
        string run = NewRun("run");
        AssertRefusedTouchingNothing(["train", "--resume", run, "--hidden", "8,8"], "--hidden 8,8", "hidden = 16,16");
    }

    [Test]
    public void StaleTemporaries_AreCleanedUnderTheLock_AndNothingElse()
    {
        // A directory where a crashed first write left only config.json.tmp is free for a new run.
        string crashedAtStart = Path.Combine(Root, "crashed");
        Directory.CreateDirectory(crashedAtStart);
        File.WriteAllText(Path.Combine(crashedAtStart, "config.json.tmp"), "{ \"form");
        Assert.That(Sac(TrainArgs(crashedAtStart, 150)).Code, Is.Zero);
        Assert.That(File.Exists(Path.Combine(crashedAtStart, "config.json.tmp")), Is.False);

        // A run whose process died mid-checkpoint: its temporaries go on resume; the user's own file stays.
        TrainingSession.InterruptAtStepForTesting = 200;
        string run = Path.Combine(Root, "run");
        Assert.That(Sac(TrainArgs(run, 400)).Code, Is.EqualTo(130));
        TrainingSession.InterruptAtStepForTesting = null;
        string checkpoints = Path.Combine(run, "checkpoints");
        string[] stale =
        [
            Path.Combine(checkpoints, ".tmp-step-0000000300-4242-0123456789abcdef"),
            Path.Combine(checkpoints, "latest.tmp-4242"),
            Path.Combine(run, "progress.csv.tmp"),
            Path.Combine(run, "summary.json.tmp"),
        ];
        Directory.CreateDirectory(stale[0]);
        File.WriteAllText(Path.Combine(stale[0], Trainer.StateFileName), "half");
        foreach (string path in stale[1..])
            File.WriteAllText(path, "half");
        File.WriteAllText(Path.Combine(run, "notes.txt"), "mine");
        File.WriteAllText(Path.Combine(checkpoints, "tmp-mine"), "mine too");

        Assert.That(Sac("train", "--resume", run).Code, Is.Zero);
        foreach (string path in stale)
            Assert.That(File.Exists(path) || Directory.Exists(path), Is.False, path);
        Assert.That(File.ReadAllText(Path.Combine(run, "notes.txt")), Is.EqualTo("mine"));
        Assert.That(File.ReadAllText(Path.Combine(checkpoints, "tmp-mine")), Is.EqualTo("mine too"));
    }

    [Test]
    public void Summary_CoversEverySegment_AndResumingAFinishedRunChangesNothing()
    {
        string run = Path.Combine(Root, "run");
        TrainingSession.InterruptAtStepForTesting = 437;
        Assert.That(Sac(TrainArgs(run, 800)).Code, Is.EqualTo(130));
        TrainingSession.InterruptAtStepForTesting = null;
        string first = LatestCheckpoint(run);
        using var state = JsonDocument.Parse(SafeTensorsFile.Load(Path.Combine(first, Trainer.StateFileName)).Metadata["state"]);
        double firstSegment = state.RootElement.GetProperty("trainingSeconds").GetDouble();
        Assert.That(firstSegment, Is.GreaterThan(0));

        Assert.That(Sac("train", "--resume", run).Code, Is.Zero);
        string summaryPath = Path.Combine(run, "summary.json");
        using (var summary = JsonDocument.Parse(File.ReadAllText(summaryPath)))
        {
            var root = summary.RootElement;
            double wall = root.GetProperty("wallSeconds").GetDouble();
            Assert.That(root.GetProperty("steps").GetInt64(), Is.EqualTo(800));
            Assert.That(wall, Is.GreaterThan(firstSegment), "the first segment's time is included");
            Assert.That(root.GetProperty("stepsPerSecond").GetDouble(), Is.EqualTo(800 / wall).Within(1e-6).Percent);
        }

        var before = Snapshot();
        var again = Sac("train", "--resume", run);
        Assert.That(again.Code, Is.Zero);
        Assert.That(again.Out, Does.Contain("already finished"));
        Assert.That(Snapshot(), Is.EqualTo(before), "summary.json, plots and checkpoints untouched");
    }

    [Test]
    public void TornLastProgressRow_IsCutOnResume()
    {
        string straight = NewRun("straight", 800);
        string run = Path.Combine(Root, "run");
        TrainingSession.InterruptAtStepForTesting = 437;
        Assert.That(Sac(TrainArgs(run, 800)).Code, Is.EqualTo(130));
        TrainingSession.InterruptAtStepForTesting = null;
        // The interrupted process's last write was cut off: a row of a later step with part of its cells, no line end.
        File.AppendAllText(Path.Combine(run, "progress.csv"), "420,3,1.5,77");
        Assert.That(Sac("train", "--resume", run).Code, Is.Zero);
        Assert.That(ProgressWithoutTimes(run), Is.EqualTo(ProgressWithoutTimes(straight)));
    }

    [Test]
    public void UnknownCommand_IsNamed_EvenWithHelp()
    {
        foreach (var args in new[] { new[] { "frobnicate" }, ["frobnicate", "--help"], ["frobnicate", "--env", "Pendulum-v1"] })
        {
            var result = Sac(args);
            AssertUsageError(result, "unknown command 'frobnicate'", "train");
            Assert.That(result.Out, Is.Empty, "no help text on stdout");
        }
    }
}
