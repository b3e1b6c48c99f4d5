using Sac.Core.Environments;

namespace Sac.Tests.Environments;

/// <summary>Stepping the trainer's environment stack allocates nothing once warmed up.</summary>
public class AllocationTests
{
    [Test]
    public void Step_CheckedTimeLimitedPendulumAfterWarmUp_AllocatesNothing()
    {
        IEnvironment env = EnvironmentRegistry.Create("Pendulum-v1");
        var observation = new float[3];
        var action = new float[1];
        env.Reset(observation, seed: 0);

        void Run(int steps)
        {
            for (int t = 0; t < steps; t++)
            {
                action[0] = observation[2] > 0 ? -1.5f : 1.5f;
                StepResult result = env.Step(action, observation);
                if (result.Terminated || result.Truncated)
                    env.Reset(observation); // an unseeded reset reuses the Rng, so it allocates nothing either
            }
        }

        Run(1000); // warm-up: JIT, statics, tiering
        long before = GC.GetAllocatedBytesForCurrentThread();
        Run(1000); // crosses five truncations and resets
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(allocated, Is.EqualTo(0), "bytes allocated by 1000 steps");
    }
}
