using System.Buffers.Binary;
using System.Globalization;
using Sac.Cli.Runs;
using Sac.Core.Checkpoints;
using Sac.Core.Training;

namespace Sac.Tests.Cli;

/// <summary>
/// `sac eval` and `sac render` beside a run that is training: the checkpoint they found as the newest can be pruned (the
/// store keeps two) before they read it. The race is made deterministic by <see cref="SavedCheckpoint.ResolvedForTesting"/>,
/// which runs between finding a checkpoint and reading it, and does there what a training run's save does.
/// </summary>
[NonParallelizable]
public class CheckpointRaceTests : CliTestBase
{
    private const string Older = "step-0000000300", Newer = "step-0000000450";

    [TearDown]
    public void RemoveHook()
    {
        SavedCheckpoint.ResolvedForTesting = null;
        Trainer.OpenedForTesting = null;
    }

    /// <summary>
    /// A run whose checkpoints are step-300 and step-450, with step-450 held aside (and the pointer on step-300), so that
    /// <see cref="Save"/> can bring it in as a training run's next save would.
    /// </summary>
    private (string Run, string Checkpoints, string Held) RunWithANewerCheckpointHeldBack()
    {
        string run = Path.Combine(Root, "run");
        var result = Sac(TrainArgs(run, 450, "--checkpoint-every", "150"));
        Assert.That(result.Code, Is.Zero, result.Err);
        string checkpoints = Path.Combine(run, "checkpoints");
        Assert.That(CheckpointStore.List(checkpoints), Is.EqualTo(new[] { Older, Newer }), "the store keeps the newest two");
        string held = Path.Combine(Root, "held-" + Newer);
        Directory.Move(Path.Combine(checkpoints, Newer), held);
        Point(checkpoints, Older);
        return (run, checkpoints, held);
    }

    private static void Point(string checkpoints, string name) => File.WriteAllText(Path.Combine(checkpoints, CheckpointStore.LatestPointer), name + "\n");

    /// <summary>What a training run's save does: the new checkpoint appears (renamed in whole), then the pointer moves to it.</summary>
    private static void Save(string checkpoints, string held)
    {
        Directory.Move(held, Path.Combine(checkpoints, Newer));
        Point(checkpoints, Newer);
    }

    /// <summary>
    /// A run whose newest checkpoint, step-300, is pruned just before it is read: as a training run would meanwhile,
    /// step-450 is saved and step-300 deleted.
    /// </summary>
    private string RunWhoseNewestIsPrunedBeforeItIsRead()
    {
        var (run, checkpoints, held) = RunWithANewerCheckpointHeldBack();
        OnFirstRead(Older, directory =>
        {
            Save(checkpoints, held);
            Directory.Delete(directory, recursive: true); // the prune
        });
        return run;
    }

    /// <summary>Runs <paramref name="race"/> the first time <paramref name="name"/> is about to be read, and never again.</summary>
    private static void OnFirstRead(string name, Action<string> race)
    {
        bool done = false;
        SavedCheckpoint.ResolvedForTesting = directory =>
        {
            if (!done && Path.GetFileName(directory) == name)
            {
                done = true;
                race(directory);
            }
        };
    }

    [Test]
    public void Eval_NewestPrunedBeforeItIsRead_EvaluatesTheNewestThen()
    {
        string run = RunWhoseNewestIsPrunedBeforeItIsRead();
        var result = Sac("eval", "--run", run, "--episodes", "1");
        Assert.That(result.Code, Is.Zero, result.Err);
        Assert.That(result.Out, Does.Contain($"{Newer} (450 steps)"), "the checkpoint that was the newest when it was read");
    }

    [Test]
    public void Eval_NewestHalfPrunedWhenRead_EvaluatesTheNewestThen()
    {
        // Pruning deletes a directory's files one by one: the reader can find the directory still there, a file gone.
        var (run, checkpoints, held) = RunWithANewerCheckpointHeldBack();
        OnFirstRead(Older, directory =>
        {
            Save(checkpoints, held);
            File.Delete(Path.Combine(directory, Trainer.StateFileName));
        });
        var result = Sac("eval", "--run", run, "--episodes", "1");
        Assert.That(result.Code, Is.Zero, result.Err);
        Assert.That(result.Out, Does.Contain($"{Newer} (450 steps)"));
    }

    [Test]
    public void Render_NewestPrunedBeforeItIsRead_RendersTheNewestThen_UnderItsName()
    {
        string run = RunWhoseNewestIsPrunedBeforeItIsRead();
        var result = Sac("render", "--run", run, "--width", "64", "--height", "48");
        Assert.That(result.Code, Is.Zero, result.Err);
        // The default name says which checkpoint's policy it shows: the one rendered, not the one first found.
        string video = Path.Combine(run, "videos", $"render-{Newer}-seed1000000.webm");
        Assert.That(result.Out, Does.Contain(video).And.Contain("(450 steps)"));
        Assert.That(File.Exists(video), Is.True);
        Assert.That(Directory.GetFiles(Path.Combine(run, "videos"), $"render-{Older}*"), Is.Empty);
    }

