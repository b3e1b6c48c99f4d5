using System.Globalization;
using System.Text.Json.Nodes;
using Sac.Cli.Reports;
using Sac.Cli.Runs;
using Sac.Cli.Sweeps;
using Sac.Tests.Cli;

namespace Sac.Tests.Sweeps;

/// <summary>
/// `sac report` over real runs: the table's numbers against each run's own summary.json (IQM, median, range computed
/// here by hand), the CSV, the curves, reproducibility, and reading plain `sac train` directories as well as sweeps.
/// </summary>
[NonParallelizable]
public class ReportTests : SweepTestBase
{
    private string _home = null!;
    private string _sweep = null!;

    [OneTimeSetUp]
    public void RunTinySweep()
    {
        // 3 seeds × 2 learning rates of tiny runs, each of them a real `sac train`, once for every test here (they only read it).
        _home = Directory.CreateTempSubdirectory("sac-report-").FullName;
        string file = Path.Combine(_home, "sweep.json");
        File.WriteAllText(file, TinySweep.Replace("[0, 1]", "[0, 1, 2]"));
        _sweep = Path.Combine(_home, "s");
        var result = Sac("sweep", file, "--out", _sweep, "--local", "2");
        Assert.That(result.Code, Is.Zero, result.Out + result.Err);
    }

    [OneTimeTearDown]
    public void DeleteSweep() => Directory.Delete(_home, recursive: true);

    private static double Summary(string run, string key) => JsonNode.Parse(File.ReadAllText(Path.Combine(run, "summary.json")))![key]!.GetValue<double>();

    [Test]
    public void Report_Sweep_TableMatchesTheRunsSummaries_AndWritesEveryFile()
    {
        string report = Path.Combine(Root, "report");
        var result = Sac("report", _sweep, "--out", report);
        Assert.That(result.Code, Is.Zero, result.Err);
        foreach (string name in new[] { "report.md", "report.csv", "curves-Pendulum-v1.png", "curves-Pendulum-v1.svg" })
            Assert.That(new FileInfo(Path.Combine(report, name)).Length, Is.GreaterThan(100), name);
        Assert.That(File.ReadAllBytes(Path.Combine(report, "curves-Pendulum-v1.png"))[1..4], Is.EqualTo("PNG"u8.ToArray()));
        Assert.That(File.ReadAllText(Path.Combine(report, "curves-Pendulum-v1.svg")), Does.Contain("<svg"));

        // Cells 3-5 are actorLr 0.0003, seeds 0-2. With three seeds the IQM drops ⌊3/4⌋ = 0 runs: it is their mean.
        string[] runs = RunsOf(_sweep)[3..6];
        double[] finals = runs.Select(r => Summary(r, "finalEvalMean")).ToArray();
        double[] bests = runs.Select(r => Summary(r, "bestEvalMean")).ToArray();
        var csv = File.ReadAllLines(Path.Combine(report, "report.csv"));
        Assert.That(csv[0], Does.StartWith("env,algo,actorLr,seeds,final_iqm,final_ci_low,final_ci_high,final_median,final_min,final_max,best_iqm"));
        Assert.That(csv, Has.Length.EqualTo(3), "a header and one row per learning rate");
        var row = csv.Single(l => l.StartsWith("Pendulum-v1,v2,0.0003,3,", StringComparison.Ordinal)).Split(',');
        double Cell(int i) => double.Parse(row[i], CultureInfo.InvariantCulture);
        Assert.That(Cell(4), Is.EqualTo(finals.Average()).Within(1e-9), "final IQM");
        Assert.That(Cell(7), Is.EqualTo(finals.Order().ElementAt(1)), "final median");
        Assert.That((Cell(8), Cell(9)), Is.EqualTo((finals.Min(), finals.Max())));
        Assert.That(Cell(5), Is.InRange(finals.Min(), Cell(4)), "the interval's low end is between the worst seed and the IQM");
        Assert.That(Cell(6), Is.InRange(Cell(4), finals.Max()));
        Assert.That(Cell(10), Is.EqualTo(bests.Average()).Within(1e-9), "best IQM");
        Assert.That(Cell(13), Is.EqualTo(bests.Order().ElementAt(1)), "best median");

        string markdown = File.ReadAllText(Path.Combine(report, "report.md"));
        Assert.That(markdown, Does.Contain("| env | algo | actorLr | seeds | final IQM [95 % CI] |"));
        Assert.That(markdown, Does.Contain(string.Create(CultureInfo.InvariantCulture, $"| Pendulum-v1 | v2 | 0.0003 | 3 | **{finals.Average():F1}** [{Cell(5):F1}, {Cell(6):F1}] |")));
        Assert.That(markdown, Does.Contain("![curves-Pendulum-v1](curves-Pendulum-v1.png)"));
        Assert.That(result.Out, Does.Contain("| Pendulum-v1 | v2 | 0.001 | 3 |"), "the table is printed too");

        // Every run's page is linked, by a path relative to the report that leads to the run's own index.html.
        var links = System.Text.RegularExpressions.Regex.Matches(markdown, @"\[seed \d\]\(([^)]+)\)").Select(m => m.Groups[1].Value).ToArray();
        Assert.That(links, Has.Length.EqualTo(RunsOf(_sweep).Length));
        foreach (string link in links)
            Assert.That(File.ReadAllText(Path.GetFullPath(Path.Combine(report, link))), Does.Contain("<html"), link);
    }

