using System.Text.RegularExpressions;
using Sac.Cli.Sweeps;

namespace Sac.Tests.Sweeps;

/// <summary>
/// The sweep files the README and docs/ tell users to run are in the repository (a clean clone has them: an ignore
/// rule once kept them out) and expand into the cells the docs describe.
/// </summary>
public class ShippedSweepFileTests
{
    /// <summary>Every bench/sweeps/*.json path named in README.md or docs/*.md.</summary>
    private static IEnumerable<string> NamedInDocs()
    {
        string root = Repository.Root;
        var docs = Directory.GetFiles(Path.Combine(root, "docs"), "*.md").Append(Path.Combine(root, "README.md"));
        return docs.SelectMany(doc => Regex.Matches(File.ReadAllText(doc), @"bench/sweeps/[\w.-]+\.json").Select(m => m.Value))
            .Distinct().Order(StringComparer.Ordinal);
    }

    [Test]
    public void EverySweepFileTheDocsName_IsInTheRepository_AndExpands()
    {
        var named = NamedInDocs().ToList();
        Assert.That(named, Does.Contain("bench/sweeps/pendulum-v1-v2.json").And.Contain("bench/sweeps/learning-bar.json"));
        foreach (string path in named)
        {
            string file = Path.Combine(Repository.Root, path);
            Assert.That(File.Exists(file), Is.True, $"{path} is named in the docs but not in the repository");
            Assert.That(SweepPlan.Expand(SweepFile.Read(file)).Cells, Is.Not.Empty, path);
        }
    }

    [Test]
    public void LearningBar_IsThePendulumProfile_V1AndV2_FiveSeeds()
    {
        var plan = SweepPlan.Expand(SweepFile.Read(Path.Combine(Repository.Root, "bench/sweeps/learning-bar.json")));
        Assert.That(plan.Cells.Select(c => (c.Config.Algo, c.Config.Seed)), Is.EqualTo(
            from algo in new[] { "v1", "v2" } from seed in Enumerable.Range(0, 5) select (algo, seed)));
        Assert.That(plan.Cells.Select(c => c.Config.Steps).Distinct(), Is.EqualTo(new[] { 20_000L }),
            "the learning bar is 20,000 steps, the Pendulum profile's");
    }
}
