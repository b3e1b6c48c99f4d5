using Sac.Cli.Runs;
using Sac.Core.Environments;
using Sac.Core.Inference;
using Sac.Core.Training;
using Sac.Tests.Readme;

namespace Sac.Tests.Deployment;

/// <summary>The README's inference example is Sac.Tests/Readme/ReadmeInferenceExample.cs, verbatim, and it plays `sac eval`'s episode.</summary>
public class ReadmeInferenceExampleTests
{
    [Test]
    public void Readme_InferenceExample_IsTheCompiledExample()
    {
        string source = File.ReadAllText(Repository.File("Sac.Tests/Readme/ReadmeInferenceExample.cs"));
        string readme = File.ReadAllText(Repository.File("README.md")).Replace("\r", "");
        Assert.That(readme, Does.Contain(ReadmeExampleTests.Region(source, "readme-inference")), "README must show the episode loop exactly as compiled here");
        Assert.That(readme, Does.Contain(ReadmeExampleTests.Region(source, "readme-inference-batch")), "README must show the batch exactly as compiled here");
    }

    [Test]
    public void Readme_InferenceExample_PlaysTheEpisodeSacEvalPlays()
    {
        string run = TrainedRuns.Of("Pendulum-v1");
        double played = ReadmeInferenceExample.PlayOneEpisode(run);
        // `sac eval --seed 1 --episodes 1`'s episode: the trainer's policy, acting through PolicyActor.
        var (_, trainer) = SavedCheckpoint.Find(new RunDirectory(run, "--run"), null).Load();
        double expected = Evaluation.Run(trainer.Agent, EnvironmentRegistry.Create("Pendulum-v1"), 1, deterministic: true, noise: null, seed: 1).Returns[0];
        Assert.That(played, Is.EqualTo(expected), "the same actions bit for bit, so the same return");
    }

    [Test]
    public void Readme_InferenceExample_ActsOnABatchAsOnEachRow()
    {
        string run = TrainedRuns.Of("Pendulum-v1");
        var (observations, actions) = ReadmeInferenceExample.ActOnABatch(run);
        var policy = TrainedPolicy.LoadRun(run);
        var one = new float[1];
        for (int r = 0; r < 256; r++)
        {
            policy.Act(observations.AsSpan(r * 3, 3), one);
            // One row and 256 rows take different GEMM paths (GEMV, tiles), so the sums may round differently.
            Assert.That(actions[r], Is.EqualTo(one[0]).Within(1e-5f), $"row {r}");
        }
        Assert.That(actions.Distinct().Count(), Is.GreaterThan(100), "it acted on each row");
    }
}
