using System.CommandLine;
using Sac.Cli.Reports;
using Sac.Cli.Runs;

namespace Sac.Cli.Commands;

/// <summary>
/// `sac report DIR…`: the finished runs under the directories, per environment × algorithm × option cell, as the
/// interquartile mean over seeds with its 95 % stratified-bootstrap interval, the median and the range (Agarwal et al.
/// 2021), with each seed's value and what the runs cost; report.md, report.csv and the learning curves with their bands
/// and any published anchors (--anchors), as PNG and SVG.
/// </summary>
public static class ReportCommand
{
    private static readonly Argument<string[]> Directories = new("DIR") { Description = "Sweep directories, folders of runs, or runs.", Arity = ArgumentArity.OneOrMore };
    private static readonly Option<string?> Out = new("--out") { Description = "Where report.md, report.csv and curves-<env>.png/.svg go (default DIR/report for the first DIR)." };
    private static readonly Option<int> Resamples = new("--resamples") { Description = "Bootstrap resamples of each interval in the table.", DefaultValueFactory = _ => Statistics.DefaultResamples };
    private static readonly Option<int> Seed = new("--seed") { Description = "Seed of the bootstrap (fixed, so a report is reproducible).", DefaultValueFactory = _ => (int)Statistics.DefaultSeed };
    private static readonly Option<string?> AnchorsFile = new("--anchors") { Description = "A JSON file of published results to draw on the curves and list under the tables (e.g. bench/anchors/mujoco-1m.json)." };

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var command = new Command("report", "Aggregate finished runs over seeds: IQM with a 95 % stratified-bootstrap CI, median, min, max and each seed's final and best evaluation; wall-clock per 1M steps, steps/s and machines; learning curves with IQM bands and published anchors.")
        {
            Directories, Out, Resamples, Seed, AnchorsFile,
        };
        command.SetAction(parse => CommandGuard.Guard(parse, () =>
        {
            var output = parse.InvocationConfiguration.Output;
            string[] sources = parse.GetValue(Directories)!;
            int resamples = parse.GetValue(Resamples);
            if (resamples is < 100 or > 1_000_000)
                throw new UsageException($"--resamples must be between 100 and 1000000, got {resamples}.");
            int seed = parse.GetValue(Seed);
            if (seed < 0)
                throw new UsageException($"--seed must be ≥ 0, got {seed}.");
            string outDirectory = new RunDirectory(parse.GetValue(Out) ?? Path.Combine(sources[0], "report"), "--out").Path;
            if (File.Exists(outDirectory))
                throw new UsageException($"--out {outDirectory} is a file, not a directory.");
            // Every input is checked before anything is written.
            string? anchorsFile = parse.GetValue(AnchorsFile);
            var anchors = anchorsFile is null ? AnchorSet.None : Anchors.Load(anchorsFile);
            var (groups, skipped) = RunResults.Collect(sources);
            if (groups.Count == 0)
                throw new UsageException($"No finished runs under {string.Join(", ", sources)} (a run is finished once its summary.json covers its config's steps){(skipped.Count > 0 ? $"; {skipped.Count} left out, e.g. {skipped[0]}" : "")}.");
            var rows = Report.Rows(groups, resamples, (ulong)seed);
            string markdown = Report.Write(rows, new Report.Inputs(skipped, sources, resamples, (ulong)seed, anchors, anchorsFile), outDirectory);
            output.Write(markdown);
            output.WriteLine($"\nWrote {Path.Combine(outDirectory, "report.md")}, report.csv and {string.Join(", ", rows.Select(r => r.Group.Env).Distinct().Select(e => $"curves-{Sweeps.RunName.Sanitize(e)}.png/.svg"))}.");
            return 0;
        }));
        return command;
    }
}
