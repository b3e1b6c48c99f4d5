using System.Diagnostics;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using Sac.Kernels;

namespace Sac.Tests.Kernels;

/// <summary>
/// ISA dispatch: <see cref="KernelIsa.Force"/> switches paths in-process (the GEMM tests use it to cover every path), and
/// <see cref="KernelIsa.Detected"/> follows the hardware (read independently from /proc/cpuinfo) and the knobs .NET 10
/// reads (<c>DOTNET_EnableAVX512=0</c>, <c>DOTNET_EnableAVX2=0</c>), checked in a child process.
/// NOTE: .NET 10 merged AVX512F/BW/CD/DQ/VL into one ISA; <c>DOTNET_EnableAVX512F</c> is no longer read.
/// </summary>
public class GemmIsaTests
{
    [Test]
    public void Force_Scope_SetsAndRestoresActive()
    {
        var before = KernelIsa.Active;
        using (KernelIsa.Force(Isa.Scalar))
            Assert.That(KernelIsa.Active, Is.EqualTo(Isa.Scalar));
        Assert.That(KernelIsa.Active, Is.EqualTo(before));
    }

    [Test]
    public void Detected_WithAvx2DisabledByEnvironment_IsScalar()
    {
        // NOTE: the JIT reads DOTNET_EnableAVX2 once at start-up, so only a fresh process can show it. The child is a
        // three-instruction program emitted here (print KernelIsa.Detected), run with `dotnet exec` next to Sac.Kernels.dll.
        Assert.That(RunProbe(("DOTNET_EnableAVX2", "0")), Is.EqualTo(nameof(Isa.Scalar)));
    }

    [Test]
    public void Detected_InFreshProcess_MatchesThisProcess()
    {
        // Without overrides the child sees the same CPU as this process (unless this process itself was started with one).
        Assume.That(RuntimeIsaKnobs.Where(n => Environment.GetEnvironmentVariable(n) != null), Is.Empty);
        Assert.That(RunProbe(), Is.EqualTo(KernelIsa.Detected.ToString()));
    }

    [Test]
    public void Detected_WithAvx512DisabledByEnvironment_IsAvx2()
    {
        // Both machine kinds have AVX2 + FMA, so switching AVX-512 off must land exactly on the AVX2 path.
        Assume.That(CpuInfo.Has("avx2") && CpuInfo.Has("fma"), "this CPU has no AVX2 + FMA");
        Assert.That(RunProbe(("DOTNET_EnableAVX512", "0")), Is.EqualTo(nameof(Isa.Avx2)));
    }

    [Test]
    public void Detected_WithVectorWidthCappedAt256_IsAvx2()
    {
        // The runtime's documented vector-width preference also keeps the kernels off 512-bit vectors.
        Assume.That(CpuInfo.Has("avx2") && CpuInfo.Has("fma"), "this CPU has no AVX2 + FMA");
        Assert.That(RunProbe(("DOTNET_PreferredVectorBitWidth", "256")), Is.EqualTo(nameof(Isa.Avx2)));
    }

    [Test]
    public void Detected_MatchesTheHardware()
    {
        // The oracle is the kernel's own flag list, not the runtime: on an AVX-512 machine the AVX-512 kernels must really
        // run (not the emulated Vector512 of a narrower path), and on an AVX2 machine the AVX2 kernels.
        // NOTE: on Intel parts before Ice Lake the runtime prefers 256-bit vectors even with AVX-512F (clock throttling);
        // both machine kinds here are AMD, where AVX-512F means Vector512 is accelerated.
        Assume.That(CpuInfo.Available, "no /proc/cpuinfo on this OS");
        Assume.That(RuntimeIsaKnobs.Where(n => Environment.GetEnvironmentVariable(n) != null), Is.Empty);
        Isa expected =
            CpuInfo.Has("avx512f") && CpuInfo.IsAmd ? Isa.Avx512 :
            CpuInfo.Has("avx2") && CpuInfo.Has("fma") ? Isa.Avx2 :
            Isa.Scalar;
        Assume.That(expected != Isa.Avx512 || CpuInfo.IsAmd, "an Intel AVX-512 part, where the runtime may prefer 256 bits");
        Assert.That(KernelIsa.Detected, Is.EqualTo(expected));
    }

