using System.Runtime.InteropServices;
using Sac.Kernels;

/// <summary>
/// Prints which machine the run came from before any test: the ISA the kernels dispatch to, its FMA width, the CPU
/// and the runtime. A log read later names its machine kind (AVX2 or AVX-512) in its first lines.
/// </summary>
[SetUpFixture]
public sealed class TestRunHeader
{
    [OneTimeSetUp]
    public void PrintMachine()
    {
        var isa = KernelIsa.Detected;
        TestContext.Progress.WriteLine(
            $"sac tests: ISA {isa}, FMA width {KernelIsa.FmaWidth(isa)} floats, {Environment.ProcessorCount} cores, " +
            $"CPU '{CpuInfo.ModelName}', {RuntimeInformation.FrameworkDescription}");
    }
}

/// <summary>The CPU as Linux describes it in /proc/cpuinfo: an oracle for ISA detection that does not go through .NET.</summary>
internal static class CpuInfo
{
    private static readonly string[] Lines = File.Exists("/proc/cpuinfo") ? File.ReadAllLines("/proc/cpuinfo") : [];

    /// <summary>True when /proc/cpuinfo could be read (Linux).</summary>
    public static bool Available => Lines.Length > 0;

    /// <summary>True when the first CPU's <c>flags</c> line lists <paramref name="flag"/> (e.g. <c>avx512f</c>).</summary>
    public static bool Has(string flag) => Field("flags").Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(flag);

    /// <summary>True for an AMD CPU (vendor_id AuthenticAMD).</summary>
    public static bool IsAmd => Field("vendor_id") == "AuthenticAMD";

    /// <summary>The model name, or "unknown".</summary>
    public static string ModelName => Available ? Field("model name") : "unknown";

    private static string Field(string name)
    {
        foreach (string line in Lines)
        {
            int colon = line.IndexOf(':');
            if (colon > 0 && line[..colon].Trim() == name)
                return line[(colon + 1)..].Trim();
        }
        return "";
    }
}
