using System.Text.Json.Nodes;
using Sac.Tests.Deployment;

namespace Sac.Tests.Cli;

/// <summary>`sac eval --diagnose` and `--json`: the same episodes as a plain `sac eval`, the diagnosis printed and
/// written, and bad paths refused with one line and exit code 2.</summary>
public class EvalDiagnoseTests : CliTestBase
{
    [Test]
    public void EvalDiagnose_PrintsThePlainEvalsLine_ThenTheDiagnosis_AndWritesItAsJson()
    {
        string run = TrainedRuns.Of("Pendulum-v1");
        var plain = Sac("eval", "--run", run, "--episodes", "3", "--stochastic", "--seed", "5");
        Assert.That(plain.Code, Is.Zero, plain.Err);
        string json = Path.Combine(Root, "diagnosis.json");
        var diagnosed = Sac("eval", "--run", run, "--episodes", "3", "--stochastic", "--seed", "5", "--json", json);
        Assert.That(diagnosed.Code, Is.Zero, diagnosed.Err);

        var lines = diagnosed.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines[0], Is.EqualTo(plain.Out.Trim()), "the same episodes, the same line");
        Assert.That(diagnosed.Out, Does.Contain("endings: every episode reached the time limit"));
        Assert.That(diagnosed.Out, Does.Contain("value: no state has a known return").And.Contain("≥ 459 steps"));
        Assert.That(diagnosed.Out, Does.Contain("policy: α ").And.Contain("entropy"));
        Assert.That(diagnosed.Out, Does.Contain("episode 3: ").And.Contain("in 200 steps, time limit"));

        var root = JsonNode.Parse(File.ReadAllText(json))!.AsObject();
        Assert.That((string?)root["format"], Is.EqualTo("sac-eval-diagnosis-1"));
        Assert.That((bool?)root["deterministic"], Is.False);
        var episodes = root["episodes"]!.AsArray();
        Assert.That(episodes, Has.Count.EqualTo(3));
        Assert.That(episodes.Select(e => (int)e!["length"]!), Is.All.EqualTo(200));
        Assert.That(episodes.Select(e => e!["finalObservation"]!.AsArray().Count), Is.All.EqualTo(3), "Pendulum's (cos θ, sin θ, θ̇)");
        double mean = episodes.Average(e => (double)e!["return"]!);
        Assert.That((double)root["meanReturn"]!, Is.EqualTo(mean).Within(1e-9 * Math.Abs(mean)));
        Assert.That(root["value"]!["meanQ"], Is.Null, "no state qualifies: null, never NaN");
        Assert.That((int)root["value"]!["states"]!, Is.Zero);
    }

    [Test]
    public void EvalJson_IntoAMissingDirectoryOrOntoADirectory_IsAUsageError()
    {
        string run = TrainedRuns.Of("Pendulum-v1");
        AssertUsageError(Sac("eval", "--run", run, "--episodes", "1", "--json", Path.Combine(Root, "no-such-dir", "d.json")), "--json", "does not exist");
        AssertUsageError(Sac("eval", "--run", run, "--episodes", "1", "--json", Root), "--json", "is a directory");
    }
}
