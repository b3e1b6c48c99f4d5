using System.Text.RegularExpressions;

namespace Sac.Tests.Sweeps;

/// <summary>
/// Every committed report (results/&lt;name&gt;/report/report.csv) regenerates from the repository: each run it names
/// has its small files committed beside it. An ignore rule once kept all of them out (results/LOST.md); the folders
/// listed there are the only exceptions, and a listed folder that has its runs again must leave the list.
/// </summary>
public class ShippedResultsTests
{
    private static string ResultsDir => Repository.File("results");

    /// <summary>The folder names listed in results/LOST.md ("- name" lines).</summary>
    private static HashSet<string> Lost() =>
        File.ReadAllLines(Path.Combine(ResultsDir, "LOST.md"))
            .Select(line => Regex.Match(line, @"^- ([\w.-]+)\s*$")).Where(m => m.Success)
            .Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

    /// <summary>The run folders a report.csv names (its last column, ';'-separated), relative to results/.</summary>
    private static IEnumerable<string> RunsNamedBy(string reportCsv)
    {
        var lines = File.ReadAllLines(reportCsv);
        int column = lines[0].Split(',').ToList().IndexOf("runs");
        Assert.That(column, Is.GreaterThanOrEqualTo(0), $"{reportCsv} has no runs column");
        foreach (string line in lines.Skip(1).Where(l => l.Length > 0))
            foreach (string run in line.Split(',')[column].Split(';'))
            {
                int at = run.Replace('\\', '/').LastIndexOf("/results/", StringComparison.Ordinal);
                Assert.That(at, Is.GreaterThanOrEqualTo(0), $"{reportCsv}: run {run} is not under results/");
                yield return run.Replace('\\', '/')[(at + "/results/".Length)..];
            }
    }

    private static IEnumerable<string> Reports() =>
        Directory.GetDirectories(ResultsDir).Where(d => File.Exists(Path.Combine(d, "report", "report.csv")))
            .Order(StringComparer.Ordinal);

    [Test]
    public void EveryRunACommittedReportNames_HasItsFilesCommitted()
    {
        var lost = Lost();
        var reports = Reports().ToList();
        Assert.That(reports, Is.Not.Empty);
        foreach (string dir in reports)
        {
            if (lost.Contains(Path.GetFileName(dir))) continue;
            foreach (string run in RunsNamedBy(Path.Combine(dir, "report", "report.csv")))
                foreach (string file in new[] { "config.json", "progress.csv", "summary.json" })
                    Assert.That(File.Exists(Path.Combine(ResultsDir, run, file)), Is.True,
                        $"results/{run}/{file} is named by results/{Path.GetFileName(dir)}/report but not committed");
        }
    }

    [Test]
    public void EveryFolderListedAsLost_ExistsAndHasNoRuns()
    {
        var lost = Lost();
        Assert.That(lost, Is.Not.Empty, "results/LOST.md lists no folder: delete it and this test");
        foreach (string name in lost)
        {
            Assert.That(Directory.Exists(Path.Combine(ResultsDir, name)), Is.True, $"results/{name} is listed as lost but does not exist");
            Assert.That(Directory.Exists(Path.Combine(ResultsDir, name, "runs")), Is.False,
                $"results/{name} has its runs again: remove it from results/LOST.md");
        }
    }

    [Test]
    public void TheRunsFolderOfAResult_IsNotIgnoredByGit()
    {
        string gitignore = File.ReadAllText(Repository.File(".gitignore"));
        Assert.That(Regex.IsMatch(gitignore, @"^runs/?\s*$", RegexOptions.Multiline), Is.False,
            ".gitignore's unanchored 'runs/' matches results/<name>/runs/ too; anchor it as '/runs/'");
    }
}
