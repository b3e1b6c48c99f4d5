using System.CommandLine;

namespace Sac.Cli;

/// <summary>Entry point of the <c>sac</c> command.</summary>
public static class Program
{
    /// <summary>Parses <paramref name="args"/> and runs the chosen command; returns the process exit code.</summary>
    public static int Main(string[] args) => SacCommand.Build().Parse(args).Invoke();
}