    /// <summary>The runtime knobs that change what the JIT reports; cleared in the probe's environment.</summary>
    private static readonly string[] RuntimeIsaKnobs =
        ["DOTNET_EnableAVX2", "DOTNET_EnableAVX512", "DOTNET_EnableAVX512F", "DOTNET_EnableHWIntrinsic", "DOTNET_PreferredVectorBitWidth"];

    private static string ProbeDirectory => Path.Combine(Path.GetTempPath(), $"sac-isa-probe-{Environment.ProcessId}");

    [OneTimeTearDown]
    public void DeleteProbe()
    {
        if (Directory.Exists(ProbeDirectory))
            Directory.Delete(ProbeDirectory, recursive: true);
    }

    /// <summary>Writes the probe program and runs it with the given environment; returns what it printed.</summary>
    private static string RunProbe(params (string Name, string Value)[] environment)
    {
        string dir = ProbeDirectory;
        Directory.CreateDirectory(dir);
        string probe = Path.Combine(dir, "IsaProbe.dll");
        if (!File.Exists(probe))
            WriteProbe(dir, probe);

        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add("--runtimeconfig");
        start.ArgumentList.Add(Path.Combine(dir, "IsaProbe.runtimeconfig.json"));
        start.ArgumentList.Add(probe);
        foreach (var name in RuntimeIsaKnobs)
            start.Environment.Remove(name);
        foreach (var (name, value) in environment)
            start.Environment[name] = value;
        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd().Trim();
        string error = process.StandardError.ReadToEnd();
        Assert.That(process.WaitForExit(60_000), Is.True, "the probe did not finish");
        Assert.That(process.ExitCode, Is.Zero, $"the probe failed: {error}");
        return output;
    }

    private static string DotnetHost()
    {
        // The SDK tells child processes where its host is; otherwise this process may itself be `dotnet`.
        string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host))
            return host;
        string? self = Environment.ProcessPath;
        if (self != null && Path.GetFileNameWithoutExtension(self) == "dotnet")
            return self;
        return "dotnet";
    }

    /// <summary>Emits IsaProbe.dll: <c>static void Main() =&gt; Console.WriteLine(KernelIsa.Detected);</c></summary>
    private static void WriteProbe(string dir, string path)
    {
        var assembly = new PersistedAssemblyBuilder(new AssemblyName("IsaProbe"), typeof(object).Assembly);
        var type = assembly.DefineDynamicModule("IsaProbe").DefineType("Probe", TypeAttributes.Public | TypeAttributes.Class | TypeAttributes.Sealed);
        var main = type.DefineMethod("Main", MethodAttributes.Public | MethodAttributes.Static, typeof(void), Type.EmptyTypes);
        var il = main.GetILGenerator();
        il.Emit(OpCodes.Call, typeof(KernelIsa).GetProperty(nameof(KernelIsa.Detected))!.GetMethod!);
        il.Emit(OpCodes.Box, typeof(Isa));
        il.Emit(OpCodes.Call, typeof(Console).GetMethod(nameof(Console.WriteLine), [typeof(object)])!);
        il.Emit(OpCodes.Ret);
        type.CreateType();

        MetadataBuilder metadata = assembly.GenerateMetadata(out BlobBuilder ilStream, out BlobBuilder fieldData);
        var pe = new ManagedPEBuilder(PEHeaderBuilder.CreateExecutableHeader(), new MetadataRootBuilder(metadata), ilStream,
            mappedFieldData: fieldData, entryPoint: MetadataTokens.MethodDefinitionHandle(main.MetadataToken));
        var blob = new BlobBuilder();
        pe.Serialize(blob);
        using (var file = File.Create(path))
            blob.WriteContentTo(file);

        // The probe needs Sac.Kernels beside it (the host probes the app directory) and a runtime to run on: this one.
        string kernels = typeof(KernelIsa).Assembly.Location;
        File.Copy(kernels, Path.Combine(dir, Path.GetFileName(kernels)), overwrite: true);
        var version = Environment.Version;
        File.WriteAllText(Path.Combine(dir, "IsaProbe.runtimeconfig.json"),
            $$"""{ "runtimeOptions": { "tfm": "net{{version.Major}}.{{version.Minor}}", "framework": { "name": "Microsoft.NETCore.App", "version": "{{version.Major}}.{{version.Minor}}.0" } } }""");
    }
}
