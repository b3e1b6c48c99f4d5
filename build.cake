// Sac build script. Run with: dotnet tool restore && dotnet cake [--target=<Task>] [--configuration=<Release|Debug>]
// Tasks: Clean, Build, Test (Default), Bench (BenchmarkDotNet dry smoke run of every suite), Pack.

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

Task("Build")
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
    int passed = 0, failed = 0, skipped = 0;
    foreach (var file in trx)
    {
        var counters = System.Xml.Linq.XDocument.Load(file.FullPath)
            .Descendants().First(e => e.Name.LocalName == "Counters");
        int Count(string name) => int.Parse(counters.Attribute(name)?.Value ?? "0");
        passed += Count("passed");
        failed += Count("failed") + Count("error") + Count("timeout") + Count("aborted");
        skipped += Count("notExecuted") + Count("inconclusive");
    }
    if (failure != null && failed == 0)
        failed = 1; // the test host crashed or the run failed without a failed test: never report green.
    testSummary = $"{passed} passed, {failed} failed, {skipped} skipped";
    Information(testSummary);
    if (failure != null || failed > 0)
        throw new Exception($"{failed} test(s) failed.", failure);
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
    foreach (var project in new[] { "Sac.Kernels", "Sac.Autodiff", "Sac.Core", "Sac.Cli" })
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
