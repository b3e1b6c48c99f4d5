// Sac build script. Run with: dotnet tool restore && dotnet cake [--target=<Task>] [--configuration=<Release|Debug>]
// Tasks: Clean, MuJoCo (installs MuJoCo 2.2.2 if missing), MujocoWasm (Node.js and the official MuJoCo 3.14.0 WebAssembly
// build, the tests' second MuJoCo), Slurm (installs Slurm 22.05 and MUNGE if missing, for the sweep tests), Media
// (installs ffmpeg, a font and Chromium if missing), Build, Test (Default), Bench (BenchmarkDotNet dry smoke run of every
// suite), Pack.

var target = Argument("target", "Default");
var configuration = Argument("configuration", "Release");

var solution = "./Sac.sln";
var artifacts = Directory("./artifacts");
var testResults = Directory("./artifacts/test-results");

// Set by Test: the closing line "N passed, N failed, N skipped", printed last (after Cake's task report) so CI can read it.
string testSummary = null;

Task("Clean")
    .Does(() =>
{
    CleanDirectory(artifacts);
    DotNetClean(solution, new DotNetCleanSettings { Configuration = configuration });
});

// Installs the Debian packages whose files are missing (as root, through apt-get); not root, it stops with one line
// naming the command to run. `why` says who needs them; `recommends` keeps apt's recommended packages (gcc needs its
// recommended libc6-dev to compile anything).
void EnsureDebianPackages(string why, bool recommends, params (string File, string Package)[] needed)
{
    var missing = needed.Where(n => !System.IO.File.Exists(n.File)).Select(n => n.Package).Distinct().ToList();
    if (missing.Count == 0)
        return;

    string packages = string.Join(" ", missing);
    string options = recommends ? "-y" : "-y --no-install-recommends";
    string install = $"apt-get install {options} {packages}";
    StartProcess("id", new ProcessSettings { Arguments = "-u", RedirectStandardOutput = true }, out IEnumerable<string> uid);
    if (uid.FirstOrDefault()?.Trim() != "0")
    {
        // One line, the command to run, and stop: installing system packages is the user's call when not root.
        Error($"{why} needs {packages}, which is not installed; run: sudo {install}");
        System.Environment.Exit(1);
    }
    Information($"Installing {packages}: {install}");
    var settings = new ProcessSettings
    {
        Arguments = $"install {options} {packages}",
        EnvironmentVariables = new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive" },
    };
    if (StartProcess("apt-get", settings) != 0)
    {
        // A fresh machine may have no package lists yet.
        StartProcess("apt-get", new ProcessSettings { Arguments = "update" });
        if (StartProcess("apt-get", settings) != 0)
            throw new Exception($"'{install}' failed, also after apt-get update.");
    }
}

Task("MuJoCo")
    .Does(() =>
{
    // Sac.Mujoco loads libmujoco.so.2.2.2 when a MuJoCo task is created, and its layout test regenerates
    // MujocoLayout.g.cs from the headers with gcc. Debian 12 packages all three.
    EnsureDebianPackages("Sac.Mujoco", recommends: true,
        ("/usr/lib/x86_64-linux-gnu/libmujoco.so.2.2.2", "libmujoco2.2.2"),
        ("/usr/include/mujoco/mjxmacro.h", "libmujoco-dev"),
        ("/usr/bin/gcc", "gcc"));
});

Task("MujocoWasm")
    .Does(() =>
{
    // Sac.Tests/Mujoco/MujocoWasmParityTests steps every task in a second, independent MuJoCo: the official WebAssembly
    // build (npm's @mujoco/mujoco 3.14.0, pinned with its checksum in package-lock.json), under Node.js.
    EnsureDebianPackages("The MuJoCo WebAssembly tests", recommends: false,
        ("/usr/bin/node", "nodejs"),
        ("/usr/bin/npm", "npm"));
    var oracle = MakeAbsolute(Directory("./Sac.Tests/Mujoco/Wasm")).FullPath;
    if (!System.IO.File.Exists(System.IO.Path.Combine(oracle, "node_modules/@mujoco/mujoco/package.json")))
    {
        Information($"Installing @mujoco/mujoco into {oracle}: npm ci");
        if (StartProcess("npm", new ProcessSettings { Arguments = "ci --no-audit --no-fund", WorkingDirectory = oracle }) != 0)
            throw new Exception($"'npm ci' failed in {oracle}.");
    }
});

Task("Slurm")
    .Does(() =>
{
    // The tests of `sac sweep --slurm` start a real single-node cluster (Sac.Tests/Sweeps/SlurmCluster.cs):
    // Debian 12's Slurm 22.05 and MUNGE. The daemons are started by the tests themselves, never as services.
    EnsureDebianPackages("The Slurm tests", recommends: false,
        ("/usr/sbin/slurmctld", "slurmctld"),
        ("/usr/sbin/slurmd", "slurmd"),
        ("/usr/bin/sbatch", "slurm-client"),
        ("/usr/sbin/munged", "munge"));
});

