using System.Security.Cryptography;
using Sac.Cli;
using Sac.Cli.Runs;

namespace Sac.Tests.Cli;

/// <summary>What the CLI tests share: a temporary root, the command run in-process, and snapshots of the file tree.</summary>
public abstract class CliTestBase
{
    /// <summary>A fresh directory per test, deleted afterwards.</summary>
    protected string Root { get; private set; } = null!;

    [SetUp]
    public void CreateRoot() => Root = Directory.CreateTempSubdirectory("sac-cli-").FullName;

    [TearDown]
    public void DeleteRoot()
    {
        TrainingSession.InterruptAtStepForTesting = null;
        SavedCheckpoint.ResolvedForTesting = null;
        Directory.Delete(Root, recursive: true);
    }

    /// <summary>Runs `sac args…` in this process; returns the exit code and what it printed.</summary>
    protected static (int Code, string Out, string Err) Sac(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Program.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>Small networks and batches, so a run of a few hundred steps takes well under a second.</summary>
    protected static readonly string[] Small = ["--hidden", "16,16", "--batch-size", "32", "--learning-starts", "100", "--eval-episodes", "2"];

    /// <summary>
    /// `train` on Pendulum into <paramref name="dir"/>, evaluating every 300 steps, checkpointing only at the end, with
    /// <see cref="Small"/> sizes. <paramref name="extra"/> holds option/value pairs: one already there gets the new value.
    /// </summary>
    protected static string[] TrainArgs(string dir, long steps, params string[] extra)
    {
        var args = new List<string> { "train", "--env", "Pendulum-v1", "--steps", steps.ToString(), "--out", dir, "--eval-every", "300", "--checkpoint-every", "0" };
        args.AddRange(Small);
        for (int i = 0; i + 1 < extra.Length; i += 2)
        {
            int at = args.IndexOf(extra[i]);
            if (at >= 0)
                args[at + 1] = extra[i + 1];
            else
                args.AddRange([extra[i], extra[i + 1]]);
        }
        return [.. args];
    }

    /// <summary>Every file under the root with its content hash (a symbolic link with its target, so a dangling one is
    /// recorded too): equal snapshots mean nothing was written, moved or deleted.</summary>
    protected Dictionary<string, string> Snapshot() => Directory.GetFiles(Root, "*", SearchOption.AllDirectories)
        .ToDictionary(f => f, f => new FileInfo(f).LinkTarget is string target ? $"-> {target}" : Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    /// <summary>`sac args…` is refused with one line naming <paramref name="mentions"/> (exit 2), and the file tree under
    /// <see cref="Root"/> is unchanged.</summary>
    protected void AssertRefusedTouchingNothing(string[] args, params string[] mentions)
    {
        var before = Snapshot();
        AssertUsageError(Sac(args), mentions);
        Assert.That(Snapshot(), Is.EqualTo(before), "nothing written, nothing lost");
    }

    /// <summary>Exit code 2 and exactly one line "sac: error: …" naming each of <paramref name="mentions"/>, no stack trace.</summary>
    protected static void AssertUsageError((int Code, string Out, string Err) result, params string[] mentions)
    {
        Assert.That(result.Code, Is.EqualTo(2), result.Err);
        var lines = result.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(1), "one clear line, no stack trace");
        Assert.That(lines[0], Does.StartWith("sac: error: "));
        foreach (var m in mentions)
            Assert.That(lines[0], Does.Contain(m));
        Assert.That(result.Err, Does.Not.Contain("   at "), "no stack trace");
    }

    /// <summary>How many rows <paramref name="run"/>'s progress.csv holds, its header not counted; 0 before it exists.</summary>
    protected static int ProgressRows(string run)
    {
        string progress = Path.Combine(run, "progress.csv");
        return File.Exists(progress) ? File.ReadAllLines(progress).Length - 1 : 0;
    }

    /// <summary>The progress rows of a run without the wall-clock columns (elapsed time, fps), which no two runs share.</summary>
    protected static string[] ProgressWithoutTimes(string run) => File.ReadAllLines(Path.Combine(run, "progress.csv"))
        .Select(line => string.Join(',', line.Split(',').Where((_, i) => i is not (2 or 3))))
        .ToArray();
}
