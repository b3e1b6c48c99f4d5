using BenchmarkDotNet.Attributes;
using Sac.Core;
using Sac.Core.Algorithms;
using Sac.Core.Environments;
using Sac.Core.Replay;
using Sac.Core.Training;
using Sac.Mujoco;

namespace Sac.Benchmarks;

/// <summary>
/// What collecting one transition costs, the trainer's way (the exploring policy's batched forward with white ε, the
/// action rescaled, the copies stepped with resets, the transitions stored), with <see cref="Copies"/> environment copies
/// acting as one batch: one copy (batch 1, the paper's loop) against 16 (--num-envs 16). Every invocation collects 16
/// transitions (16 loop steps of one copy, or one of 16), so the reported time is per environment step. Updates are
/// not included: with the same updates per environment step they cost the same either way. With two threads, 16 MuJoCo
/// copies are stepped over the worker pool (their steps take longer than <see cref="VectorEnvironment.ParallelThreshold"/>).
/// </summary>
[MemoryDiagnoser]
public class CollectionBenchmarks
{
    private const int TransitionsPerInvoke = 16;

    /// <summary>The task: a cheap one, where the policy's forward dominates, and a MuJoCo one.</summary>
    [Params("Pendulum-v1", "HalfCheetah-v5")]
    public string Env { get; set; } = "Pendulum-v1";

    /// <summary>Environment copies acting as one batch.</summary>
    [Params(1, 16)]
    public int Copies { get; set; }

    /// <summary>Threads the copies may be stepped on (the vector environment goes parallel only when timing shows it pays).</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    private VectorEnvironment _env = null!;
    private PolicyActor _actor = null!;
    private ReplayBuffer _replay = null!;
    private Rng _rng = null!;
    private float[] _observations = null!, _next = null!, _finals = null!, _actions = null!, _envActions = null!;
    private StepResult[] _results = null!;

    /// <summary>SAC v2's default networks (256, 256) for the task, its copies reset, a replay ring of 100,000.</summary>
    [GlobalSetup]
    public void Setup()
    {
        MujocoEnvironments.Register();
        _env = VectorEnvironment.Create(Env, Copies, Threads);
        int o = _env.ObservationSpace.Dimension, a = _env.ActionSpace.Dimension;
        var agent = AlgorithmRegistry.Create<float>(o, a, new SacOptions { Threads = 1 }, new Rng(1));
        _actor = new PolicyActor(agent, Copies);
        _replay = new ReplayBuffer(100_000, o, a, Copies);
        _rng = new Rng(2);
        _observations = new float[Copies * o];
        _next = new float[Copies * o];
        _finals = new float[Copies * o];
        _actions = new float[Copies * a];
        _envActions = new float[Copies * a];
        _results = new StepResult[Copies];
        _env.Reset(_observations, 0);
    }

    /// <summary>16 transitions: 16 / <see cref="Copies"/> loop steps of every copy.</summary>
    [Benchmark(OperationsPerInvoke = TransitionsPerInvoke)]
    public int Collect()
    {
        int o = _env.ObservationSpace.Dimension, a = _env.ActionSpace.Dimension;
        for (int step = 0; step < TransitionsPerInvoke / Copies; step++)
        {
            _actor.Act(_observations, _actions, deterministic: false, _rng);
            for (int i = 0; i < Copies; i++)
                ActionScaling.ToEnvironment<float>(_actions.AsSpan(i * a, a), _env.ActionSpace, _envActions.AsSpan(i * a, a));
            _env.Step(_envActions, _next, _finals, _results);
            for (int i = 0; i < Copies; i++)
            {
                var r = _results[i];
                bool finished = r.Terminated || r.Truncated;
                _replay.Add(_observations.AsSpan(i * o, o), _actions.AsSpan(i * a, a), (float)r.Reward,
                    (finished ? _finals : _next).AsSpan(i * o, o), r.Terminated, r.Truncated);
            }
            _next.CopyTo(_observations, 0);
        }
        return _replay.Position;
    }
}
