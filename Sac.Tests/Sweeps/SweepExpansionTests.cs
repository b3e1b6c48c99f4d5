using System.Text.Json.Nodes;
using Sac.Cli.Sweeps;

namespace Sac.Tests.Sweeps;

/// <summary>
/// `sac sweep SWEEP.json` without an executor: the expansion into a sweep directory (its cells, names, manifest and
/// run configs), and every bad sweep file or directory refused with one line and exit 2, writing nothing.
/// </summary>
[NonParallelizable]
public class SweepExpansionTests : SweepTestBase
{
    private string Out(string name) => Path.Combine(Root, name);

    [Test]
    public void Expand_GridTimesSeedsTimesAlgos_IsDeterministicInCountOrderAndNames()
    {
        string file = WriteSweep($$"""
            { "name": "grid", "env": ["Pendulum-v1"], "algo": ["v1", "v2"], "seeds": [3, 1],
              "grid": { "actorLr": [0.001, 3e-4], "hidden": [[16, 16], [8]] }, "options": { {{TinyOptions.Replace("\"hidden\": [16, 16], ", "")}} } }
            """);
        var first = Sac("sweep", file, "--out", Out("a"));
        Assert.That(first.Code, Is.Zero, first.Err);
        Assert.That(first.Out, Does.Contain("Prepared 16 cells").And.Contain("     2  runs/Pendulum-v1-v1-actorLr=0.001-hidden=8-seed3\n").And.Not.Contain("… and"));
        Assert.That(Sac("sweep", file, "--out", Out("b")).Code, Is.Zero);

        // 1 env × 2 algos × (2 × 2 grid points) × 2 seeds, in that nesting; the grid's first key varies slowest; file order kept.
        string[] names = RunsOf(Out("a")).Select(Path.GetFileName).ToArray()!;
        Assert.That(names, Has.Length.EqualTo(16));
        Assert.That(names.Take(5), Is.EqualTo(new[]
        {
            "Pendulum-v1-v1-actorLr=0.001-hidden=16x16-seed3",
            "Pendulum-v1-v1-actorLr=0.001-hidden=16x16-seed1",
            "Pendulum-v1-v1-actorLr=0.001-hidden=8-seed3",
            "Pendulum-v1-v1-actorLr=0.001-hidden=8-seed1",
            "Pendulum-v1-v1-actorLr=0.0003-hidden=16x16-seed3",
        }));
        Assert.That(names[8], Is.EqualTo("Pendulum-v1-v2-actorLr=0.001-hidden=16x16-seed3"));
        Assert.That(File.ReadAllBytes(Path.Combine(Out("b"), "manifest.json")), Is.EqualTo(File.ReadAllBytes(Path.Combine(Out("a"), "manifest.json"))),
            "the same file expands to the same manifest, byte for byte");
        Assert.That(File.ReadAllBytes(Path.Combine(Out("a"), "sweep.json")), Is.EqualTo(File.ReadAllBytes(file)), "the sweep file is kept verbatim");

        var cell = JsonNode.Parse(File.ReadAllText(Path.Combine(Out("a"), "manifest.json")))!["cells"]![2]!;
        Assert.That(cell["index"]!.GetValue<int>(), Is.EqualTo(2));
        Assert.That(cell["run"]!.GetValue<string>(), Is.EqualTo("runs/Pendulum-v1-v1-actorLr=0.001-hidden=8-seed3"));
        Assert.That(cell["options"]!.ToJsonString(), Is.EqualTo("""{"env":"Pendulum-v1","algo":"v1","seed":3,"actorLr":0.001,"hidden":[8]}"""));
    }

    [Test]
    public void Expand_CellConfig_IsExactlyWhatSacTrainWrites()
    {
        // A cell is built as `sac train` builds a run: the environment's profile, then the options, then the cell's values.
        string file = WriteSweep($$"""{ "name": "one", "env": "Pendulum-v1", "algo": "v1", "seeds": [5], "grid": { "actorLr": [0.002] }, "options": { {{TinyOptions}}, "lr": 0.0005 } }""");
        Assert.That(Sac("sweep", file, "--out", Out("s")).Code, Is.Zero);
        string train = Out("train");
        var trained = Sac("train", "--env", "Pendulum-v1", "--algo", "v1", "--seed", "5", "--lr", "0.0005", "--actor-lr", "0.002", "--steps", "400",
            "--hidden", "16,16", "--batch-size", "32", "--learning-starts", "100", "--eval-episodes", "2", "--eval-every", "200", "--checkpoint-every", "0", "--out", train);
        Assert.That(trained.Code, Is.Zero, trained.Err);
        Assert.That(File.ReadAllText(Path.Combine(RunsOf(Out("s"))[0], "config.json")), Is.EqualTo(File.ReadAllText(Path.Combine(train, "config.json"))));
    }

