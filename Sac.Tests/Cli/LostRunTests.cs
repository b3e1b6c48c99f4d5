using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Sac.Cli.Runs;
using Sac.Core.Checkpoints;
using Sac.Core.Training;
using Sac.Tests.Sweeps;

namespace Sac.Tests.Cli;

/// <summary>
/// Issue 24, a hostile trial of checkpoints and sweeps: each way a run or its data was lost is reproduced here with real
/// commands (in this process or as child processes), and each must now end in the right result, or in one clear line and
/// exit code 2 with nothing written or lost.
/// </summary>
[NonParallelizable]
public class LostRunTests : SweepTestBase
{
    private static string Checkpoints(string run) => Path.Combine(run, "checkpoints");

    /// <summary>A Pendulum run of <paramref name="steps"/> checkpointing every 100 steps, stopped (as Ctrl-C would) at
    /// <paramref name="stopAt"/>; returns its directory.</summary>
    private string InterruptedRun(string name, long steps, long stopAt)
    {
        string run = Path.Combine(Root, name);
        TrainingSession.InterruptAtStepForTesting = stopAt;
        var first = Sac(TrainArgs(run, steps, "--checkpoint-every", "100"));
        TrainingSession.InterruptAtStepForTesting = null;
        Assert.That(first.Code, Is.EqualTo(130), first.Err);
        return run;
    }

    private string StraightRun(string name, long steps)
    {
        string run = Path.Combine(Root, name);
        var result = Sac(TrainArgs(run, steps, "--checkpoint-every", "100"));
        Assert.That(result.Code, Is.Zero, result.Err);
        return run;
    }

    [Test]
    public void Resume_CrashBetweenCheckpointAndItsPointer_ResumesFromTheNewestCheckpointBitwise()
    {
        // A crash (or a full disk) after the step directory's rename but before `latest` was replaced: at the first
        // checkpoint there is no pointer at all, later the pointer names the checkpoint before.
        string straight = StraightRun("straight", 400);
        string noPointer = InterruptedRun("no-pointer", 400, 100);
        File.Delete(Path.Combine(Checkpoints(noPointer), CheckpointStore.LatestPointer));
        string stalePointer = InterruptedRun("stale-pointer", 400, 200);
        File.WriteAllText(Path.Combine(Checkpoints(stalePointer), CheckpointStore.LatestPointer), "step-0000000100\n");

        var first = Sac("train", "--resume", noPointer);
        Assert.That(first.Code, Is.Zero, first.Err);
        Assert.That(first.Out, Does.Contain("Resuming").And.Contain("at step 100 of 400"));
        var second = Sac("train", "--resume", stalePointer);
        Assert.That(second.Code, Is.Zero, second.Err);
        Assert.That(second.Out, Does.Contain("at step 200 of 400"), "the newest checkpoint, not the one the stale pointer names");

        Assert.That(Results(noPointer), Is.EqualTo(Results(straight)), "resumed = straight through, bit for bit");
        Assert.That(Results(stalePointer), Is.EqualTo(Results(straight)));
        Assert.That(File.ReadAllText(Path.Combine(Checkpoints(noPointer), CheckpointStore.LatestPointer)).Trim(), Is.EqualTo("step-0000000400"), "the pointer is right again");
    }

    [Test]
    public void Resume_NewestCheckpointCorrupt_SaysSoAndResumesFromTheOneBeforeBitwise()
    {
        string straight = StraightRun("straight", 400);
        string run = InterruptedRun("run", 400, 200);
        string newest = Path.Combine(Checkpoints(run), "step-0000000200", Trainer.StateFileName);
        byte[] bytes = File.ReadAllBytes(newest);
        bytes[^5] ^= 0x40; // a flipped bit in the replay buffer's last bytes
        File.WriteAllBytes(newest, bytes);

        var resumed = Sac("train", "--resume", run);
        Assert.That(resumed.Code, Is.Zero, resumed.Err);
        Assert.That(resumed.Out, Does.Contain("warning: step-0000000200 cannot be used").And.Contain("corrupt").And.Contain("trying step-0000000100"));
        Assert.That(resumed.Out, Does.Contain("at step 100 of 400"));
        Assert.That(Results(run), Is.EqualTo(Results(straight)));
    }

