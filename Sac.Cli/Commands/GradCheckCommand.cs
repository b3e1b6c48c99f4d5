using System.CommandLine;
using System.Globalization;
using Sac.Walkthrough.GradChecks;

namespace Sac.Cli.Commands;

/// <summary>`sac gradcheck`: every op and every SAC loss against float64 central differences, as a table.</summary>
public static class GradCheckCommand
{
    private static readonly Option<int> Seed = new("--seed") { Description = "Seed of the random inputs.", DefaultValueFactory = _ => 0 };

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var command = new Command("gradcheck", "Check every op's and every SAC loss's gradient against float64 central differences (h = 1e-6, atol 1e-5, rtol 1e-3).") { Seed };
        command.SetAction(parse => CommandGuard.Guard(parse, () =>
        {
            var output = parse.InvocationConfiguration.Output;
            output.WriteLine($"{"op / loss",-22} {"elements",8} {"max abs err",12} {"max rel err",12}  result");
            int failed = 0;
            foreach (var row in GradCheckReport.Run(parse.GetValue(Seed)))
            {
                var r = row.Result;
                failed += r.Passed ? 0 : 1;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{row.Name,-22} {r.Elements,8} {r.MaxAbsoluteError,12:E2} {r.MaxRelativeError,12:E2}  {(r.Passed ? "pass" : "FAIL: " + r)}"));
            }
            output.WriteLine(failed == 0 ? "All gradients match." : $"{failed} check(s) failed.");
            return failed == 0 ? 0 : 1;
        }));
        return command;
    }
}
