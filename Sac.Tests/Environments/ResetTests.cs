using Sac.Core;
using Sac.Core.Environments;

namespace Sac.Tests.Environments;

/// <summary>Reset distributions and Gymnasium's seeding rule for the built-in environments.</summary>
public class ResetTests
{
    private const int Seeds = 2000;

    [Test]
    public void PendulumReset_OverManySeeds_CoversThetaInMinusPiPiAndThetaDotInMinusOneOne()
    {
        var env = new Pendulum();
        var observation = new float[3];
        double minTheta = double.MaxValue, maxTheta = double.MinValue, minThetaDot = double.MaxValue, maxThetaDot = double.MinValue;
        var thetaBins = new int[10];
        for (int seed = 0; seed < Seeds; seed++)
        {
            env.Reset(observation, seed);
            // θ recovered from the float32 observation: good to ~1e-7, plenty for a range check.
            double theta = Math.Atan2(observation[1], observation[0]);
            double thetaDot = observation[2];
            (minTheta, maxTheta) = (Math.Min(minTheta, theta), Math.Max(maxTheta, theta));
            (minThetaDot, maxThetaDot) = (Math.Min(minThetaDot, thetaDot), Math.Max(maxThetaDot, thetaDot));
            thetaBins[Math.Clamp((int)((theta + Math.PI) / (2 * Math.PI) * 10), 0, 9)]++;
            Assert.That(Math.Abs(thetaDot), Is.LessThanOrEqualTo(1.0), $"seed {seed}");
        }
        // Covered: the extremes come within 1% of both ends (≈ 1 in 10^8 chance of failing if uniform).
        Assert.That(minTheta, Is.LessThan(-Math.PI + 0.063));
        Assert.That(maxTheta, Is.GreaterThan(Math.PI - 0.063));
        Assert.That(minThetaDot, Is.LessThan(-0.98));
        Assert.That(maxThetaDot, Is.GreaterThan(0.98));
        // Uniform, not just wide: each tenth of the circle gets 200 ± 50 (about 3.7 standard deviations).
        Assert.That(thetaBins, Has.All.InRange(150, 250));
    }

    [Test]
    public void MountainCarReset_OverManySeeds_CoversPositionInMinus06Minus04WithZeroVelocity()
    {
        var env = new MountainCarContinuous();
        var observation = new float[2];
        float min = float.MaxValue, max = float.MinValue;
        for (int seed = 0; seed < Seeds; seed++)
        {
            env.Reset(observation, seed);
            Assert.That(observation[0], Is.InRange(-0.6f, -0.4f), $"seed {seed}");
            Assert.That(observation[1], Is.EqualTo(0f), $"seed {seed}");
            (min, max) = (Math.Min(min, observation[0]), Math.Max(max, observation[0]));
        }
        Assert.That(min, Is.LessThan(-0.598f));
        Assert.That(max, Is.GreaterThan(-0.402f));
    }

    [Test]
    public void PendulumReset_WithSeed_DrawsThetaThenThetaDotFromRngOfThatSeed()
    {
        var env = new Pendulum();
        env.Reset(new float[3], seed: 7);
        var rng = new Rng(7);
        double theta = rng.Uniform(-Math.PI, Math.PI);
        double thetaDot = rng.Uniform(-1, 1);
        Assert.That(env.State, Is.EqualTo((theta, thetaDot)));
    }

    [Test]
    public void MountainCarReset_WithSeed_DrawsPositionFromRngOfThatSeed()
    {
        var env = new MountainCarContinuous();
        env.Reset(new float[2], seed: 7);
        Assert.That(env.State, Is.EqualTo((new Rng(7).Uniform(-0.6, -0.4), 0.0)));
    }

    private static IEnvironment[] BuiltIns() => [new Pendulum(), new MountainCarContinuous()];

    [TestCaseSource(nameof(BuiltIns))]
    public void Reset_SameSeed_GivesIdenticalFirstObservation(IEnvironment env)
    {
        var first = new float[env.ObservationSpace.Dimension];
        var second = new float[env.ObservationSpace.Dimension];
        env.Reset(first, seed: 42);
        env.Step(new float[env.ActionSpace.Dimension], second); // move away, so the second reset must really restore
        env.Reset(second, seed: 42);
        Assert.That(second, Is.EqualTo(first));
    }

    [TestCaseSource(nameof(BuiltIns))]
    public void Reset_DifferentSeeds_GiveDifferentFirstObservations(IEnvironment env)
    {
        var seen = new HashSet<float>();
        var observation = new float[env.ObservationSpace.Dimension];
        for (int seed = 0; seed < 100; seed++)
        {
            env.Reset(observation, seed);
            Assert.That(seen.Add(observation[0]), Is.True, $"seed {seed} repeats an earlier first observation");
        }
    }

    [TestCaseSource(nameof(BuiltIns))]
    public void Reset_WithoutSeed_ContinuesTheSeededStream(IEnvironment env)
    {
        var dimension = env.ObservationSpace.Dimension;
        var seeded = new float[dimension];
        var next = new float[dimension];
        env.Reset(seeded, seed: 3);
        env.Reset(next);
        // A different start (the stream moved on), yet reproducible: the same two resets give the same pair again.
        Assert.That(next, Is.Not.EqualTo(seeded));
        var again = new float[dimension];
        env.Reset(again, seed: 3);
        env.Reset(again);
        Assert.That(again, Is.EqualTo(next));
    }

    [TestCaseSource(nameof(BuiltIns))]
    public void Reset_NegativeSeed_Throws(IEnvironment env)
    {
        Assert.That(() => env.Reset(new float[env.ObservationSpace.Dimension], seed: -1),
            Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("non-negative"));
    }
}