    [Test]
    public void Resume_DanglingCheckpointsSymlink_IsRefusedTouchingNothing_AndResumesBitwiseOnceItIsBack()
    {
        // checkpoints/ on a scratch disk that is not mounted: the run must not be taken for one without checkpoints.
        string straight = StraightRun("straight", 400);
        string run = InterruptedRun("run", 400, 300);
        string scratch = Path.Combine(Root, "scratch");
        Directory.Move(Checkpoints(run), scratch);
        File.CreateSymbolicLink(Checkpoints(run), Path.Combine(Root, "unmounted", "checkpoints"));
        var before = Snapshot();
        string progress = File.ReadAllText(Path.Combine(run, "progress.csv"));

        AssertUsageError(Sac("train", "--resume", run), "symbolic link", "cannot be reached");
        Assert.That(Snapshot(), Is.EqualTo(before), "nothing written, nothing lost");
        Assert.That(File.ReadAllText(Path.Combine(run, "progress.csv")), Is.EqualTo(progress), "progress.csv keeps every row");

        // The disk is back.
        File.Delete(Checkpoints(run));
        Directory.CreateDirectory(Path.Combine(Root, "unmounted"));
        Directory.Move(scratch, Path.Combine(Root, "unmounted", "checkpoints"));
        File.CreateSymbolicLink(Checkpoints(run), Path.Combine(Root, "unmounted", "checkpoints"));
        var resumed = Sac("train", "--resume", run);
        Assert.That(resumed.Code, Is.Zero, resumed.Err);
        Assert.That(Results(run), Is.EqualTo(Results(straight)));
    }

