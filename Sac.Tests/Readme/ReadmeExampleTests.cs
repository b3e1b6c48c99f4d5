using System.Text.RegularExpressions;

namespace Sac.Tests.Readme;

/// <summary>The README's library example is this project's ReadmeExample.cs, verbatim, and it trains.</summary>
public class ReadmeExampleTests
{
    /// <summary>The lines between // &lt;tag&gt; and // &lt;/tag&gt;, with their common indentation removed.</summary>
    internal static string Region(string source, string tag)
    {
        var match = Regex.Match(source, $@"// <{tag}>\r?\n(.*?)\r?\n[ \t]*// </{tag}>", RegexOptions.Singleline);
        Assert.That(match.Success, Is.True, $"region {tag} not found");
        var lines = match.Groups[1].Value.Replace("\r", "").Split('\n');
        int indent = lines.Where(l => l.Trim().Length > 0).Min(l => l.Length - l.TrimStart().Length);
        return string.Join("\n", lines.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart()));
    }

    [Test]
    public void Readme_LibraryExample_IsTheCompiledExample()
    {
        string source = File.ReadAllText(Repository.File("Sac.Tests/Readme/ReadmeExample.cs"));
        string readme = File.ReadAllText(Repository.File("README.md")).Replace("\r", "");
        Assert.That(readme, Does.Contain(Region(source, "readme-environment")), "README must show PointEnv exactly as compiled here");
        Assert.That(readme, Does.Contain(Region(source, "readme-training")), "README must show the training lines exactly as compiled here");
    }

    [Test]
    public void Readme_LibraryExample_Trains()
    {
        var trainer = ReadmeExample.Train();
        // From x₀ ~ U(−2, 2) a do-nothing policy scores about −50·E[x²] ≈ −67 over 50 steps; moving to 0 scores near −10.
        Assert.That(trainer.LastEvaluation!.MeanReturn, Is.GreaterThan(-25));
        Assert.That(trainer.Steps, Is.EqualTo(3_000));
    }
}