    [Test]
    public void Report_SameRunsTwice_IsByteIdentical_AndReadsPlainRunDirectories()
    {
        string a = Path.Combine(Root, "a"), b = Path.Combine(Root, "b");
        Assert.That(Sac("report", _sweep, "--out", a).Code, Is.Zero);
        Assert.That(Sac("report", _sweep, "--out", b).Code, Is.Zero);
        foreach (string name in new[] { "report.md", "report.csv", "curves-Pendulum-v1.png" })
            Assert.That(File.ReadAllBytes(Path.Combine(b, name)), Is.EqualTo(File.ReadAllBytes(Path.Combine(a, name))), name);
        // NOTE: ScottPlot numbers the SVG's clip paths from a counter per process (cl_1, cl_2, …); two `sac report`
        // processes write the same bytes, two reports in this one process differ in those ids only.
        string Svg(string dir) => System.Text.RegularExpressions.Regex.Replace(File.ReadAllText(Path.Combine(dir, "curves-Pendulum-v1.svg")), @"cl_[0-9a-z]+", "cl_N");
        Assert.That(Svg(b), Is.EqualTo(Svg(a)));

        // A folder of `sac train` runs (as bench/learning_mujoco.sh leaves), plus an unfinished one, is read the same way.
        string folder = Path.Combine(Root, "runs");
        Directory.CreateDirectory(folder);
        foreach (string run in RunsOf(_sweep)[..3])
            TestFiles.CopyDirectory(run, Path.Combine(folder, Path.GetFileName(run)));
        string unfinished = Path.Combine(folder, "unfinished");
        TestFiles.CopyDirectory(RunsOf(_sweep)[3], unfinished);
        File.Delete(Path.Combine(unfinished, "summary.json"));
        var result = Sac("report", folder);
        Assert.That(result.Code, Is.Zero, result.Err);
        Assert.That(result.Out, Does.Contain("| Pendulum-v1 | v2 | 3 |"), "one cell, so no option columns");
        Assert.That(result.Out, Does.Contain("Left out:").And.Contain("unfinished (unfinished)"));
    }

    [Test]
    public void Curve_IsTheIqmOverSeedsAtEachEvaluationStep()
    {
        var (groups, _) = RunResults.Collect([_sweep]);
        var group = groups.Single(g => g.Options.Single().Value == "0.001");
        var (steps, iqm, low, high) = CurvePlot.Aggregate(group, 0);
        Assert.That(steps, Is.EqualTo(new[] { 200.0, 400.0 }), "evaluations every 200 of 400 steps");
        for (int i = 0; i < steps.Length; i++)
        {
            // Three seeds: the IQM is their mean; read each seed's eval/mean_reward row here, not through the report's reader.
            double expected = group.Runs.Select(r => EvalAt(Path.Combine(r.Path, "progress.csv"), steps[i])).Average();
            Assert.That(iqm[i], Is.EqualTo(expected).Within(1e-9));
            Assert.That(low[i], Is.LessThanOrEqualTo(iqm[i]));
            Assert.That(high[i], Is.GreaterThanOrEqualTo(iqm[i]));
        }
    }

