using Sac.Core;
using Sac.Core.Environments;

namespace Sac.Tests.Environments;

/// <summary>MountainCarContinuous-v0 against hand-computed numbers and against <see cref="GymnasiumOracle"/>.</summary>
public class MountainCarContinuousTests
{
    /// <summary>A new MountainCarContinuous reset with <paramref name="seed"/>, and its first observation.</summary>
    private static (MountainCarContinuous Env, float[] Observation) Seeded(int seed) => SeededEnvironment.Create(new MountainCarContinuous(), seed);

    private static (StepResult Result, float[] Observation, MountainCarContinuous Env) StepFrom(double position, double velocity, float action)
    {
        var env = new MountainCarContinuous();
        env.Reset(new float[2], seed: 0);
        env.State = (position, velocity);
        var observation = new float[2];
        StepResult result = env.Step([action], observation);
        return (result, observation, env);
    }

    /// <summary>
    /// Steps with <paramref name="action"/> and checks the reward, termination and observation against
    /// <see cref="GymnasiumOracle.MountainCarStep"/> from (<paramref name="position"/>, <paramref name="velocity"/>).
    /// </summary>
    /// <returns>The oracle's next state, and whether it reached the goal.</returns>
    private static (double Position, double Velocity, bool Terminated) StepAgainstOracle(
        MountainCarContinuous env, float[] observation, double position, double velocity, float action, int step)
    {
        StepResult result = env.Step([action], observation);
        var expected = GymnasiumOracle.MountainCarStep(position, velocity, action);
        Assert.That(result.Reward, Is.EqualTo(expected.Reward), $"reward at step {step}");
        Assert.That(result.Terminated, Is.EqualTo(expected.Terminated), $"terminated at step {step}");
        Assert.That(observation, Is.EqualTo(new[] { expected.Position, expected.Velocity }), $"observation at step {step}");
        return (expected.Position, expected.Velocity, result.Terminated);
    }

    [Test]
    public void Step_FullForceFromValleyAtRest_MatchesHandComputedNumbers()
    {
        // x = −0.5, v = 0, a = 1:
        //   v′ = 0 + (1·0.0015 − 0.0025·cos(−1.5)) = 0.0015 − 0.0025·0.0707372016677029 = 0.0015 − 0.000176843004169257
        //      = 0.0013231569958307428
        //   x′ = −0.5 + v′ = −0.49867684300416926;  r = −0.1·1² = −0.1;  not at the goal.
        var (result, observation, env) = StepFrom(-0.5, 0.0, 1f);
        Assert.That(result, Is.EqualTo(new StepResult(-0.1, false, false)));
        // The state is kept as float32, as Gymnasium's np.array([position, velocity], dtype=np.float32).
        Assert.That(env.State, Is.EqualTo(((double)(float)-0.49867684300416926, (double)(float)0.0013231569958307428)));
        Assert.That(observation, Is.EqualTo(new[] { -0.4986768364906311f, 0.0013231569901108742f }));
    }

    [Test]
    public void Step_HittingLeftWallWhileMovingLeft_StopsTheCar()
    {
        // x = −1.19, v = −0.07, a = −1: v′ = −0.07 − 0.0015 − 0.0025·cos(−3.57) < −0.07 → −0.07; x′ = −1.26 → −1.2 (wall);
        // the collision is inelastic, so v′ = 0.
        var (result, observation, _) = StepFrom(-1.19, -0.07, -1f);
        Assert.That(observation, Is.EqualTo(new[] { -1.2f, 0f }));
        Assert.That(result.Reward, Is.EqualTo(-0.1).Within(1e-15));
    }

    [Test]
    public void Step_AtLeftWallMovingRight_KeepsVelocity()
    {
        // x = −1.2, v = 0, a = 1: v′ = 0.0015 − 0.0025·cos(−3.6) = 0.0015 + 0.0022368... > 0, so the wall rule does not apply.
        var (_, observation, _) = StepFrom(-1.2, 0.0, 1f);
        double expectedVelocity = 0.0015 - 0.0025 * Math.Cos(-3.6);
        Assert.That(observation[1], Is.EqualTo((float)expectedVelocity));
        Assert.That(observation[1], Is.GreaterThan(0f));
    }