Task("Media")
    .Does(() =>
{
    // Videos are encoded by ffmpeg (sac render, sac train --record-every) and read back by ffprobe in the tests; the
    // frames' text is set in DejaVu Sans Mono; the run page is checked in a real browser, Debian's Chromium.
    EnsureDebianPackages("Sac.Render and its tests", recommends: true,
        ("/usr/bin/ffmpeg", "ffmpeg"),
        ("/usr/bin/ffprobe", "ffmpeg"),
        ("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf", "fonts-dejavu-core"),
        ("/usr/bin/chromium", "chromium"));
});

Task("Onnx")
    .Does(() =>
{
    // The tests run ONNX's own checker, onnx.checker.check_model(..., full_check=True), on every policy `sac export`
    // writes, with Debian 12's python3-onnx (1.12, the release of opset 17) under Debian's /usr/bin/python3.
    EnsureDebianPackages("The ONNX export tests", recommends: false,
        ("/usr/lib/python3/dist-packages/onnx/checker.py", "python3-onnx"));
});

Task("Build")
    .IsDependentOn("MuJoCo")
    .IsDependentOn("MujocoWasm")
    .IsDependentOn("Slurm")
    .IsDependentOn("Media")
    .IsDependentOn("Onnx")
    .Does(() =>
{
    DotNetBuild(solution, new DotNetBuildSettings { Configuration = configuration });
});

Task("Test")
    .IsDependentOn("Build")
    .Does(() =>
{
    CleanDirectory(testResults);
    Exception failure = null;
    try
    {
        DotNetTest(solution, new DotNetTestSettings
        {
            Configuration = configuration,
            NoBuild = true,
            ResultsDirectory = testResults,
            Loggers = new[] { "trx;LogFileName=tests.trx", "console;verbosity=normal" },
        });
    }
    catch (Exception e)
    {
        failure = e;
    }

    // The closing line is computed from the TRX results, never typed by hand.
    var trx = GetFiles(testResults.Path.FullPath + "/**/*.trx");
    if (trx.Count == 0)
        throw new Exception("No TRX test results were written; the test run did not start.", failure);
    int passed = 0, failed = 0;
    var skippedNames = new List<string>();
    foreach (var file in trx)
    {
        var document = System.Xml.Linq.XDocument.Load(file.FullPath);
        var counters = document.Descendants().First(e => e.Name.LocalName == "Counters");
        int Count(string name) => int.Parse(counters.Attribute(name)?.Value ?? "0");
        passed += Count("passed");
        failed += Count("failed") + Count("error") + Count("timeout") + Count("aborted");
        // The test results, not the counters: the TRX logger leaves notExecuted at 0 for NUnit's skipped tests.
        skippedNames.AddRange(document.Descendants()
            .Where(e => e.Name.LocalName == "UnitTestResult" && (string)e.Attribute("outcome") is "NotExecuted" or "Inconclusive")
            .Select(e => $"{(string)e.Attribute("testName")}: {e.Descendants().FirstOrDefault(m => m.Name.LocalName == "Message")?.Value.Trim()}"));
    }
    int skipped = skippedNames.Count;
    if (failure != null && failed == 0)
        failed = 1; // the test host crashed or the run failed without a failed test: never report green.
    foreach (string name in skippedNames)
        Warning($"skipped: {name}");
    testSummary = $"{passed} passed, {failed} failed, {skipped} skipped";
    Information(testSummary);
    if (failure != null || failed > 0)
        throw new Exception($"{failed} test(s) failed.", failure);
    // A skipped test proves nothing: on CI (CI=true) every test must run on either machine kind.
    if (skipped > 0 && !string.IsNullOrEmpty(EnvironmentVariable("CI")))
        throw new Exception($"{skipped} test(s) were skipped on CI (listed above); every test must run here.");
});

Task("Bench")
    .IsDependentOn("Build")
    .Does(() =>
{
    // A dry smoke run: every suite, one invocation each. Real numbers come from a full run (see docs/benchmarks.md).
    DotNetRun("./Sac.Benchmarks/Sac.Benchmarks.csproj", new ProcessArgumentBuilder()
        .Append("--filter").AppendQuoted("*")
        .Append("--job").Append("Dry"),
        new DotNetRunSettings { Configuration = configuration, NoBuild = true });
});

Task("Pack")
    .Does(() =>
{
    EnsureDirectoryExists(artifacts);
    foreach (var project in new[] { "Sac.Kernels", "Sac.Autodiff", "Sac.Core", "Sac.Mujoco", "Sac.Render", "Sac.Cli" })
    {
        DotNetPack($"./{project}/{project}.csproj", new DotNetPackSettings
        {
            Configuration = configuration,
            OutputDirectory = artifacts,
        });
    }
});

Task("Default")
    .IsDependentOn("Test");

try
{
    RunTarget(target);
}
catch (Exception e)
{
    Error(e.Message);
    if (testSummary != null)
        Console.WriteLine(testSummary);
    Environment.Exit(1);
}
if (testSummary != null)
    Console.WriteLine(testSummary);
