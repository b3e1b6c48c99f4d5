using Sac.Core;
using Sac.Core.Environments;

namespace Sac.Tests.Environments;

/// <summary>Pendulum-v1 against hand-computed numbers and against <see cref="GymnasiumOracle"/>.</summary>
public class PendulumTests
{
    /// <summary>A new Pendulum reset with <paramref name="seed"/>, and its first observation.</summary>
    private static (Pendulum Env, float[] Observation) Seeded(int seed) => SeededEnvironment.Create(new Pendulum(), seed);

    private static (StepResult Result, float[] Observation, Pendulum Env) StepFrom(double theta, double thetaDot, float action, double gravity = 10.0)
    {
        var env = new Pendulum(gravity);
        env.Reset(new float[3], seed: 0);
        env.State = (theta, thetaDot);
        var observation = new float[3];
        StepResult result = env.Step([action], observation);
        return (result, observation, env);
    }

    [Test]
    public void Step_FromHorizontalAtRest_FallsAwayFromUpright()
    {
        // θ = π/2 (horizontal), θ̇ = 0, u = 0:
        //   r  = −(normalize(π/2)² + 0 + 0) = −(π/2)² = −2.4674011002723395
        //   θ̇′ = 0 + (3·10/(2·1)·sin(π/2) + 3·0)·0.05 = 15·0.05 = 0.75      (g = 10, not 9.81; dt = 0.05)
        //   θ′ = π/2 + 0.75·0.05 = π/2 + 0.0375                               (θ grows: gravity pulls away from θ = 0)
        var (result, observation, env) = StepFrom(Math.PI / 2, 0.0, 0f);
        Assert.That(result.Reward, Is.EqualTo(-2.4674011002723395).Within(1e-15));
        Assert.That(env.State.ThetaDot, Is.EqualTo(0.75).Within(1e-15));
        Assert.That(env.State.Theta, Is.EqualTo(Math.PI / 2 + 0.0375).Within(1e-15));
        // obs = [cos(π/2 + 0.0375), sin(π/2 + 0.0375), 0.75] = [−sin 0.0375, cos 0.0375, 0.75] in float32.
        Assert.That(observation, Is.EqualTo(new[] { -0.03749120980501175f, 0.9992969632148743f, 0.75f }));
        Assert.That(result.Terminated || result.Truncated, Is.False, "Pendulum never ends an episode by itself.");
    }

    [Test]
    public void Step_FullTorqueUpright_PinsTorqueGainAndCost()
    {
        // θ = 0, θ̇ = 0, u = 2:  r = −0.001·2² = −0.004;  θ̇′ = (0 + 3/(1·1²)·2)·0.05 = 0.3;  θ′ = 0.3·0.05 = 0.015.
        var (result, _, env) = StepFrom(0.0, 0.0, 2f);
        Assert.That(result.Reward, Is.EqualTo(-0.004).Within(1e-15));
        Assert.That(env.State.ThetaDot, Is.EqualTo(0.3).Within(1e-15));
        Assert.That(env.State.Theta, Is.EqualTo(0.015).Within(1e-15));
    }

    [TestCase(5f, 2f)]
    [TestCase(-100f, -2f)]
    public void Step_TorqueOutsideBounds_IsClippedInDynamicsAndCost(float action, float clipped)
    {
        var (outside, outsideObservation, outsideEnv) = StepFrom(0.3, -0.2, action);
        var (inside, insideObservation, insideEnv) = StepFrom(0.3, -0.2, clipped);
        // Clipping happens before both the dynamics and the cost, so the out-of-range action is indistinguishable from ±2.
        Assert.That(outsideEnv.State, Is.EqualTo(insideEnv.State));
        Assert.That(outsideObservation, Is.EqualTo(insideObservation));
        Assert.That(outside.Reward, Is.EqualTo(inside.Reward));
        // And the cost uses u = ±2: 0.001·4 = 0.004 of it, not 0.001·action².
        double stateCost = 0.3 * 0.3 + 0.1 * 0.04;
        Assert.That(outside.Reward, Is.EqualTo(-(stateCost + 0.004)).Within(1e-15));
    }

    [Test]
    public void Step_NearMaxSpeed_ClipsThetaDotBeforeAdvancingTheta()
    {
        // θ = π/2, θ̇ = 7.9, u = 2:  θ̇′ = 7.9 + (15 + 6)·0.05 = 8.95 → clipped to 8;  θ′ = π/2 + 8·0.05 = π/2 + 0.4.
        //   r = −((π/2)² + 0.1·7.9² + 0.001·4) = −(2.4674011002723395 + 6.241 + 0.004) = −8.71240110027234 (pre-step θ̇).
        var (result, observation, env) = StepFrom(Math.PI / 2, 7.9, 2f);
        Assert.That(env.State.ThetaDot, Is.EqualTo(8.0));
        Assert.That(env.State.Theta, Is.EqualTo(Math.PI / 2 + 0.4).Within(1e-15), "θ must advance with the clipped new θ̇.");
        Assert.That(result.Reward, Is.EqualTo(-8.71240110027234).Within(1e-14));
        Assert.That(observation[2], Is.EqualTo(8f));
    }

