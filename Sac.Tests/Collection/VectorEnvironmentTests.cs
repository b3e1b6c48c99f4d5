using Sac.Core;
using Sac.Core.Environments;

namespace Sac.Tests.Collection;

/// <summary>
/// <see cref="VectorEnvironment"/> against the same copies stepped one by one by hand, Gymnasium's and SB3's way:
/// copy i seeded with seed + i, a finished copy reset on the spot with its true last observation kept, and the same
/// results whether the copies step on one thread or over the worker pool.
/// </summary>
public class VectorEnvironmentTests
{
    /// <summary>A task that terminates at random: its state counts down from a random start (its own Rng) to 0.</summary>
    internal sealed class Countdown : IEnvironment
    {
        private Rng? _rng;
        private int _left;
        private int _t;

        public string Id => "Countdown-v0";
        public Box ObservationSpace { get; } = new([-10f, 0f], [10f, 100f]);
        public Box ActionSpace { get; } = new([-1f], [1f]);

        public void Reset(Span<float> observation, int? seed = null)
        {
            _rng = EnvironmentSeeding.ForReset(_rng, seed);
            _left = 1 + _rng.NextInt(9);
            _t = 0;
            observation[0] = _left;
            observation[1] = _t;
        }

        public StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
        {
            _left--;
            _t++;
            observation[0] = _left + action[0];
            observation[1] = _t;
            return new StepResult(action[0] - 0.1 * _t, _left == 0, false);
        }
    }

    private static IEnvironment Make(string id) => id == "Countdown-v0" ? new CheckedEnvironment(new TimeLimit(new Countdown(), 6)) : EnvironmentRegistry.Create(id);

    [TestCase("Pendulum-v1", 3, false)]
    [TestCase("Pendulum-v1", 3, true)]
    [TestCase("Countdown-v0", 4, false)]
    [TestCase("Countdown-v0", 4, true)]
    public void Step_MatchesTheCopiesSteppedByHand(string id, int copies, bool parallel)
    {
        var vector = new VectorEnvironment(Enumerable.Range(0, copies).Select(_ => Make(id)).ToArray(), threads: 2);
        if (parallel)
            vector.StepInParallelForTesting();
        var alone = Enumerable.Range(0, copies).Select(_ => Make(id)).ToArray();
        int o = vector.ObservationSpace.Dimension, a = vector.ActionSpace.Dimension;
        var observations = new float[copies * o];
        var finals = new float[copies * o];
        var results = new StepResult[copies];
        var actions = new float[copies * a];
        vector.Reset(observations, seed: 41);
        var expected = new float[o];
        for (int i = 0; i < copies; i++)
        {
            alone[i].Reset(expected, 41 + i);
            Assert.That(observations.AsSpan(i * o, o).ToArray(), Is.EqualTo(expected), $"copy {i} is seeded with 41 + {i}");
        }
        Assert.That(observations.AsSpan(0, o).ToArray(), Is.Not.EqualTo(observations.AsSpan(o, o).ToArray()), "the copies start differently");

        var rng = new Rng(3);
        int terminations = 0, truncations = 0;
        for (int step = 0; step < 450; step++)
        {
            for (int j = 0; j < actions.Length; j++)
                actions[j] = (float)rng.Uniform(-2, 2);
            vector.Step(actions, observations, finals, results);
            for (int i = 0; i < copies; i++)
            {
                var result = alone[i].Step(actions.AsSpan(i * a, a), expected);
                Assert.That(results[i], Is.EqualTo(result), $"step {step}, copy {i}");
                if (result.Terminated || result.Truncated)
                {
                    terminations += result.Terminated ? 1 : 0;
                    truncations += result.Truncated ? 1 : 0;
                    Assert.That(finals.AsSpan(i * o, o).ToArray(), Is.EqualTo(expected), $"step {step}, copy {i}: the true last observation");
                    alone[i].Reset(expected); // unseeded: each copy continues its own stream
                }
                Assert.That(observations.AsSpan(i * o, o).ToArray(), Is.EqualTo(expected), $"step {step}, copy {i}");
            }
        }
        Assert.That(truncations, Is.GreaterThan(0));
        if (id == "Countdown-v0")
            Assert.That(terminations, Is.GreaterThan(100));
    }

    [Test]
    public void TimingDecides_AndCheapStepsStayOnTheCallingThread()
    {
        var vector = VectorEnvironment.Create("Pendulum-v1", 4, threads: 2);
        var observations = new float[4 * 3];
        vector.Reset(observations, 0);
        for (int i = 0; i < VectorEnvironment.TimedSteps + 5; i++)
            vector.Step(new float[4], observations, new float[12], new StepResult[4]);
        Assert.That(vector.SteppingInParallel, Is.False, "a Pendulum step costs nanoseconds: handing it to a worker does not pay");
    }

    [Test]
    public void BadCopiesAndSpans_AreRefusedWithAClearMessage()
    {
        var shared = EnvironmentRegistry.Create("Pendulum-v1");
        Assert.That(() => new VectorEnvironment([shared, shared]), Throws.ArgumentException.With.Message.Contains("same instance"));
        Assert.That(() => new VectorEnvironment([EnvironmentRegistry.Create("Pendulum-v1"), EnvironmentRegistry.Create("MountainCarContinuous-v0")]),
            Throws.ArgumentException.With.Message.Contains("same task"));
        Assert.That(() => new VectorEnvironment([]), Throws.ArgumentException);
        var vector = VectorEnvironment.Create("Pendulum-v1", 2);
        Assert.That(() => vector.Reset(new float[3]), Throws.ArgumentException.With.Message.Contains("2 copies × 3 values"));
        vector.Reset(new float[6], 1);
        Assert.That(() => vector.Step(new float[1], new float[6], new float[6], new StepResult[2]), Throws.ArgumentException);
        Assert.That(() => vector.Step(new float[2], new float[6], new float[6], new StepResult[1]), Throws.ArgumentException);
        Assert.That(VectorEnvironment.CopySeed(int.MaxValue, 1), Is.Zero, "seeds wrap into the non-negative ints");
    }

    [Test]
    public void State_RoundTripsEveryCopy()
    {
        var vector = VectorEnvironment.Create("Pendulum-v1", 3);
        var observations = new float[9];
        vector.Reset(observations, 5);
        var actions = new float[3] { 0.5f, -1f, 2f };
        for (int i = 0; i < 50; i++)
            vector.Step(actions, observations, new float[9], new StepResult[3]);
        var state = vector.SaveState();
        var copy = VectorEnvironment.Create("Pendulum-v1", 3);
        copy.RestoreState(state);
        var a = new float[9];
        var b = new float[9];
        for (int i = 0; i < 200; i++)
        {
            vector.Step(actions, a, new float[9], new StepResult[3]);
            copy.Step(actions, b, new float[9], new StepResult[3]);
            Assert.That(b, Is.EqualTo(a));
        }
        Assert.That(() => VectorEnvironment.Create("Pendulum-v1", 2).RestoreState(state), Throws.TypeOf<EnvironmentException>().With.Message.Contains("3 copies"));
    }
}