    [Test]
    public void Eval_NewestCorruptWhenANewerAppears_IsStillRefused()
    {
        // A corrupt checkpoint is refused, never skipped for another, even with a newer one beside it by then.
        var (run, checkpoints, held) = RunWithANewerCheckpointHeldBack();
        OnFirstRead(Older, directory =>
        {
            Save(checkpoints, held);
            string state = Path.Combine(directory, Trainer.StateFileName);
            byte[] bytes = File.ReadAllBytes(state);
            int dataStart = 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
            bytes[dataStart + 100] ^= 0x01; // one bit of the tensors
            File.WriteAllBytes(state, bytes);
        });
        AssertUsageError(Sac("eval", "--run", run, "--episodes", "1"), Older, Trainer.StateFileName, "corrupt");
        Assert.That(CheckpointStore.List(checkpoints), Is.EqualTo(new[] { Older, Newer }), "both left as they were");
    }

    [Test]
    public void Eval_NamedCheckpointPrunedBeforeItIsRead_IsRefusedNotReplaced()
    {
        // --checkpoint names one: another would not be what was asked for.
        string run = RunWhoseNewestIsPrunedBeforeItIsRead();
        AssertUsageError(Sac("eval", "--run", run, "--episodes", "1", "--checkpoint", Older), Older);
    }

    [Test]
    public void Eval_PrunedOnEveryRead_GivesUpAfterFiveWithOneLine()
    {
        // A run that saves (and prunes) faster than a checkpoint can be read: bounded, then one line.
        var (run, checkpoints, held) = RunWithANewerCheckpointHeldBack();
        Directory.Delete(held, recursive: true);
        int reads = 0;
        SavedCheckpoint.ResolvedForTesting = directory =>
        {
            reads++;
            long step = long.Parse(Path.GetFileName(directory)["step-".Length..], CultureInfo.InvariantCulture);
            string next = Path.Combine(checkpoints, string.Create(CultureInfo.InvariantCulture, $"step-{step + 1:D10}"));
            Directory.CreateDirectory(next);
            foreach (string file in Directory.GetFiles(directory))
                File.Copy(file, Path.Combine(next, Path.GetFileName(file)));
            Point(checkpoints, Path.GetFileName(next));
            Directory.Delete(directory, recursive: true);
        };
        AssertUsageError(Sac("eval", "--run", run, "--episodes", "1"), "5 times", "--checkpoint");
        Assert.That(reads, Is.EqualTo(SavedCheckpoint.Attempts));
        Assert.That(SavedCheckpoint.Attempts, Is.EqualTo(5));
    }

    [Test]
    public void Eval_CheckpointPrunedAfterItsFilesWereOpened_EvaluatesIt()
    {
        // A prune that strikes once both files are open (here: the whole directory deleted) cannot stop the read: the
        // open handles keep the files readable. Reading the state file first and opening the model file after it, a
        // window as long as reading and hashing the state, failed this way under load.
        var (run, checkpoints, _) = RunWithANewerCheckpointHeldBack();
        string? pruned = null;
        Trainer.OpenedForTesting = directory =>
        {
            pruned ??= directory;
            Directory.Delete(directory, recursive: true);
        };
        var result = Sac("eval", "--run", run, "--episodes", "1");
        Assert.That(result.Code, Is.Zero, result.Err);
        Assert.That(result.Out, Does.Contain($"{Older} (300 steps): "));
        Assert.That(pruned, Is.EqualTo(Path.Combine(checkpoints, Older)));
        Assert.That(Directory.Exists(pruned), Is.False, "the checkpoint read was deleted before it was read");
    }

    [Test]
    public void Eval_BesideATrainingRunCheckpointingEveryTenSteps_AlwaysEvaluates()
    {
        // The race itself: a real `sac train` child saves (and prunes) a checkpoint every 10 steps while this process
        // evaluates its newest one, again and again. With one read only (no retry), 2 to 10 of the 300 failed here in
        // each of five runs, with "training_state.safetensors is missing"; each must now evaluate a checkpoint of the run.
        string run = Path.Combine(Root, "run");
        string checkpoints = Path.Combine(run, "checkpoints");
        using var training = SacProcess.Start(TrainArgs(run, 1_000_000, "--checkpoint-every", "10"));
        training.WaitUntil(() => CheckpointStore.List(checkpoints).Count == CheckpointStore.Keep, "its first checkpoints");
        var failures = new List<string>();
        for (int i = 0; i < 300; i++)
        {
            var result = Sac("eval", "--run", run, "--episodes", "1");
            if (result.Code != 0 || !result.Out.Contains(" steps): ", StringComparison.Ordinal))
                failures.Add(result.Err.Trim());
        }
        Assert.That(training.HasExited, Is.False, "the training ran throughout");
        Assert.That(failures, Is.Empty);
    }
}
