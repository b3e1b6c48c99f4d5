using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Sac.Core.Algorithms;

namespace Sac.Benchmarks;

/// <summary>
/// `Sac.Benchmarks update-timing --config large --algo v2 --threads 1 --updates 200 --repeats 3`: times updates with a
/// stopwatch the same way bench/pytorch/sac_update.py does and prints the same JSON, so bench/compare.sh can alternate
/// the two in one invocation. (BenchmarkDotNet's SacUpdateBenchmarks is the reference measurement.)
/// </summary>
public static class UpdateTiming
{
    /// <summary>Runs the timing; returns the exit code.</summary>
    public static int Run(string[] args)
    {
        string Arg(string name, string fallback)
        {
            int i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }
        var config = Enum.Parse<UpdateConfig>(Arg("--config", "large"), ignoreCase: true);
        var algo = (AlgorithmRegistry.Find(Arg("--algo", "v2")) ?? throw new ArgumentException($"--algo: one of {string.Join(", ", AlgorithmRegistry.All.Select(a => a.Name))}")).Version;
        int threads = int.Parse(Arg("--threads", "1"), CultureInfo.InvariantCulture);
        int updates = int.Parse(Arg("--updates", "100"), CultureInfo.InvariantCulture);
        int repeats = int.Parse(Arg("--repeats", "3"), CultureInfo.InvariantCulture);
        int warmup = int.Parse(Arg("--warmup", "20"), CultureInfo.InvariantCulture);

        var (agent, batch, noise) = SacUpdateSetup.Create(config, algo, threads);
        // Warm up for at least --warmup updates and 3 seconds: the JIT promotes hot methods to fully optimized code in the
        // background (tiered compilation), which takes longer than a few updates.
        var warm = Stopwatch.StartNew();
        for (int i = 0; i < warmup || warm.Elapsed.TotalSeconds < 3; i++)
        {
            batch.DrawNoise(noise, threads);
            agent.Update(batch);
        }
        var perUpdate = new List<double>(repeats);
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        // CPU time as well as wall time: on a shared machine the process's CPU time per update is the steadier figure.
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        for (int r = 0; r < repeats; r++)
        {
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < updates; i++)
            {
                batch.DrawNoise(noise, threads);
                agent.Update(batch);
            }
            perUpdate.Add(clock.Elapsed.TotalMilliseconds / updates);
        }
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        double cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / ((double)updates * repeats);
        double ms = perUpdate.Order().ElementAt(perUpdate.Count / 2);
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            impl = "sac", config = config.ToString().ToLowerInvariant(), algo = AlgorithmRegistry.For(algo).Name, threads,
            ms_per_update = ms, updates_per_s = 1e3 / ms, repeats_ms = perUpdate, cpu_ms_per_update = cpuMs,
            gflops = SacUpdateSetup.Flops(config, algo) / (ms * 1e6), allocated_bytes = allocated,
            isa = Sac.Kernels.KernelIsa.Active.ToString(), dotnet = Environment.Version.ToString(),
        }));
        return 0;
    }
}
