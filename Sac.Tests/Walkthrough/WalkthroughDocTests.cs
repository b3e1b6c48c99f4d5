using System.CommandLine;
using System.Reflection;
using System.Text.RegularExpressions;
using Sac.Cli.Commands;
using Sac.Walkthrough;

namespace Sac.Tests.Walkthrough;

/// <summary>
/// docs/walkthrough.md cannot go stale: every number of its worked example is regenerated here and compared with the
/// doc's text, every command it shows is run, and every file and member it points to exists.
/// <para>
/// To regenerate the doc's tables after changing the engine or the example, run the Walkthrough tests with
/// <c>SAC_UPDATE_DOCS=1</c>: <see cref="Doc_WorkedExampleBlocks_MatchAFreshRendering"/> then rewrites the text between
/// the markers instead of failing.
/// </para>
/// </summary>
public partial class WalkthroughDocTests
{
    private const string DocPath = "docs/walkthrough.md";

    private static string ReadDoc() => File.ReadAllText(Repository.File(DocPath)).ReplaceLineEndings("\n");

    private static string OpenMarker(int section) => $"<!-- worked-example:section-{section} -->";

    private const string CloseMarker = "<!-- /worked-example -->";

    /// <summary>The text between section <paramref name="section"/>'s markers, without the blank lines around it.</summary>
    private static (int Start, int End) BlockRange(string doc, int section)
    {
        string open = OpenMarker(section);
        int first = doc.IndexOf(open, StringComparison.Ordinal);
        Assert.That(first, Is.GreaterThanOrEqualTo(0), $"{DocPath} has no {open}");
        Assert.That(doc.IndexOf(open, first + open.Length, StringComparison.Ordinal), Is.EqualTo(-1), $"{DocPath} has {open} twice");
        int start = first + open.Length;
        int end = doc.IndexOf(CloseMarker, start, StringComparison.Ordinal);
        Assert.That(end, Is.GreaterThan(start), $"{DocPath}: {open} is not closed by {CloseMarker}");
        return (start, end);
    }

    [Test]
    public void Doc_WorkedExampleBlocks_MatchAFreshRendering()
    {
        var example = WorkedExample.Compute(WorkedExample.DefaultSeed);
        string doc = ReadDoc();
        if (Environment.GetEnvironmentVariable("SAC_UPDATE_DOCS") == "1")
        {
            // Rewrite from the last section backwards so earlier offsets stay valid.
            for (int section = WorkedExample.SectionCount; section >= 1; section--)
            {
                var (start, end) = BlockRange(doc, section);
                doc = doc[..start] + "\n\n" + example.Render(section) + "\n\n" + doc[end..];
            }
            File.WriteAllText(Repository.File(DocPath), doc);
            TestContext.Out.WriteLine($"SAC_UPDATE_DOCS=1: rewrote the worked-example blocks of {DocPath}.");
            doc = ReadDoc();
        }
        for (int section = 1; section <= WorkedExample.SectionCount; section++)
        {
            var (start, end) = BlockRange(doc, section);
            Assert.That(doc[start..end].Trim('\n'), Is.EqualTo(example.Render(section)),
                $"{DocPath}, section {section}: the worked example differs from what the code computes. " +
                "Regenerate with: SAC_UPDATE_DOCS=1 dotnet test Sac.Tests -c Release --filter FullyQualifiedName~Walkthrough");
        }
    }

    [Test]
    public void Doc_Sections_AreInOrderWithTheTitlesExplainPrints()
    {
        string doc = ReadDoc();
        var headings = doc.Split('\n').Where(l => HeadingPattern().IsMatch(l)).ToArray();
        Assert.That(headings, Is.EqualTo(Enumerable.Range(1, WorkedExample.SectionCount).Select(n => $"## {n}. {WorkedExample.Title(n)}")));
        // Each section's worked example sits inside that section.
        int previous = -1;
        for (int n = 1; n <= WorkedExample.SectionCount; n++)
        {
            int heading = doc.IndexOf($"\n## {n}. ", StringComparison.Ordinal);
            int block = doc.IndexOf(OpenMarker(n), StringComparison.Ordinal);
            int next = n < WorkedExample.SectionCount ? doc.IndexOf($"\n## {n + 1}. ", StringComparison.Ordinal) : doc.Length;
            Assert.That(heading, Is.GreaterThan(previous), $"section {n} is out of order");
            Assert.That(block, Is.InRange(heading, next), $"section {n}'s worked example is outside section {n}");
            previous = heading;
        }
    }