    [Test]
    public void Report_InterruptedExtension_IsLeftOutNotPooled_AndItsCellReadsInterrupted()
    {
        string folder = Path.Combine(Root, "runs");
        string[] runs = CopyRuns(folder, 0, 1, 2);
        // Seeds 0 and 1 extended from 400 to 600 steps, to the end; seed 2's extension stopped at 500 (as Ctrl-C would).
        foreach (string run in runs[..2])
            Assert.That(Sac("train", "--resume", run, "--steps", "600").Code, Is.Zero);
        TrainingSession.InterruptAtStepForTesting = 500;
        Assert.That(Sac("train", "--resume", runs[2], "--steps", "600").Code, Is.EqualTo(130));
        TrainingSession.InterruptAtStepForTesting = null;
        // The trap: config.json now says 600 steps, while summary.json is still the 400-step run's.
        Assert.That(Summary(runs[2], "steps"), Is.EqualTo(400));
        Assert.That(JsonNode.Parse(File.ReadAllText(Path.Combine(runs[2], "config.json")))!["steps"]!.GetValue<long>(), Is.EqualTo(600));

        var result = Sac("report", folder);
        Assert.That(result.Code, Is.Zero, result.Err);
        Assert.That(result.Out, Does.Contain("| Pendulum-v1 | v2 | 2 |"), "only the two seeds that reached 600 steps are pooled");
        Assert.That(result.Out, Does.Contain($"{runs[2]} (unfinished: summary at 400 of 600 steps)"));
        string csvRuns = File.ReadAllLines(Path.Combine(folder, "report", "report.csv"))[1].Split(',')[^1];
        Assert.That(csvRuns.Split(';'), Is.EqualTo(runs[..2]));

        // A sweep reads the cell the same way: interrupted at its checkpoint (500), to be resumed, not finished.
        var status = CellStatus.Read(new RunDirectory(runs[2], "--run"), 600);
        Assert.That((status.State, status.Step, status.FinalEval), Is.EqualTo((CellState.Interrupted, 500L, (double?)null)));
        Assert.That(CellStatus.Read(new RunDirectory(runs[0], "--run"), 600).State, Is.EqualTo(CellState.Finished));
    }

    [Test]
    public void Report_SymlinkLoopsAndAliases_WalkEachDirectoryOnce_AndFollowALinkOutOnce()
    {
        string folder = Path.Combine(Root, "runs");
        string[] runs = CopyRuns(folder, 0, 1);
        string outside = CopyRuns(Path.Combine(Root, "elsewhere"), 2)[0];
        // Two `ln -s . x` loops (2^40 paths before the kernel says ELOOP), an alias of a run inside, a link to a run outside.
        Directory.CreateSymbolicLink(Path.Combine(folder, "x"), ".");
        Directory.CreateSymbolicLink(Path.Combine(folder, "y"), ".");
        Directory.CreateSymbolicLink(Path.Combine(folder, "alias"), runs[0]);
        Directory.CreateSymbolicLink(Path.Combine(folder, "outside"), outside);

        // A real child process, so a walk that never ends fails this test instead of hanging the suite.
        using var sac = SacProcess.Start("report", folder);
        var result = sac.WaitForExit(90_000);
        Assert.That(result.Code, Is.Zero, result.Err);
        Assert.That(result.Out, Does.Contain("| Pendulum-v1 | v2 | 3 |"), "seeds 0 and 1 inside, seed 2 through the link out");
        Assert.That(result.Out, Does.Not.Contain("Left out"), "no run is met twice, so none is a duplicate seed");
        string csvRuns = File.ReadAllLines(Path.Combine(folder, "report", "report.csv"))[1].Split(',')[^1];
        Assert.That(csvRuns.Split(';'), Is.EqualTo(new[] { runs[0], runs[1], Path.Combine(folder, "outside") }),
            "each run once, by the first path the (ordinal) walk met it on");
    }

    [Test]
    public void Report_EmptyOrHeaderlessProgress_LeavesTheRunOutSayingWhy()
    {
        string folder = Path.Combine(Root, "runs");
        string[] runs = CopyRuns(folder, 0, 1, 2);
        File.WriteAllBytes(Path.Combine(runs[0], "progress.csv"), []);
        string progress = Path.Combine(runs[1], "progress.csv");
        File.WriteAllLines(progress, File.ReadAllLines(progress)[1..]);

        var result = Sac("report", folder);
        Assert.That(result.Code, Is.Zero, result.Err);
        Assert.That(result.Out, Does.Contain("| Pendulum-v1 | v2 | 1 |"), "only the intact run is pooled");
        Assert.That(result.Out, Does.Contain($"{runs[0]} (progress.csv is empty)"));
        Assert.That(result.Out, Does.Contain($"{runs[1]} (progress.csv has no header"));

        // With nothing intact left: one line, exit 2, naming why.
        string lone = Path.Combine(Root, "lone");
        TestFiles.CopyDirectory(runs[0], Path.Combine(lone, "r"));
        var before = Snapshot();
        AssertUsageError(Sac("report", lone), "No finished runs", "progress.csv is empty");
        Assert.That(Snapshot(), Is.EqualTo(before), "nothing written");
    }

