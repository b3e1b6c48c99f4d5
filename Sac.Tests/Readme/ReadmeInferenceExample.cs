using Sac.Core.Environments;
using Sac.Core.Inference;

namespace Sac.Tests.Readme;

// The README's "Deploying the policy" example. ReadmeInferenceExampleTests checks that README.md shows exactly the
// text between the markers, and runs it on a trained run, so the snippet can neither stop compiling nor stop working.
internal static class ReadmeInferenceExample
{
    /// <summary>Plays one episode of the run's environment with its policy; returns the return.</summary>
    public static double PlayOneEpisode(string run)
    {
        // <readme-inference>
        var policy = TrainedPolicy.LoadRun(run);   // a `sac train` directory: its newest model.safetensors and config.json
        var env = EnvironmentRegistry.Create(policy.EnvironmentId!);
        var observation = new float[policy.ObservationSize];
        var action = new float[policy.ActionSize];
        double episodeReturn = 0;
        env.Reset(observation, seed: 1);
        while (true)
        {
            policy.Act(observation, action);       // c + k·tanh(μ(s)): in the action bounds, allocating nothing
            var step = env.Step(action, observation);
            episodeReturn += step.Reward;
            if (step.Terminated || step.Truncated)
                break;
        }
        // </readme-inference>
        return episodeReturn;
    }

    /// <summary>Acts on a batch of 256 observations; returns them and the actions.</summary>
    public static (float[] Observations, float[] Actions) ActOnABatch(string run)
    {
        var policy = TrainedPolicy.LoadRun(run);
        var random = new Random(2);
        // <readme-inference-batch>
        var observations = new float[256 * policy.ObservationSize];   // 256 rows of dim(S) values
        var actions = new float[256 * policy.ActionSize];             // 256 rows of dim(A) values
        for (int i = 0; i < observations.Length; i++)
            observations[i] = random.NextSingle() * 2 - 1;
        policy.Act(observations, actions);
        // </readme-inference-batch>
        return (observations, actions);
    }
}
