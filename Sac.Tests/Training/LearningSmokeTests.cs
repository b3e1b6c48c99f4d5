using Sac.Core.Algorithms;
using Sac.Core.Environments;
using Sac.Core.Training;

namespace Sac.Tests.Training;

/// <summary>
/// A quick check that the agent learns at all: a few thousand Pendulum steps with small networks must beat the
/// untrained policy clearly. This is not the learning bar (docs/results.md has that, from `sac train`).
/// </summary>
public class LearningSmokeTests
{
    [Test]
    public void Trainer_PendulumFewThousandSteps_ImprovesOnUntrainedPolicy([Values(SacVersion.V1, SacVersion.V2)] SacVersion version)
    {
        var sac = new SacOptions
        {
            Version = version, HiddenSizes = [64, 64], LearningStarts = 200,
            ActorLearningRate = 1e-3, CriticLearningRate = 1e-3, ValueLearningRate = 1e-3, AlphaLearningRate = 1e-3,
        };
        var trainer = new Trainer(EnvironmentRegistry.Create("Pendulum-v1"), EnvironmentRegistry.Create("Pendulum-v1"), sac,
            new TrainerOptions { TotalSteps = 4000, Seed = 3, EvalEvery = 0, EvalEpisodes = 10 });
        double untrained = trainer.Evaluate(10).MeanReturn;

        var trained = trainer.Run()!;

        TestContext.Out.WriteLine($"{version}: untrained {untrained:F0}, after 4000 steps {trained.MeanReturn:F0} ± {trained.StdReturn:F0}");
        // An untrained policy scores about −1200 to −1600 on Pendulum; learning to swing up lifts the mean by hundreds.
        Assert.That(trained.MeanReturn, Is.GreaterThan(untrained + 300));
    }
}
