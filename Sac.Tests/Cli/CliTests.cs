using System.Security.Cryptography;
using Sac.Cli;
using Sac.Cli.Runs;
using Sac.Core.Checkpoints;
using Sac.Core.Training;

namespace Sac.Tests.Cli;

/// <summary>The `sac` command in-process, through the parser and the command actions.</summary>
[NonParallelizable]
public class CliTests : CliTestBase
{
    [Test]
    public void Train_BadInputs_ExitTwoWithOneLineAndTouchNothing()
    {
        string existingRun = Path.Combine(Root, "run");
        Assert.That(Sac(TrainArgs(existingRun, 150)).Code, Is.Zero);
        string foreign = Path.Combine(Root, "foreign");
        Directory.CreateDirectory(foreign);
        File.WriteAllText(Path.Combine(foreign, "notes.txt"), "mine");
        var before = Snapshot();

        AssertUsageError(Sac("train", "--env", "Nope-v0"), "Nope-v0", "Pendulum-v1");
        AssertUsageError(Sac("train", "--env", "Pendulum-v1", "--steps", "-5", "--out", Path.Combine(Root, "x")), "--steps", "-5");
        AssertUsageError(Sac("train", "--env", "Pendulum-v1", "--steps", "many"), "many", "--steps");
        AssertUsageError(Sac("train", "--env", "Pendulum-v1", "--gamma", "1.5", "--out", Path.Combine(Root, "y")), "--gamma");
        AssertUsageError(Sac("train", "--env", "Pendulum-v1", "--frobnicate"), "--frobnicate");
        AssertUsageError(Sac("train", "--env", "Pendulum-v1", "--hidden", "64,x", "--out", Path.Combine(Root, "z")), "--hidden");
        AssertUsageError(Sac("train", "--env", "Pendulum-v1", "--out", foreign), "not a Sac run");
        AssertUsageError(Sac("train", "--env", "Pendulum-v1", "--out", existingRun), "--resume");
        AssertUsageError(Sac("train", "--resume", existingRun, "--seed", "9"), "--seed", "conflicts");
        AssertUsageError(Sac("train", "--resume", existingRun, "--steps", "100"), "--steps 100", "150");
        AssertUsageError(Sac("train", "--resume", foreign), "not a Sac run");
        AssertUsageError(Sac("eval", "--run", foreign), "not a Sac run");
        AssertUsageError(Sac("eval", "--run", existingRun, "--episodes", "0"), "--episodes");
        AssertUsageError(Sac("eval", "--run", existingRun, "--checkpoint", "step-0000000077"), "step-0000000077");

        Assert.That(Snapshot(), Is.EqualTo(before), "no file was created, changed or deleted");
        Assert.That(Directory.Exists(Path.Combine(Root, "x")) || Directory.Exists(Path.Combine(Root, "y")), Is.False);
    }

    [Test]
    public void Resume_CorruptTruncatedOrMissingCheckpoint_ExitTwoAndTouchNothing()
    {
        string run = Path.Combine(Root, "run");
        Assert.That(Sac(TrainArgs(run, 150)).Code, Is.Zero);
        string state = Path.Combine(CheckpointStore.Resolve(Path.Combine(run, "checkpoints")), Trainer.StateFileName);
        byte[] good = File.ReadAllBytes(state);

        File.WriteAllBytes(state, good[..(good.Length / 2)]);
        var before = Snapshot();
        AssertUsageError(Sac("train", "--resume", run, "--steps", "300"), "truncated");
        AssertUsageError(Sac("eval", "--run", run), "truncated");
        Assert.That(Snapshot(), Is.EqualTo(before));

        var corrupt = (byte[])good.Clone();
        corrupt[^3] ^= 0xFF;
        File.WriteAllBytes(state, corrupt);
        before = Snapshot();
        AssertUsageError(Sac("train", "--resume", run, "--steps", "300"), "corrupt");
        Assert.That(Snapshot(), Is.EqualTo(before));

        Directory.Delete(Path.Combine(run, "checkpoints"), recursive: true);
        before = Snapshot();
        AssertUsageError(Sac("train", "--resume", run, "--steps", "300"), "checkpoints");
        Assert.That(Snapshot(), Is.EqualTo(before));
    }

    [Test]
    public void Resume_AfterInterruption_MatchesUninterruptedRunByteForByte()
    {
        string straight = Path.Combine(Root, "straight");
        Assert.That(Sac(TrainArgs(straight, 800)).Code, Is.Zero);

        string interrupted = Path.Combine(Root, "interrupted");
        TrainingSession.InterruptAtStepForTesting = 437; // mid-episode, after learning started, between evaluations
        var first = Sac(TrainArgs(interrupted, 800));
        Assert.That(first.Code, Is.EqualTo(130));
        Assert.That(first.Out, Does.Contain("Interrupted at step 437").And.Contain("--resume"));
        TrainingSession.InterruptAtStepForTesting = null;
        var second = Sac("train", "--resume", interrupted);
        Assert.That(second.Code, Is.Zero, second.Err);

        string Final(string run) => CheckpointStore.Resolve(Path.Combine(run, "checkpoints"));
        Assert.That(Path.GetFileName(Final(interrupted)), Is.EqualTo("step-0000000800"));
        Assert.That(File.ReadAllBytes(Path.Combine(Final(interrupted), Trainer.ModelFileName)),
            Is.EqualTo(File.ReadAllBytes(Path.Combine(Final(straight), Trainer.ModelFileName))), "final weights, byte for byte");
        // Returns: every episode and evaluation row of progress.csv, without the wall-clock columns.
        static string[] Returns(string run, string column) => ProgressLog.ReadColumn(Path.Combine(run, "progress.csv"), column)
            .Select(p => $"{p.Step}:{p.Value:R}").ToArray();
        Assert.That(Returns(interrupted, "rollout/ep_rew"), Is.EqualTo(Returns(straight, "rollout/ep_rew")));
        Assert.That(Returns(interrupted, "eval/mean_reward"), Is.EqualTo(Returns(straight, "eval/mean_reward")));
        Assert.That(Returns(interrupted, "train/critic_loss"), Is.EqualTo(Returns(straight, "train/critic_loss")));
    }

