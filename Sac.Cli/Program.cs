using System.CommandLine;
using Sac.Cli.Commands;

namespace Sac.Cli;

/// <summary>Entry point of the <c>sac</c> command.</summary>
public static class Program
{
    /// <summary>Parses <paramref name="args"/> and runs the chosen command; returns the process exit code.</summary>
    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>
    /// Runs the command line with the given writers (tests pass their own). Bad input (an unknown option or command, a value
    /// that does not parse) is one line on stderr and exit code 2, never a stack trace.
    /// </summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var root = SacCommand.Build();
        var configuration = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false };
        if (args.Length == 0)
            return root.Parse(["--help"]).Invoke(configuration);
        // An unknown command is named as such, even with --help after it (which would otherwise print the root's help).
        if (!args[0].StartsWith('-') && !root.Subcommands.Any(c => c.Name == args[0] || c.Aliases.Contains(args[0])))
            return CommandGuard.Report(error, "sac: error: ", $"unknown command '{args[0]}'; the commands are {string.Join(", ", root.Subcommands.Select(c => c.Name))} (see 'sac --help')", 2);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            string command = parse.CommandResult.Command == root ? "sac" : $"sac {parse.CommandResult.Command.Name}";
            return CommandGuard.Report(error, "sac: error: ", $"{Readable(parse.Errors[0].Message)} (see '{command} --help')", 2);
        }
        return parse.Invoke(configuration);
    }

    /// <summary>Replaces .NET type names in System.CommandLine's messages with words a user knows.</summary>
    private static string Readable(string message) => System.Text.RegularExpressions.Regex.Replace(message,
        @"as expected type '([^']*)'", m => m.Groups[1].Value switch
        {
            var t when t.Contains("Int32") || t.Contains("Int64") => "as an integer",
            var t when t.Contains("Double") => "as a number",
            var t when t.Contains("Boolean") => "as true or false",
            _ => "as a valid value",
        });
}