    [Test]
    public void Report_FifoForProgressOrSummary_IsLeftOutWithoutWaitingForAWriter()
    {
        Assume.That(OperatingSystem.IsWindows(), Is.False, "mkfifo is POSIX");
        string folder = Path.Combine(Root, "runs");
        string[] runs = CopyRuns(folder, 0, 1, 2);
        // Opening a FIFO to read blocks until something writes to it: a report (or a sweep status) that opens one hangs.
        foreach (string file in new[] { Path.Combine(runs[0], "progress.csv"), Path.Combine(runs[1], "summary.json") })
        {
            File.Delete(file);
            using var mkfifo = System.Diagnostics.Process.Start("mkfifo", [file]);
            mkfifo.WaitForExit();
            Assert.That(mkfifo.ExitCode, Is.Zero);
        }

        // A real child process, so a read that never returns fails this test instead of hanging the suite.
        using (var sac = SacProcess.Start("report", folder))
        {
            var result = sac.WaitForExit(90_000);
            Assert.That(result.Code, Is.Zero, result.Err);
            Assert.That(result.Out, Does.Contain("| Pendulum-v1 | v2 | 1 |"));
            Assert.That(result.Out, Does.Contain($"{runs[0]} (progress.csv is empty)").And.Contain($"{runs[1]} (summary.json is empty)"));
        }
        // In this process, but on a task given a deadline: a CellStatus that opened the FIFO would never return.
        var status = Task.Run(() => CellStatus.Read(new RunDirectory(runs[1], "--run"), 400));
        Assert.That(status.Wait(30_000), Is.True, "CellStatus.Read waited on the FIFO");
        Assert.That(status.Result.State, Is.EqualTo(CellState.Interrupted), "no summary to read: the run's progress rows say it started");
    }