    [Test]
    public void Step_FastAndPushing_ClipsVelocityThenPosition()
    {
        // x = −0.5, v = 0.069, a = 1: v′ = 0.069 + 0.0013231... > 0.07 → 0.07; x′ = −0.5 + 0.07 = −0.43.
        var (_, observation, _) = StepFrom(-0.5, 0.069, 1f);
        Assert.That(observation, Is.EqualTo(new[] { (float)-0.43, (float)0.07 }));
    }

    [Test]
    public void Step_PastRightEnd_ClipsPositionAndTerminatesWithGoalReward()
    {
        // x = 0.59, v = 0.07, a = 1: v′ = 0.07 (clipped), x′ = 0.66 → 0.6; 0.6 ≥ 0.45 and 0.07 ≥ 0 → terminated,
        // r = 100 − 0.1·1² = 99.9.
        var (result, observation, _) = StepFrom(0.59, 0.07, 1f);
        Assert.That(observation[0], Is.EqualTo((float)0.6));
        Assert.That(result.Terminated, Is.True);
        Assert.That(result.Truncated, Is.False);
        Assert.That(result.Reward, Is.EqualTo(99.9).Within(1e-12));
    }

    [Test]
    public void Step_ReachingGoalWithOutOfRangeAction_PenalizesTheUnclippedAction()
    {
        // x = 0.44, v = 0.01, a = 3 (force clipped to 1): x′ = 0.45087956137086904 ≥ 0.45 → terminated.
        // Gymnasium's penalty is math.pow(action[0], 2)·0.1 on the raw action: r = 100 − 0.1·3² = 99.1, not 99.9.
        var (result, observation, _) = StepFrom(0.44, 0.01, 3f);
        Assert.That(result.Terminated, Is.True);
        Assert.That(result.Reward, Is.EqualTo(99.1).Within(1e-12));
        Assert.That(observation[0], Is.EqualTo(0.4508795738220215f));
    }

    [Test]
    public void Step_OutOfRangeAction_PushesLikeTheBoundButCostsItsSquare()
    {
        var (clipped, clippedObservation, _) = StepFrom(-0.3, 0.01, -4f);
        var (bound, boundObservation, _) = StepFrom(-0.3, 0.01, -1f);
        Assert.That(clippedObservation, Is.EqualTo(boundObservation), "a force of −4 is clipped to −1 in the dynamics");
        Assert.That(bound.Reward, Is.EqualTo(-0.1).Within(1e-15));
        Assert.That(clipped.Reward, Is.EqualTo(-1.6).Within(1e-15), "the penalty is −0.1·(−4)², on the unclipped action");
    }

    [Test]
    public void Step_JustPastGoal_TerminatesOnFloat64PositionAlthoughObservationReadsBelow()
    {
        // From x = float32(0.44), a = 1 the velocity gains 0.0008795613535470918. With these two float32 velocities, one
        // ulp apart, x′ lands on either side of 0.45 in float64: 0.44999999907992555 and 0.4500000000112481. Both round to
        // the same float32 0.44999998807907104, yet Gymnasium decides termination on the float64 value, before rounding.
        var (below, belowObservation, _) = StepFrom((float)0.44, 0.009120440110564232, 1f);
        var (above, aboveObservation, _) = StepFrom((float)0.44, 0.009120441041886806, 1f);
        Assert.That(belowObservation[0], Is.EqualTo(aboveObservation[0]));
        Assert.That(aboveObservation[0], Is.EqualTo(0.44999998807907104f).And.LessThan(0.45));
        Assert.That(below.Terminated, Is.False);
        Assert.That(above.Terminated, Is.True);
    }