    [Test]
    public void Doc_ExplainCommands_PrintWhatTheDocSays()
    {
        // Every `sac explain` command line in the doc's shell blocks runs (through the command the CLI wires in) and
        // prints its heading followed by exactly the doc's block of that section for that seed.
        string doc = ReadDoc();
        var commands = ShellCommands(doc).Where(c => c.Contains(" explain", StringComparison.Ordinal)).ToList();
        Assert.That(commands, Does.Contain("dotnet run -c Release --project Sac.Cli -- explain --section 5"));
        foreach (var command in commands)
        {
            Assert.That(command, Does.StartWith("dotnet run -c Release --project Sac.Cli -- explain"), command);
            var args = command["dotnet run -c Release --project Sac.Cli -- explain".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var output = new StringWriter();
            int exit = ExplainCommand.Create().Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = new StringWriter() });
            Assert.That(exit, Is.EqualTo(0), command);
            var parse = ExplainCommand.Create().Parse(args);
            int seed = parse.GetValue<int>("--seed");
            int? section = parse.GetValue<int?>("--section");
            var example = WorkedExample.Compute(seed);
            var sections = section is int one ? [one] : Enumerable.Range(1, WorkedExample.SectionCount);
            Assert.That(output.ToString(), Is.EqualTo(string.Join("\n\n", sections.Select(example.RenderWithHeading)) + "\n"), command);
            // "the three columns keep agreeing", whatever the seed: no check line of the output says ✗.
            Assert.That(output.ToString(), Does.Contain("✓").And.Not.Contain("✗"), command);
            if (seed == WorkedExample.DefaultSeed && section is int s)
                Assert.That(doc, Does.Contain(example.Render(s)), $"{command} prints a block the doc does not hold");
        }
    }

    [Test]
    public void Doc_TestCommands_AreTheOnesThatRunTheseTests()
    {
        var commands = ShellCommands(ReadDoc()).Where(c => c.Contains("dotnet test", StringComparison.Ordinal)).ToList();
        Assert.That(commands, Is.SupersetOf(new[]
        {
            "dotnet test Sac.Tests -c Release --filter FullyQualifiedName~Walkthrough",
            "SAC_UPDATE_DOCS=1 dotnet test Sac.Tests -c Release --filter FullyQualifiedName~Walkthrough",
        }));
        // This class and the other walkthrough tests live in the namespace the filter selects.
        Assert.That(typeof(WalkthroughDocTests).FullName, Does.Contain("Walkthrough"));
        Assert.That(typeof(WorkedExampleTests).FullName, Does.Contain("Walkthrough"));
    }

    [Test]
    public void Doc_FilePointers_Exist()
    {
        var paths = FilePattern().Matches(ReadDoc()).Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.That(paths, Is.Not.Empty);
        foreach (var path in paths)
            Assert.That(File.Exists(Repository.File(path)) || Directory.Exists(Repository.File(path)), Is.True, $"{DocPath} points to {path}, which does not exist");
    }

    [Test]
    public void Doc_MemberPointers_Exist()
    {
        // `Type.Member` in the doc, where Type is a type of the engine or the CLI, must name a real member.
        var types = new[] { typeof(Sac.Core.Algorithms.Algorithm<>).Assembly, typeof(Sac.Autodiff.Tape<>).Assembly,
                typeof(Sac.Kernels.OptimizerKernels).Assembly, typeof(ExplainCommand).Assembly }
            .SelectMany(a => a.GetTypes())
            .GroupBy(t => t.Name.Split('`')[0])
            .ToDictionary(g => g.Key, g => g.ToArray());
        int checkedPointers = 0;
        foreach (Match m in MemberPattern().Matches(ReadDoc()))
        {
            string typeName = m.Groups[1].Value, member = m.Groups[2].Value;
            if (!types.TryGetValue(typeName, out var candidates))
                continue;
            const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static;
            Assert.That(candidates.Any(t => t.GetMember(member, all).Length > 0 || t.GetNestedType(member, all) is not null), Is.True,
                $"{DocPath} points to {typeName}.{member}, which does not exist");
            checkedPointers++;
        }
        Assert.That(checkedPointers, Is.GreaterThanOrEqualTo(15), "the doc should point to the members that implement each section");
    }

    /// <summary>Lines of the doc's ```sh blocks.</summary>
    private static IEnumerable<string> ShellCommands(string doc) =>
        ShellBlockPattern().Matches(doc).SelectMany(m => m.Groups[1].Value.Split('\n')).Select(l => l.Trim()).Where(l => l.Length > 0);

    [GeneratedRegex(@"^## \d+\. ")]
    private static partial Regex HeadingPattern();

    [GeneratedRegex(@"```sh\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex ShellBlockPattern();

    [GeneratedRegex(@"`((?:Sac\.[A-Za-z]+|docs|bench)/[\w./]+)`")]
    private static partial Regex FilePattern();

    [GeneratedRegex(@"`([A-Z]\w*)\.([A-Z]\w*)`")]
    private static partial Regex MemberPattern();
}
