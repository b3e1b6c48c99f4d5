using System.Security.Cryptography;
using Sac.Core.Checkpoints;
using Sac.Core.Training;
using Sac.Tests.Cli;

namespace Sac.Tests.Training;

/// <summary>
/// What every later version owes the runs of commit eb2e961 (main as issues 24–28 were filed): its checkpoints resume,
/// bitwise, and the same options give the same weights, byte for byte. The fixture and the hashes were made by that
/// build (Sac.Tests/Fixtures/main-eb2e961/make.sh), with AVX-512 and with it turned off (the AVX2 path of a Zen 3): both
/// gave the same bytes, so one hash per run holds on every CPU kind.
/// </summary>
[NonParallelizable]
public class MainCompatibilityTests : CliTestBase
{
    private static readonly string Fixture = Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "main-eb2e961");

    /// <summary>golden.txt: "isa name sha256" per line.</summary>
    private static Dictionary<string, string> Golden()
    {
        var lines = File.ReadAllLines(Path.Combine(Fixture, "golden.txt")).Select(l => l.Split(' ')).ToList();
        var byName = lines.GroupBy(l => l[1]).ToDictionary(g => g.Key, g => g.Select(l => l[2]).Distinct().ToList());
        Assert.That(byName.Values.All(h => h.Count == 1), Is.True, "the AVX-512 and AVX2 builds agree on every run (the fixture's own claim)");
        return byName.ToDictionary(p => p.Key, p => p.Value[0]);
    }

    private static string ModelHash(string run, long step)
    {
        string model = Path.Combine(run, "checkpoints", $"step-{step:D10}", Trainer.ModelFileName);
        return Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(model))).ToLowerInvariant();
    }

    [Test]
    public void Checkpoint_WrittenByMainEb2e961_ResumesBitwise()
    {
        // A checkpoint from before run_history.json, the streamed writer and the counter checks: it must load, and its
        // extension from 300 to 600 steps must be the one that build computed.
        string run = Path.Combine(Root, "run");
        TestFiles.CopyDirectory(Path.Combine(Fixture, "run"), run);
        Assert.That(CheckpointStore.List(Path.Combine(run, "checkpoints")), Is.EqualTo(new[] { "step-0000000300" }));
        var resumed = Sac("train", "--resume", run, "--steps", "600");
        Assert.That(resumed.Code, Is.Zero, resumed.Err);
        Assert.That(resumed.Out, Does.Contain("at step 300 of 600"));
        Assert.That(ModelHash(run, 600), Is.EqualTo(Golden()["pendulum-fixture-extended-600"]));
    }

    [Test]
    public void ShortRun_ModelBytes_EqualMainEb2e961([Values("pendulum", "halfcheetah")] string task, [Values("v1", "v2")] string algo, [Values(1, 2, 3)] int threads)
    {
        // The same command lines as make.sh.
        string run = Path.Combine(Root, "run");
        string[] args = task == "pendulum"
            ? ["train", "--env", "Pendulum-v1", "--algo", algo, "--seed", "7", "--steps", "1200", "--hidden", "16,16", "--batch-size", "32",
                "--learning-starts", "200", "--eval-every", "600", "--eval-episodes", "2", "--checkpoint-every", "0", "--threads", $"{threads}", "--out", run]
            : ["train", "--env", "HalfCheetah-v5", "--algo", algo, "--seed", "7", "--steps", "1500", "--hidden", "32,32", "--batch-size", "64",
                "--learning-starts", "500", "--eval-every", "1500", "--eval-episodes", "1", "--checkpoint-every", "0", "--threads", $"{threads}", "--out", run];
        var result = Sac(args);
        Assert.That(result.Code, Is.Zero, result.Err);
        Assert.That(ModelHash(run, task == "pendulum" ? 1200 : 1500), Is.EqualTo(Golden()[$"{task}-{algo}-threads{threads}"]));
    }
}