    [Test]
    public void Step_ConstantFullForceFromReset_NeverReachesTheGoal()
    {
        // The engine is too weak to climb straight out: 0.0015 < 0.0025 at the steepest point, so the car only swings
        // around the balance point cos(3x) = 0.6 (x ≈ −0.31) and never gets near 0.45.
        foreach (int seed in new[] { 0, 1, 2, 3, 4 })
        {
            var env = new MountainCarContinuous();
            var observation = new float[2];
            env.Reset(observation, seed);
            float maxPosition = observation[0];
            for (int t = 0; t < 999; t++)
            {
                StepResult result = env.Step([1f], observation);
                Assert.That(result.Terminated, Is.False, $"seed {seed}, step {t + 1}");
                maxPosition = Math.Max(maxPosition, observation[0]);
            }
            Assert.That(maxPosition, Is.LessThan(0.2f), $"seed {seed}");
        }
    }

    [Test]
    public void Step_PushingWithTheVelocity_ReachesTheGoalAndEndsWithGoalReward()
    {
        // Bang-bang on the sign of v pumps energy in every half-swing; it reaches the flag well within 999 steps.
        var (env, observation) = Seeded(5);
        for (int t = 1; t <= 999; t++)
        {
            float action = observation[1] >= 0 ? 1f : -1f;
            StepResult result = env.Step([action], observation);
            if (result.Terminated)
            {
                Assert.That(result.Reward, Is.EqualTo(99.9).Within(1e-12), "100 − 0.1·1²");
                Assert.That(observation[0], Is.GreaterThanOrEqualTo(0.4499999f));
                Assert.That(t, Is.LessThan(300));
                return;
            }
            Assert.That(result.Reward, Is.EqualTo(-0.1).Within(1e-15));
        }
        Assert.Fail("The bang-bang policy never reached the goal.");
    }

    [Test]
    public void Step_SeededOpenLoopTrajectory_MatchesOracleExactly()
    {
        var (env, observation) = Seeded(77);
        // The reset state is a float64 draw (Gymnasium rounds only from the first step on), so read it from the env.
        var (position, velocity) = env.State;
        Assert.That(observation, Is.EqualTo(new[] { (float)position, (float)velocity }));
        Assert.That(velocity, Is.EqualTo(0.0));

        var actions = new Rng(123);
        for (int t = 0; t < 999; t++)
        {
            float action = (float)actions.Uniform(-1.6, 1.6);
            (position, velocity, _) = StepAgainstOracle(env, observation, position, velocity, action, t + 1);
            Assert.That(env.ObservationSpace.Contains(observation), Is.True, $"observation in bounds at step {t + 1}");
        }
    }

    [Test]
    public void Step_SeededClosedLoopTrajectoryToTheGoal_MatchesOracleExactly()
    {
        var (env, observation) = Seeded(8);
        var (position, velocity) = env.State;
        bool reachedGoal = false;
        for (int t = 0; t < 999 && !reachedGoal; t++)
        {
            // Over-driven bang-bang (±1.3, clipped to ±1): reaches the goal, and every step's penalty is 0.169.
            float action = observation[1] >= 0 ? 1.3f : -1.3f;
            (position, velocity, reachedGoal) = StepAgainstOracle(env, observation, position, velocity, action, t + 1);
        }
        Assert.That(reachedGoal, Is.True);
    }

    [Test]
    public void Step_AfterAStep_StateIsHeldAsFloat32()
    {
        var (_, _, env) = StepFrom(-0.52345678912345, 0.0123456789123, 0.3f);
        var (position, velocity) = env.State;
        Assert.That(position, Is.EqualTo((double)(float)position));
        Assert.That(velocity, Is.EqualTo((double)(float)velocity));
    }

    [Test]
    public void Spaces_MatchGymnasiumBounds()
    {
        var env = new MountainCarContinuous();
        Assert.That(env.Id, Is.EqualTo("MountainCarContinuous-v0"));
        Assert.That(env.ObservationSpace.Low.ToArray(), Is.EqualTo(new[] { -1.2f, -0.07f }));
        Assert.That(env.ObservationSpace.High.ToArray(), Is.EqualTo(new[] { 0.6f, 0.07f }));
        Assert.That(env.ActionSpace.Low.ToArray(), Is.EqualTo(new[] { -1f }));
        Assert.That(env.ActionSpace.High.ToArray(), Is.EqualTo(new[] { 1f }));
    }
}
