using System.Globalization;
using System.Text.Json.Nodes;
using Sac.Kernels;

namespace Sac.Cli.Runs;

/// <summary>
/// The machine a run (or a segment of one) trained on: its CPU as /proc/cpuinfo names it, the microarchitecture read
/// from the CPU's family and model numbers (cloud VMs often say only "AMD EPYC"), the instruction set Sac's kernels use,
/// and the cores the process may use. Speeds are only comparable between runs of one kind.
/// </summary>
/// <param name="Cpu">The "model name" line.</param>
/// <param name="Vendor">The "vendor_id" line (AuthenticAMD, GenuineIntel).</param>
/// <param name="Family">The CPU family number.</param>
/// <param name="Model">The CPU model number.</param>
/// <param name="Kind">The microarchitecture ("Zen 4"), or "unknown".</param>
/// <param name="Isa">The widest vector instruction set the kernels run (AVX-512, AVX2, scalar).</param>
/// <param name="Cores">Logical cores available to the process.</param>
public sealed record MachineInfo(string Cpu, string Vendor, int? Family, int? Model, string Kind, string Isa, int Cores)
{
    /// <summary>This machine, read once.</summary>
    public static MachineInfo Current { get; } = Read();

    /// <summary>As summary.json and the checkpoints' run_history.json hold it.</summary>
    public JsonObject ToJson() => new()
    {
        ["cpu"] = Cpu, ["vendor"] = Vendor, ["family"] = Family, ["model"] = Model, ["kind"] = Kind, ["isa"] = Isa, ["cores"] = Cores,
    };

    /// <summary>One line: "Zen 4 (AMD EPYC, family 25 model 17), AVX-512, 2 cores".</summary>
    public override string ToString() => $"{Kind} ({Cpu}, family {Family?.ToString(CultureInfo.InvariantCulture) ?? "?"} model {Model?.ToString(CultureInfo.InvariantCulture) ?? "?"}), {Isa}, {Cores} cores";

    /// <summary>
    /// The AMD microarchitecture of a family/model pair, from AMD's processor programming references: family 17h is Zen
    /// and Zen 2, 19h is Zen 3 (models 00–0Fh, 20–2Fh, 40–5Fh) or Zen 4 (models 10–1Fh, 60–7Fh, A0–AFh), 1Ah is Zen 5.
    /// </summary>
    public static string KindOf(string vendor, int? family, int? model)
    {
        if (vendor != "AuthenticAMD" || family is not int f || model is not int m)
            return "unknown";
        return f switch
        {
            0x17 => m < 0x30 ? "Zen/Zen+" : "Zen 2",
            0x19 when m is <= 0x0F or (>= 0x20 and <= 0x2F) or (>= 0x40 and <= 0x5F) => "Zen 3",
            0x19 when m is (>= 0x10 and <= 0x1F) or (>= 0x60 and <= 0x7F) or (>= 0xA0 and <= 0xAF) => "Zen 4",
            0x1A => "Zen 5",
            _ => "unknown",
        };
    }

    private static MachineInfo Read()
    {
        string cpu = "unknown", vendor = "unknown";
        int? family = null, model = null;
        try
        {
            // The first processor's block is enough: a VM's vCPUs are all of one kind.
            foreach (string line in File.ReadLines("/proc/cpuinfo").TakeWhile(l => l.Length > 0))
            {
                int colon = line.IndexOf(':');
                if (colon < 0)
                    continue;
                string key = line[..colon].Trim(), value = line[(colon + 1)..].Trim();
                switch (key)
                {
                    case "model name":
                        cpu = value;
                        break;
                    case "vendor_id":
                        vendor = value;
                        break;
                    case "cpu family" when int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int f):
                        family = f;
                        break;
                    case "model" when int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int m):
                        model = m;
                        break;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not Linux, or no /proc: the kind stays unknown.
        }
        string isa = KernelIsa.Detected switch
        {
            Sac.Kernels.Isa.Avx512 => "AVX-512",
            Sac.Kernels.Isa.Avx2 => "AVX2",
            _ => "scalar",
        };
        return new MachineInfo(cpu, vendor, family, model, KindOf(vendor, family, model), isa, Environment.ProcessorCount);
    }
}
