using System.CommandLine;
using Sac.Cli.Commands;
using Sac.Walkthrough;

namespace Sac.Tests.Walkthrough;

/// <summary><c>sac explain</c> prints the worked example from the code, and refuses bad arguments with exit code 2.</summary>
public class ExplainCommandTests
{
    private static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = ExplainCommand.Create().Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    [Test]
    public void Explain_Section5_PrintsTheHeadingThenTheDocsTables()
    {
        var (exit, output, error) = Run("--section", "5");
        Assert.That(exit, Is.EqualTo(0));
        Assert.That(error, Is.Empty);
        Assert.That(output, Is.EqualTo(WorkedExample.Compute().RenderWithHeading(5) + "\n"));
        Assert.That(output, Does.StartWith("## 5. The gradients of J_V, J_Q and J_π (worked example, seed 47)\n\n"));
    }

    [Test]
    public void Explain_WithoutSection_PrintsAllSevenSectionsInOrder()
    {
        var (exit, output, _) = Run();
        Assert.That(exit, Is.EqualTo(0));
        var example = WorkedExample.Compute();
        Assert.That(output, Is.EqualTo(string.Join("\n\n", Enumerable.Range(1, 7).Select(example.RenderWithHeading)) + "\n"));
        var headings = output.Split('\n').Where(l => l.StartsWith("## ", StringComparison.Ordinal)).ToArray();
        Assert.That(headings.Select(h => h[3]), Is.EqualTo("1234567".ToCharArray()));
    }

    [Test]
    public void Explain_Seed_ChangesTheNumbers()
    {
        var (exit, output, _) = Run("--section", "5", "--seed", "3");
        Assert.That(exit, Is.EqualTo(0));
        Assert.That(output, Is.EqualTo(WorkedExample.Compute(3).RenderWithHeading(5) + "\n"));
        Assert.That(output, Is.Not.EqualTo(Run("--section", "5").Output), "another seed gives other weights and ε");
        Assert.That(output, Does.Contain("(worked example, seed 3)"));
    }

    [Test]
    public void Explain_SectionOutOfRange_ExitsTwoWithOneLineOnStderr([Values(0, 8, -1)] int section)
    {
        var (exit, output, error) = Run("--section", section.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(output, Is.Empty);
        Assert.That(error.TrimEnd('\n', '\r').Split('\n'), Has.Length.EqualTo(1));
        Assert.That(error, Does.Contain("--section must be between 1 and 7").And.Contain(section.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Test]
    public void Explain_NegativeSeed_ExitsTwo()
    {
        var (exit, output, error) = Run("--seed", "-5");
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(output, Is.Empty);
        Assert.That(error, Does.Contain("--seed must be ≥ 0"));
    }

    [Test]
    [NonParallelizable]
    public void Explain_DefaultInvocation_WritesToConsoleOut()
    {
        // How the sac command runs it: Parse(...).Invoke() with no configuration writes to Console.Out.
        var previous = Console.Out;
        var captured = new StringWriter();
        try
        {
            Console.SetOut(captured);
            Assert.That(ExplainCommand.Create().Parse(["--section", "6"]).Invoke(), Is.EqualTo(0));
        }
        finally
        {
            Console.SetOut(previous);
        }
        Assert.That(captured.ToString(), Is.EqualTo(WorkedExample.Compute().RenderWithHeading(6) + "\n"));
    }

    [Test]
    public void Create_Command_IsNamedExplainWithSectionAndSeedOptions()
    {
        var command = ExplainCommand.Create();
        Assert.That(command.Name, Is.EqualTo("explain"));
        Assert.That(command.Options.Select(o => o.Name), Is.SupersetOf(new[] { "--section", "--seed" }));
    }
}