    [Test]
    public void Train_WritesRunDirectory_AndEvalReadsIt()
    {
        string run = Path.Combine(Root, "run");
        var result = Sac(TrainArgs(run, 400));
        Assert.That(result.Code, Is.Zero, result.Err);
        foreach (var file in new[] { "config.json", "progress.csv", "learning_curve.png", "learning_curve.svg", "summary.json", "checkpoints/latest" })
            Assert.That(File.Exists(Path.Combine(run, file)), Is.True, file);
        Assert.That(result.Out, Does.Contain("final eval").And.Contain("learning_curve.png"));
        var config = RunConfig.Load(Path.Combine(run, "config.json"));
        Assert.That((config.Env, config.Steps, config.Sac.HiddenSizes), Is.EqualTo(("Pendulum-v1", 400L, new[] { 16, 16 })));
        Assert.That(File.ReadLines(Path.Combine(run, "progress.csv")).First(), Does.StartWith("time/total_timesteps,"));

        var eval = Sac("eval", "--run", run, "--episodes", "2");
        Assert.That(eval.Code, Is.Zero, eval.Err);
        Assert.That(eval.Out, Does.Match(@"Pendulum-v1 SAC v2 step-0000000400 \(400 steps\): -?\d+\.\d\d ± \d+\.\d\d over 2 episodes \(deterministic"));
    }

    [Test]
    public void Train_ConfigFile_IsAppliedAndCommandLineWins()
    {
        string file = Path.Combine(Root, "opts.json");
        File.WriteAllText(file, """{ "gamma": 0.95, "tau": 0.02, "hidden": [8] }""");
        string run = Path.Combine(Root, "run");
        Assert.That(Sac([.. TrainArgs(run, 120), "--config", file, "--tau", "0.01"]).Code, Is.Zero);
        var config = RunConfig.Load(Path.Combine(run, "config.json"));
        Assert.That(config.Sac.Gamma, Is.EqualTo(0.95));
        Assert.That(config.Sac.Tau, Is.EqualTo(0.01), "the command line overrides the file");

        File.WriteAllText(file, """{ "gama": 0.95 }""");
        AssertUsageError(Sac("train", "--env", "Pendulum-v1", "--config", file, "--out", Path.Combine(Root, "other")), "unknown key 'gama'");
    }

    [Test]
    public void Envs_ListsEnvironmentsWithSpaces()
    {
        var result = Sac("envs");
        Assert.That(result.Code, Is.Zero);
        Assert.That(result.Out, Does.Contain("Pendulum-v1").And.Contain("Box(1, low=[-2], high=[2])").And.Contain("200 steps"));
        Assert.That(result.Out, Does.Contain("MountainCarContinuous-v0").And.Contain("999 steps"));
        // The MuJoCo tasks, with Gymnasium's spaces: HalfCheetah-v5 observes 17 unbounded values and acts in [−1, 1]⁶.
        Assert.That(result.Out, Does.Contain("HalfCheetah-v5\n  observation  Box(17, low=-inf, high=inf)\n  action       Box(6, low=-1, high=1)\n  time limit   1000 steps"));
        foreach (var id in new[] { "Hopper-v5", "Walker2d-v5", "Ant-v5", "Humanoid-v5" })
            Assert.That(result.Out, Does.Contain(id + "\n  observation"));
    }

    [Test]
    public void GradCheck_EveryOpAndLoss_Passes()
    {
        var result = Sac("gradcheck");
        Assert.That(result.Code, Is.Zero, result.Out);
        foreach (var name in new[] { "Linear+ReLU", "Softplus", "Clamp", "SliceColumns", "J_V(ψ) v1", "J_Q(θ) v2", "J_π(φ) v2", "J(α) v2" })
            Assert.That(result.Out, Does.Contain(name));
        Assert.That(result.Out, Does.Contain("All gradients match."));
    }

    [Test]
    public void Help_ShowsPerEnvironmentDefaults()
    {
        var result = Sac("train", "--help");
        Assert.That(result.Code, Is.Zero);
        Assert.That(result.Out, Does.Contain("Pendulum-v1: --steps 20000").And.Contain("--resume"));
        Assert.That(result.Out, Does.Contain("HalfCheetah-v5: --steps 1000000, --actor-lr 0.001, --critic-lr 0.001, --learn-alpha false, --alpha 0.2, --learning-starts 10000"));
    }
}
