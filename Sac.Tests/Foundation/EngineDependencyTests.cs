using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Sac.Tests.Foundation;

/// <summary>The engine (Kernels, Autodiff, Core) depends on System.Numerics.Tensors and nothing else.</summary>
public class EngineDependencyTests
{
    private static readonly string[] EngineProjects = ["Sac.Kernels", "Sac.Autodiff", "Sac.Core"];
    private const string OnlyAllowedPackage = "System.Numerics.Tensors";

    [TestCaseSource(nameof(EngineProjects))]
    public void EngineProject_RestoredPackages_AreOnlySystemNumericsTensors(string project)
    {
        // project.assets.json lists every package the restore resolved for the project, transitive ones included.
        var assets = Path.Combine(Repository.Root, project, "obj", "project.assets.json");
        Assert.That(File.Exists(assets), Is.True, $"{assets} is missing: restore the solution first.");
        using var json = JsonDocument.Parse(File.ReadAllText(assets));
        var packages = json.RootElement.GetProperty("libraries").EnumerateObject()
            .Where(library => library.Value.GetProperty("type").GetString() == "package")
            .Select(library => library.Name.Split('/')[0])
            .ToArray();
        Assert.That(packages, Is.SubsetOf(new[] { OnlyAllowedPackage }), $"{project} pulls in packages beyond {OnlyAllowedPackage}.");
    }

    [TestCaseSource(nameof(EngineProjects))]
    public void EngineAssembly_References_AreFrameworkEngineOrTensorsOnly(string project)
    {
        // Every assembly the compiled engine references must ship with the runtime, be part of the engine, or be the one package.
        var assembly = Assembly.Load(project);
        var runtimeDir = RuntimeEnvironment.GetRuntimeDirectory();
        var foreign = assembly.GetReferencedAssemblies()
            .Select(reference => reference.Name!)
            .Where(name => !EngineProjects.Contains(name) && name != OnlyAllowedPackage)
            .Where(name => !File.Exists(Path.Combine(runtimeDir, name + ".dll")))
            .ToArray();
        Assert.That(foreign, Is.Empty, $"{project} references assemblies that are neither framework, engine nor {OnlyAllowedPackage}.");
    }
}
