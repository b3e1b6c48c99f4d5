using BenchmarkDotNet.Attributes;
using Sac.Core.Environments;

namespace Sac.Benchmarks;

/// <summary>
/// One environment step (with the TimeLimit and CheckedEnvironment wrappers the trainer uses, resetting when an
/// episode ends), for each registered environment, the MuJoCo tasks included.
/// </summary>
[MemoryDiagnoser]
public class EnvStepBenchmarks : EnvironmentBenchmark
{
    private IEnvironment _env = null!;
    private float[] _observation = null!;
    private float[] _action = null!;
    private int _t;

    /// <summary>Creates and resets the environment.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _env = CreateEnvironment();
        _observation = new float[_env.ObservationSpace.Dimension];
        _action = new float[_env.ActionSpace.Dimension];
        _env.Reset(_observation, seed: 0);
    }

    /// <summary>One step with a varying action (and a reset when the episode ends).</summary>
    [Benchmark]
    public float EnvStep()
    {
        float phase = _t++ * 0.1f;
        // Element j is offset by j radians; for a one-dimensional action this is the sine sweep it always was.
        for (int j = 0; j < _action.Length; j++)
            _action[j] = MathF.Sin(phase + j);
        var result = _env.Step(_action, _observation);
        if (result.Terminated || result.Truncated)
            _env.Reset(_observation);
        return _observation[0];
    }
}
