using System.Text.Json;

namespace Sac.Tests.Foundation;

/// <summary>ONNX Runtime checks and races the exports (tests, benchmarks, the sample) and stays out of the engine and the `sac` tool.</summary>
public class OnnxRuntimeBoundaryTests
{
    private static readonly string[] Shipped = ["Sac.Kernels", "Sac.Autodiff", "Sac.Core", "Sac.Mujoco", "Sac.Render", "Sac.Walkthrough", "Sac.Cli"];

    [TestCaseSource(nameof(Shipped))]
    public void OnnxRuntime_RestoredPackagesOfWhatShips_LeaveItOut(string project)
    {
        // project.assets.json lists every package the restore resolved for the project, transitive ones included.
        string assets = Path.Combine(Repository.Root, project, "obj", "project.assets.json");
        Assert.That(File.Exists(assets), Is.True, $"{assets} is missing: restore the solution first.");
        using var json = JsonDocument.Parse(File.ReadAllText(assets));
        var packages = json.RootElement.GetProperty("libraries").EnumerateObject().Select(library => library.Name.Split('/')[0]).ToArray();
        Assert.That(packages, Has.None.StartsWith("Microsoft.ML.OnnxRuntime"), $"{project} pulls in ONNX Runtime");
        // The oracle works: the test project itself does resolve it.
        using var tests = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Root, "Sac.Tests", "obj", "project.assets.json")));
        Assert.That(tests.RootElement.GetProperty("libraries").EnumerateObject().Select(l => l.Name), Has.Some.StartsWith("Microsoft.ML.OnnxRuntime/"));
    }
}
