using System.Diagnostics;
using System.Text.Json.Nodes;
using Sac.Core.Environments;
using Sac.Tests.Cli;

namespace Sac.Tests.Deployment;

/// <summary>
/// Every exported model passes ONNX's own checker, <c>onnx.checker.check_model(model, full_check=True)</c> (which runs
/// strict shape inference), from Debian's python3-onnx (1.12, the release that defined opset 17), and reads back, in
/// that independent parser, as the graph the export promises: opset 17, only portable operators, a dynamic batch.
/// </summary>
public class OnnxCheckerTests : CliTestBase
{
    /// <summary>Debian's interpreter, which sees Debian's python3-onnx (another python3 on PATH may not).</summary>
    private const string Python = "/usr/bin/python3";

    private const string Script = """
        import json, sys
        import onnx
        out = []
        for path in sys.argv[1:]:
            model = onnx.load(path)
            onnx.checker.check_model(model, full_check=True)
            def shape(v):
                return [d.dim_param if d.HasField("dim_param") else d.dim_value for d in v.type.tensor_type.shape.dim]
            out.append({
                "path": path,
                "ir_version": model.ir_version,
                "opsets": {o.domain: o.version for o in model.opset_import},
                "ops": sorted({n.op_type for n in model.graph.node}),
                "inputs": {i.name: shape(i) for i in model.graph.input},
                "outputs": {o.name: shape(o) for o in model.graph.output},
                "metadata": {p.key: p.value for p in model.metadata_props},
            })
        print(json.dumps(out))
        """;

    /// <summary>Runs the checker on <paramref name="files"/>; what it read from each, or the test fails with its error.</summary>
    private static JsonArray Check(params string[] files)
    {
        Assert.That(File.Exists(Python), Is.True, $"{Python} is missing: install Debian's python3 and python3-onnx (dotnet cake does, as root)");
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Script);
        foreach (string file in files)
            start.ArgumentList.Add(file);
        using var python = Process.Start(start)!;
        var stdout = python.StandardOutput.ReadToEndAsync();
        string stderr = python.StandardError.ReadToEnd();
        Assert.That(python.WaitForExit(120_000), Is.True, "the ONNX checker did not finish");
        Assert.That(python.ExitCode, Is.Zero, stderr.Contains("No module named 'onnx'") ? "python3-onnx is not installed: apt-get install python3-onnx (dotnet cake does, as root)" : stderr);
        return (JsonArray)JsonNode.Parse(stdout.Result)!;
    }

    [Test]
    public void OnnxExport_OnnxCheckerFullCheck_AcceptsTheTanhBoundedLogStdHead()
    {
        string run = Path.Combine(Root, "tanh");
        Assert.That(Sac(TrainArgs(run, 300, "--log-std-bounding", "tanh", "--log-std-min", "-5")).Code, Is.Zero);
        string heads = OnnxExportTests.Export(run, Path.Combine(Root, "tanh-heads.onnx"), "--gaussian-head");
        var model = Check(heads).Single()!;
        // log σ = −5 + 3.5(tanh x + 1): Tanh, Add, Mul and Add in place of Clip.
        Assert.That(model["ops"]!.AsArray().Select(o => o!.GetValue<string>()), Is.EqualTo(new[] { "Add", "Gemm", "Mul", "Relu", "Tanh" }));
        Assert.That(model["metadata"]!["log_std_bounding"]!.GetValue<string>(), Is.EqualTo("tanh"));
    }

    [TestCaseSource(typeof(TrainedRuns), nameof(TrainedRuns.Environments))]
    public void OnnxExport_OnnxCheckerFullCheck_AcceptsEveryVariant(string environment)
    {
        string run = TrainedRuns.Of(environment);
        var env = EnvironmentRegistry.Create(environment);
        int s = env.ObservationSpace.Dimension, a = env.ActionSpace.Dimension;
        string bounds = OnnxExportTests.Export(run, Path.Combine(Root, "bounds.onnx"));
        string raw = OnnxExportTests.Export(run, Path.Combine(Root, "raw.onnx"), "--raw");
        string heads = OnnxExportTests.Export(run, Path.Combine(Root, "heads.onnx"), "--gaussian-head");

        var models = Check(bounds, raw, heads).Select(m => m!).ToDictionary(m => Path.GetFileName(m["path"]!.GetValue<string>()));
        foreach (var (name, model) in models)
        {
            Assert.That(model["ir_version"]!.GetValue<int>(), Is.EqualTo(8), name);
            Assert.That(model["opsets"]![""]!.GetValue<int>(), Is.EqualTo(17), name);
            Assert.That(model["inputs"]!.ToJsonString(), Is.EqualTo($$"""{"obs":["batch",{{s}}]}"""), name);
            Assert.That(model["metadata"]!["environment"]!.GetValue<string>(), Is.EqualTo(environment), name);
        }
        string[] Ops(string name) => models[name]["ops"]!.AsArray().Select(o => o!.GetValue<string>()).ToArray();
        // Only the operators every runtime has: the rescaling adds Mul and Add, the log σ head Clip.
        Assert.That(Ops("bounds.onnx"), Is.EqualTo(new[] { "Add", "Gemm", "Mul", "Relu", "Tanh" }));
        Assert.That(Ops("raw.onnx"), Is.EqualTo(new[] { "Gemm", "Relu", "Tanh" }));
        Assert.That(Ops("heads.onnx"), Is.EqualTo(new[] { "Add", "Clip", "Gemm", "Mul", "Relu", "Tanh" }));
        Assert.That(models["bounds.onnx"]["outputs"]!.ToJsonString(), Is.EqualTo($$"""{"action":["batch",{{a}}]}"""));
        Assert.That(models["heads.onnx"]["outputs"]!.ToJsonString(), Is.EqualTo($$"""{"action":["batch",{{a}}],"mean":["batch",{{a}}],"log_std":["batch",{{a}}]}"""));
        Assert.That(models["raw.onnx"]["metadata"]!["action_output"]!.GetValue<string>(), Is.EqualTo("raw"));
    }
}