    [TestCase(5 * Math.PI / 2, -2.4674011002723395)] // one full turn past π/2: normalize → π/2
    [TestCase(-Math.PI / 2, -2.4674011002723395)]    // already in [−π, π)
    [TestCase(2 * Math.PI, 0.0)]                     // upright after a full turn: no angle cost
    [TestCase(-7 * Math.PI / 2, -2.4674011002723395)] // negative dividend: floored, not truncated, modulo
    public void Step_AngleCost_UsesAngleNormalizedToMinusPiPi(double theta, double expectedReward)
    {
        var (result, _, _) = StepFrom(theta, 0.0, 0f);
        Assert.That(result.Reward, Is.EqualTo(expectedReward).Within(1e-12));
    }

    [Test]
    public void Step_Gravity_EntersAsThreeGOverTwoL()
    {
        // g = 9.81 at θ = π/2: θ̇′ = 3·9.81/2·0.05 = 0.73575.
        var (_, _, env) = StepFrom(Math.PI / 2, 0.0, 0f, gravity: 9.81);
        Assert.That(env.State.ThetaDot, Is.EqualTo(0.73575).Within(1e-15));
    }

    [Test]
    public void Reset_FirstObservation_IsFloat32OfCosSinThetaDot()
    {
        var (env, observation) = Seeded(11);
        var (theta, thetaDot) = env.State;
        Assert.That(observation, Is.EqualTo(GymnasiumOracle.PendulumObservation(theta, thetaDot)));
    }

    [Test]
    public void Step_SeededTrajectoryWithOutOfBoundsActions_MatchesOracleExactly()
    {
        var (env, observation) = Seeded(2024);
        // The initial state comes from the env: the float32 observation cannot give θ back exactly.
        var (th, thdot) = env.State;

        for (int t = 0; t < 600; t++)
        {
            // Sweeps past ±2 and adds occasional large kicks, so clipping is exercised on both sides.
            float action = (float)(3.5 * Math.Sin(0.37 * t)) + (t % 11 == 0 ? (t % 22 == 0 ? 9f : -9f) : 0f);
            StepResult result = env.Step([action], observation);
            (double reward, th, thdot) = GymnasiumOracle.PendulumStep(th, thdot, action);

            Assert.That(result.Reward, Is.EqualTo(reward), $"reward at step {t + 1}");
            Assert.That(observation, Is.EqualTo(GymnasiumOracle.PendulumObservation(th, thdot)), $"observation at step {t + 1}");
            Assert.That(result.Terminated || result.Truncated, Is.False);
            Assert.That(env.ObservationSpace.Contains(observation), Is.True, $"observation in bounds at step {t + 1}");
        }
    }

    [Test]
    public void Step_ManyRandomStates_RewardMatchesOracleToTheBit()
    {
        // Single steps from states all over the place (θ up to several turns, θ̇ across ±8, u past ±2) so that every
        // rounding in the cost and the update is compared, including the few where pow(x, 2) ≠ x·x.
        var rng = new Rng(99);
        var (env, observation) = Seeded(1);
        for (int i = 0; i < 20_000; i++)
        {
            double th = rng.Uniform(-20, 20), thdot = rng.Uniform(-8, 8);
            float action = (float)rng.Uniform(-3, 3);
            env.State = (th, thdot);
            StepResult result = env.Step([action], observation);
            var expected = GymnasiumOracle.PendulumStep(th, thdot, action);
            Assert.That(result.Reward, Is.EqualTo(expected.Reward), $"reward from θ={th:R}, θ̇={thdot:R}, a={action:R}");
            Assert.That(env.State, Is.EqualTo((expected.Th, expected.ThDot)), $"state from θ={th:R}, θ̇={thdot:R}, a={action:R}");
        }
    }

    [Test]
    public void Spaces_MatchGymnasiumBounds()
    {
        var env = new Pendulum();
        Assert.That(env.Id, Is.EqualTo("Pendulum-v1"));
        Assert.That(env.ObservationSpace.Low.ToArray(), Is.EqualTo(new[] { -1f, -1f, -8f }));
        Assert.That(env.ObservationSpace.High.ToArray(), Is.EqualTo(new[] { 1f, 1f, 8f }));
        Assert.That(env.ActionSpace.Low.ToArray(), Is.EqualTo(new[] { -2f }));
        Assert.That(env.ActionSpace.High.ToArray(), Is.EqualTo(new[] { 2f }));
    }
}
