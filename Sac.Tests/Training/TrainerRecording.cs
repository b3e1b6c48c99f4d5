using Sac.Core.Training;

namespace Sac.Tests.Training;

/// <summary>What bitwise-resume tests compare between a run and its reference: the returns it reports and its weights.</summary>
internal static class TrainerRecording
{
    /// <summary>Appends every episode's and evaluation's return <paramref name="trainer"/> reports, in order, to
    /// <paramref name="returns"/> (a new list when null, so a resumed trainer continues its first part's list).</summary>
    public static List<double> Observe(Trainer trainer, List<double>? returns = null)
    {
        returns ??= [];
        trainer.EpisodeCompleted += e => returns.Add(e.Return);
        trainer.EvaluationCompleted += e => returns.Add(e.MeanReturn);
        return returns;
    }

    /// <summary>Every parameter of the agent (trained sets and targets, in the PyTorch fixtures' order), as bytes.</summary>
    public static byte[] Weights(Trainer trainer) =>
        Sac.Tests.Core.PyTorchFixture.AllParameters(trainer.Agent).SelectMany(t => t.Span.ToArray()).SelectMany(BitConverter.GetBytes).ToArray();
}
