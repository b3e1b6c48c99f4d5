using Sac.Core.Algorithms;
using Sac.Core.Environments;
using Sac.Core.Training;

namespace Sac.Tests.Readme;

// The README's "Linking the engine" example. ReadmeExampleTests checks that README.md shows exactly the text between
// the markers, and runs it, so the snippet can neither stop compiling nor stop working.

// <readme-environment>
// A 1-D point that should move to 0: observation [x], action a ∈ [−1, 1] moves it by 0.1·a, reward −x².
sealed class PointEnv : IEnvironment
{
    private float _x;
    private Random _rng = new();
    public string Id => "Point-v0";
    public Box ObservationSpace { get; } = new([-10f], [10f]);
    public Box ActionSpace { get; } = new([-1f], [1f]);
    public void Reset(Span<float> obs, int? seed = null)
    {
        if (seed is int s) _rng = new Random(s);
        obs[0] = _x = (float)(_rng.NextDouble() * 4 - 2);
    }
    public StepResult Step(ReadOnlySpan<float> action, Span<float> obs)
    {
        obs[0] = _x = Math.Clamp(_x + 0.1f * action[0], -10f, 10f);
        return new StepResult(Reward: -_x * _x, Terminated: false, Truncated: false);
    }
}
// </readme-environment>

internal static class ReadmeExample
{
    public static Trainer Train()
    {
        // <readme-training>
        var trainer = new Trainer(new TimeLimit(new PointEnv(), 50), new TimeLimit(new PointEnv(), 50),
            new SacOptions { HiddenSizes = [64, 64] }, new TrainerOptions { TotalSteps = 3_000, Seed = 1 });
        trainer.EvaluationCompleted += e => Console.WriteLine($"step {e.Step}: return {e.MeanReturn:F2}");
        trainer.Run();
        // </readme-training>
        return trainer;
    }
}