    [Test]
    public void Expand_ListTimesGrid_AndSeedOnlySweep()
    {
        string file = WriteSweep($$"""
            { "name": "list", "env": "Pendulum-v1", "seeds": [0], "grid": { "actorLr": [0.001, 0.002] },
              "list": [ { "hidden": [16, 16] }, { "hidden": [32], "batchSize": 64 } ], "options": { "steps": 400, "learningStarts": 100 } }
            """);
        Assert.That(Sac("sweep", file, "--out", Out("l")).Code, Is.Zero);
        // Each list entry within each grid point; a key only some entries set shows its effective value in every name.
        Assert.That(RunsOf(Out("l")).Select(Path.GetFileName), Is.EqualTo(new[]
        {
            "Pendulum-v1-v2-actorLr=0.001-hidden=16x16-batchSize=256-seed0",
            "Pendulum-v1-v2-actorLr=0.001-hidden=32-batchSize=64-seed0",
            "Pendulum-v1-v2-actorLr=0.002-hidden=16x16-batchSize=256-seed0",
            "Pendulum-v1-v2-actorLr=0.002-hidden=32-batchSize=64-seed0",
        }), "no algo given: the profile's v2");

        string seeds = WriteSweep("""{ "name": "seeds", "env": "Pendulum-v1", "algo": "v1", "seeds": [0, 1, 2], "options": { "steps": 400 } }""", "seeds.json");
        Assert.That(Sac("sweep", seeds, "--out", Out("seeds")).Code, Is.Zero);
        Assert.That(RunsOf(Out("seeds")).Select(Path.GetFileName), Is.EqualTo(new[] { "Pendulum-v1-v1-seed0", "Pendulum-v1-v1-seed1", "Pendulum-v1-v1-seed2" }));
    }

