using BenchmarkDotNet.Running;

namespace Sac.Benchmarks;

/// <summary>Runs the suites chosen with <c>--filter</c>; see docs/benchmarks.md.</summary>
public static class Program
{
    /// <summary>Hands the arguments to BenchmarkDotNet's switcher, or runs the stopwatch timing used by bench/compare.sh.</summary>
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "update-timing")
            return UpdateTiming.Run(args);
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