    /// <summary>
    /// Rewrites the training state's "state" metadata with <paramref name="edit"/> and reseals the file with a correct
    /// whole-file checksum, computed here independently of Sac's writer: the SHA-256 of the file with the checksum's 64
    /// characters set to '0'.
    /// </summary>
    private static void Reseal(string stateFile, Action<JsonObject> edit)
    {
        byte[] file = File.ReadAllBytes(stateFile);
        int length = (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
        var header = JsonNode.Parse(file.AsSpan(8, length))!.AsObject();
        var metadata = header["__metadata__"]!.AsObject();
        var state = JsonNode.Parse(metadata["state"]!.GetValue<string>())!.AsObject();
        edit(state);
        metadata["state"] = state.ToJsonString();
        string zeros = new('0', 64);
        metadata["sha256"] = zeros;
        byte[] json = Encoding.UTF8.GetBytes(header.ToJsonString());
        int padded = (json.Length + 7) / 8 * 8;
        byte[] resealed = new byte[8 + padded + (file.Length - 8 - length)];
        BinaryPrimitives.WriteUInt64LittleEndian(resealed, (ulong)padded);
        json.CopyTo(resealed, 8);
        resealed.AsSpan(8 + json.Length, padded - json.Length).Fill((byte)' ');
        file.AsSpan(8 + length).CopyTo(resealed.AsSpan(8 + padded));
        string checksum = Convert.ToHexString(SHA256.HashData(resealed));
        int at = Encoding.ASCII.GetString(resealed, 0, 8 + padded).IndexOf(zeros, StringComparison.Ordinal);
        Encoding.ASCII.GetBytes(checksum).CopyTo(resealed, at);
        File.WriteAllBytes(stateFile, resealed);
    }

    [TestCase("episodes", -3, "episodes = -3")]
    [TestCase("steps", -150, "steps = -150")]
    [TestCase("steps", 149, "after 149 steps")]
    [TestCase("updates", 7, "7 updates after 150 steps")]
    [TestCase("replayPosition", 3, "position 3")]
    [TestCase("episodeLengths", 10_000, "length 10000")]
    public void TrainingState_ResealedWithImpossibleCounters_IsRefusedByResumeAndEval(string key, long value, string mention)
    {
        // The checksum proves the file intact, not sensible: the state never existed, so no run may start from it.
        string run = Path.Combine(Root, "run");
        Assert.That(Sac(TrainArgs(run, 150)).Code, Is.Zero);
        File.Delete(Path.Combine(run, "summary.json")); // as if interrupted at its last step, so that resume reads it
        string state = Path.Combine(CheckpointStore.Resolve(Checkpoints(run)), Trainer.StateFileName);
        // Per-copy counters are arrays (one copy here).
        Reseal(state, s => s[key] = s[key] is JsonArray ? new JsonArray(value) : value);
        var before = Snapshot();

        AssertUsageError(Sac("train", "--resume", run, "--steps", "300"), "impossible", mention);
        AssertUsageError(Sac("eval", "--run", run), "impossible", mention);
        Assert.That(Snapshot(), Is.EqualTo(before), "nothing written, nothing lost");
    }

    [Test]
    public void TrainingState_ResealedUnchanged_StillResumes()
    {
        // The other side of the test above: the independent resealing is right, so a refusal there is the counters'.
        string run = Path.Combine(Root, "run");
        Assert.That(Sac(TrainArgs(run, 150)).Code, Is.Zero);
        Reseal(Path.Combine(CheckpointStore.Resolve(Checkpoints(run)), Trainer.StateFileName), _ => { });
        var resumed = Sac("train", "--resume", run, "--steps", "300");
        Assert.That(resumed.Code, Is.Zero, resumed.Err);
    }

    [Test]
    public void Train_Sighup_CheckpointsAndExits129_AndResumesBitwise()
    {
        // A closed terminal sends SIGHUP, whose default would end the process with nothing saved.
        // Long enough (about 9 s alone) that a loaded machine still signals it mid-run.
        string straight = StraightRun("straight", 10_000);
        string run = Path.Combine(Root, "run");
        string progress = Path.Combine(run, "progress.csv");
        using (var child = SacProcess.Start(TrainArgs(run, 10_000, "--checkpoint-every", "100")))
        {
            child.WaitUntil(() => File.Exists(progress) && File.ReadAllLines(progress).Length > 3, "three progress rows");
            child.Signal("HUP");
            var (code, output, error) = child.WaitForExit();
            Assert.That(code, Is.EqualTo(129), output + error);
            Assert.That(output, Does.Contain("Interrupted at step").And.Contain("SIGHUP"));
        }
        Assert.That(File.Exists(Path.Combine(run, "summary.json")), Is.False, "stopped before its end");
        var resumed = Sac("train", "--resume", run);
        Assert.That(resumed.Code, Is.Zero, resumed.Err);
        Assert.That(Results(run), Is.EqualTo(Results(straight)));
    }

    [Test]
    public void SweepLocal_SigtermWithCellsQueued_ExitsPromptlyWithoutSpinning()
    {
        // One cell at a time and three queued: after the running cell checkpoints and exits, the executor must exit too.
        string file = WriteSweep($$"""
            { "name": "queued", "env": "Pendulum-v1", "seeds": [0, 1, 2, 3],
              "options": { {{TinyOptions.Replace("\"steps\": 400", "\"steps\": 3000")}} } }
            """);
        string sweep = Path.Combine(Root, "s");
        Assert.That(Sac("sweep", file, "--out", sweep).Code, Is.Zero);
        string progress = Path.Combine(RunsOf(sweep)[0], "progress.csv");
        using var executor = SacProcess.Start("sweep", sweep, "--local", "1");
        executor.WaitUntil(() => File.Exists(progress) && File.ReadAllLines(progress).Length > 3, "three progress rows of the first cell");
        executor.Signal("TERM");
        var (code, output, error) = executor.WaitForExit(timeoutMs: 60_000);
        Assert.That(code, Is.EqualTo(143), output + error);
        Assert.That(output, Does.Contain("0 of 4 finished, 0 failed, 1 stopped"));
        Assert.That(Sac("sweep", "status", sweep).Out, Does.Contain("3 pending").And.Contain("1 interrupted"), "the queued cells were left to the next run");
    }

    [Test]
    public void ConfigAndSweepFiles_EndlessDevices_AreRefusedWithOneLine()
    {
        // Devices that never end: the whole file must not be read into memory first.
        var before = Snapshot();
        AssertUsageError(Sac("train", "--env", "Pendulum-v1", "--config", "/dev/zero", "--out", Path.Combine(Root, "r")), "/dev/zero", "larger than 16 MiB");
        AssertUsageError(Sac("sweep", "/dev/urandom", "--out", Path.Combine(Root, "s")), "/dev/urandom", "larger than 16 MiB");
        AssertUsageError(Sac("train", "--env", "Pendulum-v1", "--config", Root, "--out", Path.Combine(Root, "r")), "is a directory");
        Assert.That(Snapshot(), Is.EqualTo(before));
        Assert.That(Directory.GetFileSystemEntries(Root), Is.Empty, "no run or sweep directory was created");
    }

    [Test]
    public void Sweep_NameTooLongForAFileName_IsRefusedWithOneLine_AndLeavesNoDirectory()
    {
        string name = new('a', 300);
        string file = WriteSweep($$"""{ "name": "{{name}}", "env": "Pendulum-v1", "seeds": [0], "options": { {{TinyOptions}} } }""");
        string cwd = Environment.CurrentDirectory;
        Environment.CurrentDirectory = Root; // the default --out is sweeps/<name> under the working directory
        try
        {
            AssertUsageError(Sac("sweep", file), "\"name\" is 300 characters", "at most 100");
        }
        finally
        {
            Environment.CurrentDirectory = cwd;
        }
        Assert.That(Directory.GetFileSystemEntries(Root), Is.EqualTo(new[] { file }), "no sweeps/ directory left behind");
    }
}
