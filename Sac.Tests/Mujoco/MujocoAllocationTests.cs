using Sac.Core.Environments;
using Sac.Mujoco.Native;
using Sac.Mujoco.Tasks;

namespace Sac.Tests.Mujoco;

/// <summary>Stepping a MuJoCo task through the trainer's wrappers allocates nothing once warmed up.</summary>
public class MujocoAllocationTests
{
    [TestCaseSource(typeof(GymnasiumTask), nameof(GymnasiumTask.RegisteredIds))]
    public void Step_CheckedTimeLimitedTaskAfterWarmUp_AllocatesNothing(string id)
    {
        IEnvironment env = EnvironmentRegistry.Create(id);
        IRewardTerms terms = RewardTerms.Find(env)!;
        var observation = new float[env.ObservationSpace.Dimension];
        var action = new float[env.ActionSpace.Dimension];
        env.Reset(observation, seed: 0);
        int t = 0;
        double sink = 0;

        void Run(int steps)
        {
            for (int s = 0; s < steps; s++, t++)
            {
                for (int j = 0; j < action.Length; j++)
                    action[j] = MathF.Sin(0.1f * t + j);
                StepResult result = env.Step(action, observation);
                sink += terms.LastTerms[0]; // reading the terms is part of the loop a logger runs
                if (result.Terminated || result.Truncated)
                    env.Reset(observation); // unseeded: reuses the Rng
            }
        }

        Run(1000); // warm-up: JIT, statics, tiering
        long before = GC.GetAllocatedBytesForCurrentThread();
        Run(1000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(allocated, Is.EqualTo(0), $"bytes allocated by 1000 steps of {id}");
        Assert.That(double.IsFinite(sink), Is.True);
    }
}