    [TestCase("""{ "name": "x", "env": "Pendulum-v1", "seeds": [0], "seed": 1 }""", "unknown key 'seed'")]
    [TestCase("""{ "name": "x", "env": "Pendulum-v1", "seeds": [0], "grid": { "actorLR": [0.001] } }""", "unknown key 'actorLR'")]
    [TestCase("""{ "name": "x", "env": "Pendulum-v1", "seeds": [0], "grid": { "actor-lr": [0.001] } }""", "did you mean 'actorLr'")]
    [TestCase("""{ "name": "x", "env": "Pendulum-v1", "seeds": [0], "options": { "frobnicate": 1 } }""", "unknown key 'frobnicate'")]
    [TestCase("""{ "name": "x", "env": "Pendulum-v1", "seeds": [0], "grid": { } }""", "\"grid\" is empty")]
    [TestCase("""{ "name": "x", "env": "Pendulum-v1", "seeds": [0], "grid": { "gamma": [] } }""", "grid.gamma is empty")]
    [TestCase("""{ "name": "x", "env": "Pendulum-v1", "seeds": [0], "list": [] }""", "\"list\" is empty")]
    [TestCase("""{ "name": "x", "env": "Pendulum-v1", "seeds": [] }""", "\"seeds\" is empty")]
    [TestCase("""{ "name": "x", "env": [], "seeds": [0] }""", "\"env\" is empty")]
    [TestCase("""{ "name": "x", "env": "Pendulum-v1" }""", "\"seeds\" is required")]
    [TestCase("""{ "env": "Pendulum-v1", "seeds": [0] }""", "\"name\"")]
    [TestCase("""{ "name": "../up", "env": "Pendulum-v1", "seeds": [0] }""", "\"name\" '../up'")]
    [TestCase("""{ "name": "..", "env": "Pendulum-v1", "seeds": [0] }""", "not starting with '.'")]
    [TestCase("""{ "name": "x", "env": "Nope-v9", "seeds": [0] }""", "unknown environment 'Nope-v9'")]
    [TestCase("""{ "name": "x", "env": "Pendulum-v1", "algo": ["v3"], "seeds": [0] }""", "\"algo\"[0]")]
    [TestCase("""{ "name": "x", "env": "Pendulum-v1", "seeds": [0, 0] }""", "cells 0 and 1 are the same run")]
    [TestCase("""{ "name": "x", "env": "Pendulum-v1", "seeds": [0], "grid": { "actorLr": [0.001, 1e-3] } }""", "cells 0 and 1 are the same run")]
    [TestCase("""{ "name": "x", "env": "Pendulum-v1", "seeds": [0], "list": [ { }, { "gamma": 0.99 } ] }""", "cells 0 and 1 are the same run")]
    [TestCase("""{ "name": "x", "env": "Pendulum-v1", "seeds": [0], "grid": { "gamma": [0.99, 1.5] } }""", "cell 1 (Pendulum-v1, v2, seed 0, gamma 1.5): Invalid --gamma")]
    [TestCase("""{ "name": "x", "env": "Pendulum-v1", "seeds": [0], "grid": { "hidden": [[100000, 100000]] } }""", "cell 0")]
    [TestCase("""{ "name": "x", "env": "Pendulum-v1", "seeds": [0], "options": { "steps": "many" } }""", "'steps' expects an integer")]
    [TestCase("""{ "name": "x", "env": "Pendulum-v1", "seeds": [0], "grid": { "steps": [100, "x"] } }""", "grid.steps[1]")]
    [TestCase("""{ "name": "x", "env": "Pendulum-v1", "seeds": [-1] }""", "Invalid --seed = -1")]
    [TestCase("""{ "name": "x", "env": "Pendulum-v1", "seeds": [0], "options": { "threads": 2 } }""", "'threads' cannot be set here")]
    [TestCase("""{ "name": "x", "env": "Pendulum-v1", "seeds": [0], "grid": { "seed": [1, 2] } }""", "'seed' cannot be set here")]
    [TestCase("""{ "name": "x", "env": "Pendulum-v1", "seeds": [0], "grid": { "tau": [0.01] }, "options": { "tau": 0.02 } }""", "'tau' is both in \"options\"")]
    [TestCase("""{ "name": "x", "env": "Pendulum-v1", "seeds": [0], "grid": { "tau": [0.01] }, "list": [ { "tau": 0.02 } ] }""", "both by \"grid\" and by \"list\"")]
    [TestCase("""{ "name": "x", "env": "Pendulum-v1", "seeds": [0], "seeds": [1] }""", "'seeds' appears more than once")]
    [TestCase("""{ "name": "x", "env": "Pendulum-v1", "seeds": [0] """, "cannot be read")]
    [TestCase("""[1, 2]""", "must hold a JSON object")]
    public void BadSweepFile_IsOneLineExitTwo_AndWritesNothing(string json, string mention)
    {
        string file = WriteSweep(json);
        var before = Snapshot();
        // Refused before any executor does anything: the same line with --local and with --slurm (nothing submitted).
        AssertUsageError(Sac("sweep", file, "--out", Out("s")), mention, file);
        AssertUsageError(Sac("sweep", file, "--out", Out("s"), "--local", "2"), mention);
        AssertUsageError(Sac("sweep", file, "--out", Out("s"), "--slurm", "--dry-run"), mention);
        Assert.That(Snapshot(), Is.EqualTo(before), "nothing written");
        Assert.That(Directory.Exists(Out("s")), Is.False);
    }

