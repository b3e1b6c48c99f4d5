using System.CommandLine;
using Sac.Walkthrough;

namespace Sac.Cli.Commands;

/// <summary>
/// <c>sac explain [--section N] [--seed S]</c>: prints the worked example of docs/walkthrough.md, computed now by the
/// engine, by the walkthrough's hand formulas and by finite differences. With the default seed the output is the doc's
/// text; another seed gives other weights, batch and ε, so a reader can check that the agreement is no accident.
/// </summary>
public static class ExplainCommand
{
    /// <summary>Builds the <c>explain</c> command. Exit code 0 on success, 2 (one line on stderr) for a bad section or seed.</summary>
    public static Command Create()
    {
        var section = new Option<int?>("--section")
        {
            Description = $"Print only this section of the walkthrough (1 to {WorkedExample.SectionCount}); all sections when omitted.",
        };
        var seed = new Option<int>("--seed")
        {
            Description = "Seed of the example's weights, batch and noise ε (≥ 0).",
            DefaultValueFactory = _ => WorkedExample.DefaultSeed,
        };
        var command = new Command("explain", "Print the walkthrough's worked example: every gradient of one SAC update by hand formula, autodiff and finite difference.")
        {
            section,
            seed,
        };
        command.SetAction(parseResult =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            int? only = parseResult.GetValue(section);
            int s = parseResult.GetValue(seed);
            if (only is int n && n is < 1 or > WorkedExample.SectionCount)
            {
                error.WriteLine($"sac: error: --section must be between 1 and {WorkedExample.SectionCount}, got {n}.");
                return 2;
            }
            if (s < 0)
            {
                error.WriteLine($"sac: error: --seed must be ≥ 0, got {s}.");
                return 2;
            }
            var example = WorkedExample.Compute(s);
            var sections = only is int one ? [one] : Enumerable.Range(1, WorkedExample.SectionCount);
            output.Write(string.Join("\n\n", sections.Select(example.RenderWithHeading)) + "\n");
            return 0;
        });
        return command;
    }
}
