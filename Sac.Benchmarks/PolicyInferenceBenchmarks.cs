using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using Microsoft.ML.OnnxRuntime;
using Sac.Core;
using Sac.Core.Environments;
using Sac.Core.Inference;
using Sac.Core.Inference.Onnx;
using Sac.Core.Policies;

namespace Sac.Benchmarks;

/// <summary>
/// Acting with a trained policy, side by side in one run: Sac's <see cref="TrainedPolicy.Act"/> against ONNX Runtime on
/// the model `sac export` writes of the same weights, both on the CPU and on one thread (ONNX Runtime: one intra-op
/// and one inter-op thread, sequential, its default graph optimizations, inputs and outputs bound to preallocated
/// buffers). Batch 1 is the latency of one action (a game or a robot's control loop); batch 256 the throughput
/// (actions/s) of many agents at once. The policies are the paper's 256 × 256 MLP at Pendulum's sizes (3 → 1) and
/// Humanoid's (348 → 17), initialized as PyTorch does: the time does not depend on the weights' values.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class PolicyInferenceBenchmarks
{
    private TrainedPolicy _policy = null!;
    private InferenceSession _session = null!;
    private RunOptions _runOptions = null!;
    private OrtValue[] _inputs = null!;
    private OrtValue[] _outputs = null!;
    private readonly string[] _inputNames = [OnnxPolicyExport.ObservationInput];
    private readonly string[] _outputNames = [OnnxPolicyExport.ActionOutput];
    private float[] _observations = null!;
    private float[] _actions = null!;
    private float[] _onnxActions = null!;

    /// <summary>The policy's sizes: Pendulum (3 → 256, 256 → 1) or Humanoid (348 → 256, 256 → 17).</summary>
    [Params("Pendulum", "Humanoid")]
    public string Policy { get; set; } = "Pendulum";

    /// <summary>Observations per call.</summary>
    [Params(1, 256)]
    public int Batch { get; set; } = 1;

    /// <summary>Builds the policy, exports it, opens it in ONNX Runtime and warms both up.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var (observationSize, actionSize, bound) = Policy == "Pendulum" ? (3, 1, 2f) : (348, 17, 0.4f);
        var network = new TanhGaussianPolicy<float>(observationSize, actionSize, [256, 256], new Rng(1));
        var actionSpace = new Box(Enumerable.Repeat(-bound, actionSize).ToArray(), Enumerable.Repeat(bound, actionSize).ToArray());
        _policy = TrainedPolicy.FromPolicy(network, new TrainedPolicyOptions { ActionSpace = actionSpace });

        var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL };
        _session = new InferenceSession(OnnxPolicyExport.ToBytes(_policy), options);
        _runOptions = new RunOptions();

        var rng = new Random(2);
        _observations = new float[Batch * observationSize];
        for (int i = 0; i < _observations.Length; i++)
            _observations[i] = rng.NextSingle() * 2 - 1;
        _actions = new float[Batch * actionSize];
        _onnxActions = new float[Batch * actionSize];
        _inputs = [OrtValue.CreateTensorValueFromMemory(_observations, [Batch, observationSize])];
        _outputs = [OrtValue.CreateTensorValueFromMemory(_onnxActions, [Batch, actionSize])];

        Sac();
        OnnxRuntime();
        // A race between two answers that differ would be no race.
        for (int i = 0; i < _actions.Length; i++)
            if (Math.Abs(_actions[i] - _onnxActions[i]) > 1e-5f)
                throw new InvalidOperationException($"Sac and ONNX Runtime disagree on action {i}: {_actions[i]} vs {_onnxActions[i]}.");
    }

    /// <summary>Releases ONNX Runtime's native objects.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var value in _inputs.Concat(_outputs))
            value.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }

    /// <summary>Sac's inference API: the batch's deterministic actions, in the bounds.</summary>
    [Benchmark(Baseline = true)]
    public float Sac()
    {
        _policy.Act(_observations, _actions);
        return _actions[0];
    }

    /// <summary>ONNX Runtime on the exported model: the same actions, into a preallocated output.</summary>
    [Benchmark]
    public float OnnxRuntime()
    {
        _session.Run(_runOptions, _inputNames, _inputs, _outputNames, _outputs);
        return _onnxActions[0];
    }

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddColumn(new ActionsPerSecondColumn());
        }
    }
}

/// <summary>Actions per second: the batch size over the mean time.</summary>
public sealed class ActionsPerSecondColumn : ComputedColumn
{
    /// <inheritdoc/>
    public override string ColumnName => "actions/s";

    /// <inheritdoc/>
    public override string Legend => "Observations acted on per second (batch / mean)";

    /// <inheritdoc/>
    protected override double? Compute(BenchmarkCase benchmarkCase, double meanNs) =>
        benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == nameof(PolicyInferenceBenchmarks.Batch))?.Value is int batch ? batch * 1e9 / meanNs : null;
}