    [Test]
    public void BadCommandLines_AreOneLineExitTwo_AndWriteNothing()
    {
        string file = WriteSweep(TinySweep);
        string foreign = Out("foreign");
        Directory.CreateDirectory(foreign);
        File.WriteAllText(Path.Combine(foreign, "notes.txt"), "mine");
        var before = Snapshot();
        AssertUsageError(Sac("sweep", Path.Combine(Root, "missing.json")), "no such file");
        AssertUsageError(Sac("sweep", file, "--out", foreign), "not a sweep directory");
        AssertUsageError(Sac("sweep", foreign), "not a sweep directory");
        AssertUsageError(Sac("sweep", file, "--out", Out("s"), "--local", "0"), "--local");
        AssertUsageError(Sac("sweep", file, "--out", Out("s"), "--local", "1", "--slurm"), "one of --local N and --slurm");
        AssertUsageError(Sac("sweep", file, "--out", Out("s"), "--local", "1", "--threads", "999"), "--threads");
        AssertUsageError(Sac("sweep", file, "--out", Out("s"), "--local", "1", "--partition", "gpu"), "--partition", "--slurm");
        AssertUsageError(Sac("sweep", file, "--out", Out("s"), "--slurm", "--signal-lead", "0"), "--signal-lead");
        AssertUsageError(Sac("sweep", file, "--out", Out("s"), "--slurm", "--time", "3"), "--signal-lead 180 s is not below --time 3 (180 s)");
        AssertUsageError(Sac("sweep", file, "--out", Out("s"), "--slurm", "--dry-run", "--sbatch", "--array=0"), "writes --array itself");
        AssertUsageError(Sac("sweep", file, "--out", Out("s"), "--slurm", "--dry-run", "--sbatch", "#SBATCH -c 4"), "writes -c itself", "--threads");
        AssertUsageError(Sac("sweep", "status", Out("nowhere")), "not a sweep directory");
        AssertUsageError(Sac("sweep", "run-cell", Out("nowhere"), "0"), "not a sweep directory");
        AssertUsageError(Sac("report", Out("nowhere")), "no such directory");
        AssertUsageError(Sac("report", foreign), "No finished runs");
        AssertUsageError(Sac("report", foreign, "--resamples", "5"), "--resamples");
        AssertUsageError(Sac("report", foreign, "--out", Path.Combine(foreign, "notes.txt")), "is a file");
        Assert.That(Snapshot(), Is.EqualTo(before), "nothing written");
    }

