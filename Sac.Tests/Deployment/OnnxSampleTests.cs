using System.Diagnostics;
using System.Globalization;
using Sac.Core.Environments;
using Sac.Core.Inference;
using Sac.Tests.Cli;

namespace Sac.Tests.Deployment;

/// <summary>
/// samples/OnnxPolicy, the console app a user copies, is built and run with `dotnet run` on an exported HalfCheetah
/// policy, as docs/deployment.md says: it reads the metadata and acts as Sac acts.
/// </summary>
[NonParallelizable] // it builds a project
public class OnnxSampleTests : CliTestBase
{
    /// <summary>Runs `dotnet run -c Release --project samples/OnnxPolicy -- args…`; returns the exit code and output.</summary>
    private static (int Code, string Out, string Err) RunSample(params string[] args)
    {
        string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        var start = new ProcessStartInfo(!string.IsNullOrEmpty(host) && File.Exists(host) ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Repository.Root,
        };
        foreach (string arg in (string[])["run", "-c", "Release", "--project", Repository.File("samples/OnnxPolicy/OnnxPolicy.csproj"), "--", .. args])
            start.ArgumentList.Add(arg);
        // No build servers left running after the test: one MSBuild node, no shared compiler.
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["UseSharedCompilation"] = "false";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(600_000))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("dotnet run of the sample did not finish in 10 minutes");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    [Test]
    public void OnnxSample_DotnetRunOnAnExportedHalfCheetah_ActsAsSac()
    {
        string run = TrainedRuns.Of("HalfCheetah-v5");
        string model = OnnxExportTests.Export(run, Path.Combine(Root, "halfcheetah.onnx"));
        var env = EnvironmentRegistry.Create("HalfCheetah-v5");
        const int rows = 5;
        float[] observations = OnnxExportTests.RandomObservations(env.ObservationSpace, rows, seed: 9);
        int s = env.ObservationSpace.Dimension, a = env.ActionSpace.Dimension;
        string csv = Path.Combine(Root, "observations.csv");
        File.WriteAllLines(csv, Enumerable.Range(0, rows).Select(r => string.Join(",", observations.AsSpan(r * s, s).ToArray().Select(v => v.ToString("R", CultureInfo.InvariantCulture)))));

        var (code, output, error) = RunSample(model, csv);
        Assert.That(code, Is.Zero, output + error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var policy = TrainedPolicy.LoadRun(run);
        Assert.That(lines, Has.Some.StartsWith("policy of HalfCheetah-v5 (SAC v2").And.Some.Contains(policy.ModelSha256!), "the metadata, read by the sample");
        Assert.That(lines, Has.Some.Contains($"obs [batch, {s}] -> action [batch, {a}], bounds: {env.ActionSpace}"));

        var actions = lines.Where(l => l.StartsWith("action ", StringComparison.Ordinal)).ToArray();
        Assert.That(actions, Has.Length.EqualTo(rows), output);
        var expected = new float[a];
        for (int r = 0; r < rows; r++)
        {
            policy.Act(observations.AsSpan(r * s, s), expected);
            float[] printed = actions[r][(actions[r].IndexOf(':') + 1)..].Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            Assert.That(printed, Is.EqualTo(expected).Within(OnnxExportTests.Tolerance), $"observation {r}");
        }
    }
}
