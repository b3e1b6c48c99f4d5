using BenchmarkDotNet.Attributes;
using Sac.Core.Algorithms;
using Sac.Core.Environments;
using Sac.Core.Training;
using Sac.Mujoco;

namespace Sac.Benchmarks;

/// <summary>
/// What collecting one transition costs in the trainer's own loop (<see cref="Trainer.Step"/>: the exploring policy's
/// batched forward with white ε, the actions rescaled, the copies stepped with resets, the transitions stored), with
/// <see cref="Copies"/> environment copies acting as one batch: one copy (batch 1, the paper's loop) against 16
/// (--num-envs 16). No update runs (a train frequency no run reaches) and no evaluation. Every invocation collects 16
/// transitions (16 steps of one copy, or one of 16), so the reported time is per environment step.
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

    private Trainer _trainer = null!;

    /// <summary>SAC v2's default networks (256, 256) for the task, acting from the first step, a replay ring of 100,000.</summary>
    [GlobalSetup]
    public void Setup()
    {
        MujocoEnvironments.Register();
        _trainer = new Trainer(VectorEnvironment.Create(Env, Copies, Threads), EnvironmentRegistry.Create(Env),
            new SacOptions { LearningStarts = 0, TrainFrequency = int.MaxValue, BufferSize = 100_000, Threads = Threads },
            new TrainerOptions { TotalSteps = long.MaxValue, EvalEvery = 0, NumEnvs = Copies, Seed = 1 });
    }

    /// <summary>16 transitions: 16 / <see cref="Copies"/> steps of the trainer.</summary>
    [Benchmark(OperationsPerInvoke = TransitionsPerInvoke)]
    public long Collect()
    {
        for (int step = 0; step < TransitionsPerInvoke / Copies; step++)
            _trainer.Step();
        return _trainer.Steps;
    }
}