    [Test]
    public void ExistingSweepDirectory_EditedFileManifestOrRun_IsRefusedTouchingNothing()
    {
        string file = WriteSweep(TinySweep);
        string sweep = Out("s");
        Assert.That(Sac("sweep", file, "--out", sweep).Code, Is.Zero);
        var prepared = Snapshot();
        Assert.That(Sac("sweep", file, "--out", sweep).Code, Is.Zero, "the same file again: nothing to do");
        Assert.That(Sac("sweep", sweep).Code, Is.Zero, "the sweep directory stands for its own file");
        Assert.That(Snapshot(), Is.EqualTo(prepared), "re-expanding an unchanged sweep rewrites nothing");
        AssertUsageError(Sac("sweep", "run-cell", sweep, "4"), "INDEX must be between 0 and 3");

        // An edited sweep file (even one value) no longer describes the directory.
        File.WriteAllText(file, TinySweep.Replace("0.0003", "0.0004"));
        var before = Snapshot();
        AssertUsageError(Sac("sweep", file, "--out", sweep), "another version of the sweep file", "sha256");
        Assert.That(Snapshot(), Is.EqualTo(before));
        File.WriteAllText(file, TinySweep);

        // A run whose config.json was changed by hand no longer matches its cell: refused by every subcommand.
        string config = Path.Combine(RunsOf(sweep)[1], "config.json");
        string good = File.ReadAllText(config);
        File.WriteAllText(config, good.Replace("\"gamma\": 0.99", "\"gamma\": 0.9"));
        before = Snapshot();
        AssertUsageError(Sac("sweep", file, "--out", sweep), "no longer matches cell 1", "gamma = 0.9");
        AssertUsageError(Sac("sweep", "status", sweep), "no longer matches cell 1");
        AssertUsageError(Sac("sweep", "run-cell", sweep, "0"), "no longer matches cell 1");
        AssertUsageError(Sac("sweep", sweep, "--local", "1"), "no longer matches cell 1");
        Assert.That(Snapshot(), Is.EqualTo(before));
        // Threads never change results, so a run resumed with other threads still matches.
        File.WriteAllText(config, good.Replace("\"threads\": 1", "\"threads\": 2"));
        Assert.That(Sac("sweep", "status", sweep).Code, Is.Zero);
        File.WriteAllText(config, good);

        // A manifest edited by hand.
        string manifest = Path.Combine(sweep, "manifest.json");
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("seed0", "seed9"));
        before = Snapshot();
        AssertUsageError(Sac("sweep", "status", sweep), "manifest.json does not match");
        Assert.That(Snapshot(), Is.EqualTo(before));
    }

    [Test]
    public void SlurmDryRun_WritesTheJobArrayScript_WithEveryPassThrough()
    {
        string file = WriteSweep(TinySweep);
        string sweep = Out("s");
        var result = Sac("sweep", file, "--out", sweep, "--slurm", "--dry-run", "--threads", "2", "--partition", "cpu", "--time", "1:30:00",
            "--signal-lead", "300", "--max-parallel", "2", "--sbatch", "--mem=2G", "--sbatch", "#SBATCH --account=rl");
        Assert.That(result.Code, Is.Zero, result.Err);
        Assert.That(result.Out, Does.Contain("submit it with: sbatch " + Path.Combine(sweep, "sweep.sbatch")));
        string script = File.ReadAllText(Path.Combine(sweep, "sweep.sbatch"));
        foreach (string line in new[]
        {
            "#!/bin/bash\n", "#SBATCH --array=0-3%2\n", "#SBATCH --cpus-per-task=2\n", "#SBATCH --requeue\n", "#SBATCH --signal=B:USR1@300\n",
            "#SBATCH --partition=cpu\n", "#SBATCH --time=1:30:00\n", "#SBATCH --mem=2G\n", "#SBATCH --account=rl\n",
            $"#SBATCH --output={sweep}/logs/cell-%a.log\n", "#SBATCH --open-mode=append\n",
            $"sweep run-cell '{sweep}' \"$SLURM_ARRAY_TASK_ID\" --threads 2 &\n",
        })
            Assert.That(script, Does.Contain(line));
        Assert.That(File.Exists(Path.Combine(sweep, "slurm-jobs.txt")), Is.False, "nothing was submitted");
    }

    [TestCase("30", 1800L)]
    [TestCase("10:00", 600L)]
    [TestCase("1:30:00", 5400L)]
    [TestCase("2-0", 172_800L)]
    [TestCase("1-2:30", 95_400L)]
    [TestCase("1-00:00:30", 86_430L)]
    [TestCase("UNLIMITED", null)]
    public void TimeLimitSeconds_ReadsSbatchsFormats(string time, long? seconds) =>
        Assert.That(SlurmExecutor.TimeLimitSeconds(time), Is.EqualTo(seconds));

    [Test]
    public void ArraySpec_IsSlurmsCompactForm() =>
        Assert.That(SlurmExecutor.ArraySpec([0, 1, 2, 3, 5, 7, 8, 9]), Is.EqualTo("0-3,5,7-9"));

    [Test]
    public void RunName_TooLong_IsCutWithAHashOfTheWhole_AndStaysUnique()
    {
        var values = Enumerable.Range(0, 12).Select(i => ($"key{i}", "0.000123456789")).ToList();
        string a = RunName.For("Pendulum-v1", "v2", values, 3);
        string b = RunName.For("Pendulum-v1", "v2", values.Append(("last", "1")), 3);
        Assert.That(a, Has.Length.EqualTo(RunName.MaxLength).And.EndsWith("-seed3").And.StartsWith("Pendulum-v1-v2-key0=0.000123456789"));
        Assert.That(b, Has.Length.EqualTo(RunName.MaxLength).And.Not.EqualTo(a), "the hash tells apart names cut at the same place");
        Assert.That(RunName.For("Ant-v5", "v1", [("hidden", "64,64"), ("x", "a/b c")], 0), Is.EqualTo("Ant-v5-v1-hidden=64x64-x=a_b_c-seed0"));
    }

    [Test]
    public void Status_PreparedSweep_ListsEveryCellPending()
    {
        string file = WriteSweep(TinySweep);
        Assert.That(Sac("sweep", file, "--out", Out("s")).Code, Is.Zero);
        var status = Sac("sweep", "status", Out("s"));
        Assert.That(status.Code, Is.Zero, status.Err);
        Assert.That(status.Out, Does.Contain("4 cells: 4 pending, 0 running, 0 interrupted, 0 finished, 0 failed"));
        Assert.That(status.Out, Does.Contain("runs/Pendulum-v1-v2-actorLr=0.0003-seed1"));
    }
}
