using Sac.Core.Environments;

namespace Sac.Tests.Environments;

/// <summary>A fresh environment reset with a seed, and its first observation: where the oracle tests start.</summary>
internal static class SeededEnvironment
{
    /// <summary><paramref name="env"/> (a new one) reset with <paramref name="seed"/>, and its first observation.</summary>
    public static (TEnvironment Env, float[] Observation) Create<TEnvironment>(TEnvironment env, int seed) where TEnvironment : IEnvironment
    {
        var observation = new float[env.ObservationSpace.Dimension];
        env.Reset(observation, seed);
        return (env, observation);
    }
}
