using System.Runtime.Versioning;
using Sac.Core.Training;
using Sac.Tests.Cli;

namespace Sac.Tests.Deployment;

/// <summary>
/// `sac export` refuses bad input with one line and exit code 2, writing nothing: no checkpoint, a corrupt or tampered
/// one, a model whose shapes do not match the run's configuration, an --out that exists or cannot be written.
/// </summary>
[NonParallelizable] // modes and attributes of directories
public class OnnxExportCommandTests : CliTestBase
{
    /// <summary>A copy of the trained Pendulum run inside the test's root, so the snapshot sees it.</summary>
    private string Run() => TrainedRuns.Copy(TrainedRuns.Of("Pendulum-v1"), Path.Combine(Root, "run"));

    private string Out(string name = "policy.onnx") => Path.Combine(Root, name);

    [Test]
    public void Export_IntoANewDirectory_WritesTheModelAndSaysWhatItHolds()
    {
        string run = Run();
        string file = Path.Combine(Root, "deploy", "models", "pendulum.onnx");
        var (code, output, error) = Sac("export", "--run", run, "--out", file);
        Assert.That(code, Is.Zero, error);
        Assert.That(File.Exists(file), Is.True);
        Assert.That(Directory.GetFiles(Path.GetDirectoryName(file)!), Is.EqualTo(new[] { file }), "no temporary left beside it");
        Assert.That(output, Does.Contain("Pendulum-v1 SAC v2 step-0000002500").And.Contain("obs [batch, 3]").And.Contain("action [batch, 1]").And.Contain("Box(1, low=[-2], high=[2])"));
    }

    [Test]
    public void Export_NoRunOrNoCheckpoint_IsRefused()
    {
        string run = Run();
        AssertRefusedTouchingNothing(["export", "--run", Path.Combine(Root, "nowhere"), "--out", Out()], "nowhere", "not a Sac run directory");
        AssertRefusedTouchingNothing(["export", "--run", run, "--checkpoint", "step-0000000007", "--out", Out()], "step-0000000007", "missing");
        AssertRefusedTouchingNothing(["export", "--run", run, "--checkpoint", "../run", "--out", Out()], "Invalid checkpoint name");
        Directory.Delete(Path.Combine(run, "checkpoints"), recursive: true);
        AssertRefusedTouchingNothing(["export", "--run", run, "--out", Out()], "No checkpoints");
        AssertRefusedTouchingNothing(["export", "--out", Out()], "--run");
        AssertRefusedTouchingNothing(["export", "--run", run], "--out");
    }

    [Test]
    public void Export_CorruptOrTamperedCheckpoint_IsRefused()
    {
        string run = Run();
        string model = TrainedRuns.Model(run);
        byte[] good = File.ReadAllBytes(model);

        ModelFiles.FlipDataBit(model);
        AssertRefusedTouchingNothing(["export", "--run", run, "--out", Out()], Trainer.ModelFileName, "corrupt");
        File.WriteAllBytes(model, good[..100]);
        AssertRefusedTouchingNothing(["export", "--run", run, "--out", Out()], Trainer.ModelFileName, "truncated");
        File.Delete(model);
        AssertRefusedTouchingNothing(["export", "--run", run, "--out", Out()], Trainer.ModelFileName, "does not exist");
        // A weight changed and the checksum recomputed: intact by itself, but not the model its training state records.
        File.WriteAllBytes(model, good);
        ModelFiles.Reseal(model, (name, values) =>
        {
            if (name == "pi.2.weight")
                values[3] += 0.25f;
        });
        AssertRefusedTouchingNothing(["export", "--run", run, "--out", Out()], Trainer.ModelFileName, "does not belong to the training state");

        File.WriteAllBytes(model, good);
        Assert.That(Sac("export", "--run", run, "--out", Out()).Code, Is.Zero, "the intact file is exported");
    }

    [Test]
    public void Export_ModelWhoseShapesDoNotMatchTheConfiguration_IsRefused()
    {
        string run = Run();
        string config = Path.Combine(run, "config.json");
        string text = File.ReadAllText(config);
        File.WriteAllText(config, text.Replace("\"hidden\": [\n    64,\n    64\n  ]", "\"hidden\": [\n    128\n  ]"));
        AssertRefusedTouchingNothing(["export", "--run", run, "--out", Out()], "does not match its configuration", "[64, 64]", "[128]");
        File.WriteAllText(config, text.Replace("\"env\": \"Pendulum-v1\"", "\"env\": \"MountainCarContinuous-v0\""));
        AssertRefusedTouchingNothing(["export", "--run", run, "--out", Out()], "takes 3 observation values", "MountainCarContinuous-v0 has 2");
    }

    [Test]
    public void Export_OutThatExists_IsRefusedAndKept()
    {
        string run = Run();
        string existing = Out("mine.onnx");
        File.WriteAllText(existing, "the user's own file");
        AssertRefusedTouchingNothing(["export", "--run", run, "--out", existing], existing, "already exists");
        Directory.CreateDirectory(Out("models"));
        AssertRefusedTouchingNothing(["export", "--run", run, "--out", Out("models")], Out("models"), "is a directory");
        File.CreateSymbolicLink(Out("dangling.onnx"), Path.Combine(Root, "no-such-target"));
        AssertRefusedTouchingNothing(["export", "--run", run, "--out", Out("dangling.onnx")], "already exists");
        Assert.That(File.ReadAllText(existing), Is.EqualTo("the user's own file"));
    }

    [Test]
    public void Export_OutThatCannotBeWritten_IsRefusedBeforeTheCheckpointIsRead()
    {
        string run = Run();
        string notes = Out("notes.txt");
        File.WriteAllText(notes, "a file, not a directory");
        AssertRefusedTouchingNothing(["export", "--run", run, "--out", Path.Combine(notes, "policy.onnx")], notes, "cannot be written", "not a directory");
        AssertRefusedTouchingNothing(["export", "--run", run, "--out", Path.Combine(notes, "sub", "policy.onnx")], notes, "cannot be written");
        AssertRefusedTouchingNothing(["export", "--run", run, "--out", ""], "--out");
        // With a broken checkpoint too, the output is what is named: it is checked first, and no directory is made for it.
        ModelFiles.FlipDataBit(TrainedRuns.Model(run));
        AssertRefusedTouchingNothing(["export", "--run", run, "--out", Path.Combine(Root, "new", "dir", "policy.onnx")], "corrupt");
        Assert.That(Directory.Exists(Path.Combine(Root, "new")), Is.False, "no directory was created for a refused export");
    }

    [UnsupportedOSPlatform("windows")] // modes and chattr
    [Test]
    public void Export_OutInAReadOnlyDirectory_IsRefusedWritingNothing()
    {
        string run = Run();
        string locked = Out("locked");
        Directory.CreateDirectory(locked);
        using (ReadOnlyDirectory.Lock(locked))
        {
            AssertRefusedTouchingNothing(["export", "--run", run, "--out", Path.Combine(locked, "policy.onnx")], locked, "cannot be written");
            AssertRefusedTouchingNothing(["export", "--run", run, "--out", Path.Combine(locked, "sub", "policy.onnx")], locked, "cannot be written");
        }
        Assert.That(Directory.GetFileSystemEntries(locked), Is.Empty);
    }
}
