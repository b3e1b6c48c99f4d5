using BenchmarkDotNet.Running;

namespace Sac.Benchmarks;

/// <summary>Runs the suites chosen with <c>--filter</c>; see docs/benchmarks.md.</summary>
public static class Program
{
    /// <summary>Hands the arguments to BenchmarkDotNet's switcher.</summary>
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