    [Test]
    public void Report_ConfigOrSummaryWithAKeyTwice_LeavesTheRunOutSayingWhy()
    {
        // System.Text.Json's JsonObject throws ArgumentException for a key given twice, and only when it is first read.
        string folder = Path.Combine(Root, "runs");
        string[] runs = CopyRuns(folder, 0, 1, 2);
        string config = Path.Combine(runs[0], "config.json");
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"seed\": 0", "\"seed\": 0, \"seed\": 0"));
        string summary = Path.Combine(runs[1], "summary.json");
        File.WriteAllText(summary, "{ \"finalEvalMean\": 1, " + File.ReadAllText(summary).TrimStart()[1..]);

        var result = Sac("report", folder);
        Assert.That(result.Code, Is.Zero, result.Err);
        Assert.That(result.Out, Does.Contain("| Pendulum-v1 | v2 | 1 |"), "only the intact run is pooled");
        Assert.That(result.Out, Does.Contain($"{runs[0]} (config.json: run config {runs[0]}/config.json: key 'seed' appears more than once)"));
        Assert.That(result.Out, Does.Contain($"{runs[1]} (summary.json has a key twice: An item with the same key has already been added. Key: finalEvalMean)"));
    }

    [Test]
    public void Report_NonFiniteOrUnreadableEvaluation_IsNamed_AndTheFinitePartIsDrawn()
    {
        string folder = Path.Combine(Root, "runs");
        string[] runs = CopyRuns(folder, 0, 1, 2);
        SetEval(runs[0], 200, "Infinity");
        SetEval(runs[1], 200, "n/a");

        var result = Sac("report", folder);
        Assert.That(result.Code, Is.Zero, result.Err);
        string markdown = File.ReadAllText(Path.Combine(folder, "report", "report.md"));
        Assert.That(markdown, Does.Contain($"{runs[0]}: eval/mean_reward at step 200 is Infinity"));
        Assert.That(markdown, Does.Contain($"{runs[1]}: eval/mean_reward at step 200 is 'n/a'"));

        // The curve keeps the step every seed has a finite value at (400), and its IQM there is finite.
        var (groups, _) = RunResults.Collect([folder]);
        var (steps, iqm, _, _) = CurvePlot.Aggregate(groups.Single(), 0);
        Assert.That(steps, Is.EqualTo(new[] { 400.0 }));
        Assert.That(iqm[0], Is.EqualTo(runs.Select(r => EvalAt(Path.Combine(r, "progress.csv"), 400)).Average()).Within(1e-9));
    }

    [Test]
    public void Report_PerSeedColumns_ListEverySeedsFinalAndBest_InSeedOrder()
    {
        string report = Path.Combine(Root, "report");
        Assert.That(Sac("report", _sweep, "--out", report).Code, Is.Zero);
        // Cells 3-5 are actorLr 0.0003, seeds 0-2: each seed's number straight from its own summary.json.
        string[] runs = RunsOf(_sweep)[3..6];
        string Listed(string key) => string.Join("; ", runs.Select((r, seed) => string.Create(CultureInfo.InvariantCulture, $"s{seed} {Summary(r, key):N0}")));
        string markdown = File.ReadAllText(Path.Combine(report, "report.md"));
        string row = markdown.Split('\n').Single(l => l.StartsWith("| Pendulum-v1 | v2 | 0.0003 | 3 | **", StringComparison.Ordinal));
        Assert.That(row, Does.Contain($"| {Listed("finalEvalMean")} | ").And.EndWith($"| {Listed("bestEvalMean")} |"));

        // The CSV has them at full precision: "seed:value" pairs.
        var csv = File.ReadAllLines(Path.Combine(report, "report.csv"));
        var header = csv[0].Split(',');
        var cells = csv.Single(l => l.StartsWith("Pendulum-v1,v2,0.0003,", StringComparison.Ordinal)).Split(',');
        string Pairs(string key) => string.Join(';', runs.Select((r, seed) => string.Create(CultureInfo.InvariantCulture, $"{seed}:{Summary(r, key):R}")));
        Assert.That(cells[Array.IndexOf(header, "final_by_seed")], Is.EqualTo(Pairs("finalEvalMean")));
        Assert.That(cells[Array.IndexOf(header, "best_by_seed")], Is.EqualTo(Pairs("bestEvalMean")));
    }

    [Test]
    public void Report_WallClock_ReadsMachineAndSegments_AndSaysUnknownForOlderSummaries()
    {
        string folder = Path.Combine(Root, "runs");
        string[] runs = CopyRuns(folder, 0, 1, 2);
        // 400-step runs: 2 s is 5,000 s per 1M steps, 4 s is 10,000 s. Seed 1 was resumed on another machine; seed 2's
        // summary predates all three fields.
        EditSummary(runs[0], s =>
        {
            s["wallSeconds"] = 2.0;
            s["stepsPerSecond"] = 200.0;
            s["machine"] = JsonNode.Parse("""{"cpu": "AMD EPYC", "family": 25, "model": 17, "kind": "Zen 4", "isa": "AVX-512", "cores": 2}""");
            // Stopped and resumed on the same kind: one machine, not two stretches.
            s["segments"] = JsonNode.Parse("""
                [{"fromStep": 0, "toStep": 150, "seconds": 0.7, "machine": {"cpu": "AMD EPYC", "kind": "Zen 4", "isa": "AVX-512", "cores": 2}},
                 {"fromStep": 150, "toStep": 400, "seconds": 1.3, "machine": {"cpu": "AMD EPYC", "kind": "Zen 4", "isa": "AVX-512", "cores": 2}}]
                """);
        });
        EditSummary(runs[1], s =>
        {
            s["wallSeconds"] = 4.0;
            s["stepsPerSecond"] = 100.0;
            s["machine"] = JsonNode.Parse("""{"cpu": "AMD EPYC", "kind": "Zen 4", "isa": "AVX-512", "cores": 2}""");
            s["segments"] = JsonNode.Parse("""
                [{"fromStep": 0, "toStep": 100, "seconds": 0.7, "machine": {"cpu": "AMD EPYC", "kind": "Zen 3", "isa": "AVX2", "cores": 4}},
                 {"fromStep": 100, "toStep": 200, "seconds": 0.8, "machine": {"cpu": "AMD EPYC", "kind": "Zen 3", "isa": "AVX2", "cores": 4}},
                 {"fromStep": 200, "toStep": 400, "seconds": 2.5, "machine": {"cpu": "AMD EPYC", "kind": "Zen 4", "isa": "AVX-512", "cores": 2}}]
                """);
        });
        EditSummary(runs[2], s =>
        {
            s.Remove("wallSeconds");
            s.Remove("stepsPerSecond");
            s.Remove("machine");
            s.Remove("segments");
        });

        var result = Sac("report", folder);
        Assert.That(result.Code, Is.Zero, result.Err);
        // Medians over the two runs that say: (5,000 + 10,000) / 2 = 7,500 s = 2.1 h; (200 + 100) / 2 = 150 steps/s.
        Assert.That(result.Out, Does.Contain("| Pendulum-v1 | v2 | 3 | 2.1 h (2 of 3 runs) | 150 | Zen 3, Zen 4, unknown |"));
        string Row(int seed) => result.Out.Split('\n').Single(l => l.Contains($"[seed {seed}]("));
        Assert.That(Row(0), Does.EndWith("| 2.0 s | 83 min | 200 | Zen 4 (AMD EPYC, AVX-512, 2 cores) |"));
        Assert.That(Row(1), Does.EndWith("| 4.0 s | 2.8 h | 100 | Zen 3 (AMD EPYC, AVX2, 4 cores) 0–200; Zen 4 (AMD EPYC, AVX-512, 2 cores) 200–400 |"));
        Assert.That(Row(2), Does.EndWith("| unknown | unknown | unknown | unknown |"));

        var csv = File.ReadAllLines(Path.Combine(folder, "report", "report.csv"));
        var header = csv[0].Split(',');
        var cells = csv[1].Split(',');
        Assert.That(cells[Array.IndexOf(header, "wall_seconds_per_1m_median")], Is.EqualTo("7500"));
        Assert.That(cells[Array.IndexOf(header, "steps_per_second_median")], Is.EqualTo("150"));
        Assert.That(cells[Array.IndexOf(header, "machines")], Is.EqualTo("Zen 3;Zen 4;unknown"));
    }

    [Test]
    public void Report_CurveLegend_NamesTheSeedCount_AndClaimsAnIntervalOnlyOverSeveralSeeds()
    {
        string several = Path.Combine(Root, "several"), one = Path.Combine(Root, "one");
        Assert.That(Sac("report", _sweep, "--out", several).Code, Is.Zero);
        var result = Sac("report", RunsOf(_sweep)[0], "--out", one);
        Assert.That(result.Code, Is.Zero, result.Err);

        Assert.That(File.ReadAllText(Path.Combine(several, "curves-Pendulum-v1.svg")), Does.Contain("(IQM of 3 seeds, 95 % CI)"));
        // One seed has no spread to bootstrap: its legend says so rather than "IQM of 1 seeds, 95 % CI".
        string single = File.ReadAllText(Path.Combine(one, "curves-Pendulum-v1.svg"));
        Assert.That(single, Does.Contain("(1 seed)"));
        Assert.That(single, Does.Not.Contain("95 % CI"));
    }

    [Test]
    public void Report_Anchors_AreLabelledLinesOnTheirEnvsCurves_AndListedUnderItsTable()
    {
        string anchors = Path.Combine(Root, "anchors.json");
        File.WriteAllText(anchors, """
            { "format": "sac-anchors-1",
              "sources": { "Tianshou": { "measures": "best of 10-seed mean", "version": "v3", "reference": "Tianshou README" },
                           "rl-zoo": { "measures": "final eval, 1 run", "detail": "final deterministic evaluation of 1 run", "version": "v3" } },
              "anchors": [ { "env": "Pendulum-v1", "source": "Tianshou", "step": 400, "value": -150.4, "std": 20 },
                           { "env": "Pendulum-v1", "source": "rl-zoo", "step": 2000000, "value": -160, "note": "At 2M steps" },
                           { "env": "Hopper-v5", "source": "Tianshou", "step": 1000000, "value": 3542 } ],
              "envNotes": { "Pendulum-v1": "the same task in every version." } }
            """);
        string plain = Path.Combine(Root, "plain"), anchored = Path.Combine(Root, "anchored");
        Assert.That(Sac("report", _sweep, "--out", plain).Code, Is.Zero);
        var result = Sac("report", _sweep, "--out", anchored, "--anchors", anchors);
        Assert.That(result.Code, Is.Zero, result.Err);

        // The legend names each anchor; one measured where the curves do not end says at which step.
        string svg = File.ReadAllText(Path.Combine(anchored, "curves-Pendulum-v1.svg"));
        Assert.That(svg, Does.Contain("Tianshou -150 (best of 10-seed mean, v3)"));
        Assert.That(svg, Does.Contain("rl-zoo -160 (final eval, 1 run, v3, at 2M steps)"));
        Assert.That(svg, Does.Not.Contain("3,542"), "another environment's anchor is not drawn here");
        Assert.That(File.ReadAllText(Path.Combine(plain, "curves-Pendulum-v1.svg")), Does.Not.Contain("Tianshou"), "no anchors without --anchors");

        string markdown = File.ReadAllText(Path.Combine(anchored, "report.md"));
        string underTable = markdown[markdown.IndexOf("## Pendulum-v1", StringComparison.Ordinal)..markdown.IndexOf("![curves-Pendulum-v1]", StringComparison.Ordinal)];
        Assert.That(underTable, Does.Contain("- Tianshou -150 ± 20 at 400 steps: best of 10-seed mean; Gymnasium v3; Tianshou README\n"));
        Assert.That(underTable, Does.Contain("- rl-zoo -160 at 2M steps: final deterministic evaluation of 1 run; Gymnasium v3. At 2M steps\n"));
        Assert.That(underTable, Does.Contain("Pendulum-v1 against those versions: the same task in every version."));
        Assert.That(markdown, Does.Not.Contain("3,542"));
    }

    [Test]
    public void Report_BadAnchorsFile_IsOneLineExitTwo_AndWritesNothing()
    {
        string folder = Path.Combine(Root, "runs");
        CopyRuns(folder, 0);
        string good = File.ReadAllText(Path.Combine(Repository.Root, "bench", "anchors", "mujoco-1m.json"));
        string Write(string name, string json)
        {
            string path = Path.Combine(Root, name);
            File.WriteAllText(path, json);
            return path;
        }
        var cases = new (string File, string Mention)[]
        {
            (Write("truncated.json", good[..(good.Length / 2)]), "not valid JSON"),
            (Write("top.json", good.Replace("\"about\"", "\"abuot\"")), "unknown key \"abuot\""),
            (Write("anchor.json", good.Replace("\"std\": 1049", "\"stdev\": 1049")), "anchors[0]: unknown key \"stdev\""),
            (Write("source.json", good.Replace("\"reference\": \"CleanRL", "\"url\": \"CleanRL")), "source \"CleanRL\": unknown key \"url\""),
            (Write("env.json", good.Replace("\"Hopper-v5\", \"source\": \"CleanRL\"", "\"Hopper-v4\", \"source\": \"CleanRL\"")), "unknown environment 'Hopper-v4'"),
            (Write("who.json", good.Replace("\"source\": \"rl-zoo\", \"step\": 1000000, \"value\": 9535", "\"source\": \"SB3\", \"step\": 1000000, \"value\": 9535")), "source 'SB3' is not one of"),
            (Write("value.json", good.Replace("\"value\": 12139, ", "")), "anchors[0]: \"value\" is missing"),
            (Write("twice.json", good.Replace("\"step\": 1000000, \"value\": 12139", "\"step\": 1000000, \"step\": 1000000, \"value\": 12139")), "a key is given twice"),
            (Write("format.json", good.Replace("sac-anchors-1", "sac-anchors-2")), "\"format\" must be \"sac-anchors-1\""),
            (Path.Combine(Root, "missing.json"), "cannot be read"),
            ("", "cannot be read"),
            (Root, "is a directory"),
        };
        var before = Snapshot();
        foreach (var (file, mention) in cases)
            AssertUsageError(Sac("report", folder, "--anchors", file), "--anchors", mention);
        // And from the real command, as a user meets it.
        using (var sac = SacProcess.Start("report", folder, "--anchors", cases[1].File))
            AssertUsageError(sac.WaitForExit(), "unknown key \"abuot\"");
        Assert.That(Snapshot(), Is.EqualTo(before), "nothing written, not even the report directory");
    }

    [Test]
    public void ShippedAnchors_HoldThePublishedNumbers_WithWhatEachMeasures()
    {
        var set = Anchors.Load(Path.Combine(Repository.Root, "bench", "anchors", "mujoco-1m.json"));
        // Typed here from the projects' own tables (Tianshou examples/mujoco README, CleanRL docs/benchmark/sac.md,
        // rl-baselines3-zoo benchmark.md), not read back from the file under test; Ant's "SB3 on v5" is the mean at 1M of
        // the ten results/ant_v5_SAC/run_*/evaluations.npz of Gymnasium's v5 validation repository.
        var expected = new (string Env, string Source, long Step, double Value)[]
        {
            ("HalfCheetah-v5", "Tianshou", 1_000_000, 12_139), ("HalfCheetah-v5", "CleanRL", 1_000_000, 9_635), ("HalfCheetah-v5", "rl-zoo", 1_000_000, 9_535),
            ("Hopper-v5", "Tianshou", 1_000_000, 3_542), ("Hopper-v5", "CleanRL", 1_000_000, 2_310), ("Hopper-v5", "rl-zoo", 1_000_000, 2_326),
            ("Walker2d-v5", "Tianshou", 1_000_000, 5_007), ("Walker2d-v5", "CleanRL", 1_000_000, 3_591), ("Walker2d-v5", "rl-zoo", 1_000_000, 3_863),
            ("Ant-v5", "Tianshou", 1_000_000, 5_850), ("Ant-v5", "rl-zoo", 1_000_000, 4_616), ("Ant-v5", "SB3 on v5", 1_000_000, 4_332),
            ("Humanoid-v5", "Tianshou", 1_000_000, 5_489), ("Humanoid-v5", "CleanRL", 1_000_000, 4_996), ("Humanoid-v5", "rl-zoo", 2_000_000, 6_232),
        };
        Assert.That(set.Anchors.Select(a => (a.Env, a.Source.Name, a.Step, a.Value)), Is.EqualTo(expected));
        Assert.That(set.Anchors.Select(a => (a.Source.Name, a.Source.Version)).Distinct(),
            Is.EquivalentTo(new[] { ("Tianshou", "v3"), ("CleanRL", "v4"), ("rl-zoo", "v3"), ("SB3 on v5", "v5") }));
        Assert.That(set.Anchors[0].Label(1_000_000), Is.EqualTo("Tianshou 12,139 (best of 10-seed mean, v3)"));
        Assert.That(set.Anchors[^1].Label(1_000_000), Is.EqualTo("rl-zoo 6,232 (final eval, 1 run, v3, at 2M steps)"), "Humanoid's rl-zoo number is at 2M");
        Assert.That(set.EnvNotes.Keys, Is.EquivalentTo(expected.Select(e => e.Env).Distinct()));
    }

    /// <summary>Copies the sweep's cells into <paramref name="folder"/> (as a folder of `sac train` runs); returns their paths.</summary>
    private string[] CopyRuns(string folder, params int[] cells) => cells.Select(i =>
    {
        string to = Path.Combine(folder, $"run-{i}");
        TestFiles.CopyDirectory(RunsOf(_sweep)[i], to);
        return to;
    }).ToArray();

    /// <summary>Rewrites <paramref name="run"/>'s summary.json through <paramref name="edit"/>.</summary>
    private static void EditSummary(string run, Action<JsonObject> edit)
    {
        string path = Path.Combine(run, "summary.json");
        var summary = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(summary);
        File.WriteAllText(path, summary.ToJsonString());
    }

    /// <summary>Writes <paramref name="text"/> as eval/mean_reward of <paramref name="run"/>'s evaluation row at <paramref name="step"/>.</summary>
    private static void SetEval(string run, long step, string text)
    {
        string progress = Path.Combine(run, "progress.csv");
        var lines = File.ReadAllLines(progress);
        int column = Array.IndexOf(lines[0].Split(','), "eval/mean_reward");
        int row = Array.FindIndex(lines, l => l.StartsWith($"{step},", StringComparison.Ordinal) && l.Split(',')[column].Length > 0);
        var cells = lines[row].Split(',');
        cells[column] = text;
        lines[row] = string.Join(',', cells);
        File.WriteAllLines(progress, lines);
    }

    private static double EvalAt(string progress, double step)
    {
        var lines = File.ReadAllLines(progress);
        int column = Array.IndexOf(lines[0].Split(','), "eval/mean_reward");
        return lines.Skip(1).Select(l => l.Split(',')).Where(c => c[column].Length > 0 && double.Parse(c[0], CultureInfo.InvariantCulture) == step)
            .Select(c => double.Parse(c[column], CultureInfo.InvariantCulture)).Single();
    }
}
