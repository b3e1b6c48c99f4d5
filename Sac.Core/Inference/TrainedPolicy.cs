using Sac.Core.Environments;
using Sac.Kernels;

namespace Sac.Core.Inference;

/// <summary>
/// A trained policy π_φ for acting in an application or a game, without the training state: the MLP
/// s → [μ ‖ log σ] (ReLU hidden layers, a linear last layer) and the environment's action bounds. Load one with
/// <see cref="Load"/> (a <c>model.safetensors</c>), <see cref="LoadRun"/> (a run directory of <c>sac train</c>) or
/// <see cref="FromPolicy"/> (a policy trained in this process).
/// <para>
/// <see cref="Act"/> is the deterministic action a = c + k ⊙ tanh(μ(s)), with k = (high − low)/2 and
/// c = (high + low)/2 per dimension (<see cref="ActionScaling"/>), or tanh(μ(s)) in [−1, 1] when the policy has no
/// <see cref="ActionSpace"/>: bit for bit what <c>sac eval</c> plays, since it runs the same kernels in the same order.
/// <see cref="Heads"/> gives μ and the clamped log σ, to sample u = μ + σ·ε, a = tanh(u) yourself.
/// </para>
/// <para>
/// Allocation: none per call. The working buffers are sized for the largest batch seen so far (the first call with a
/// larger batch allocates them), and GEMM's packing buffer once per thread. Not thread-safe: give each thread its own
/// instance (<see cref="Load"/> it once per thread).
/// </para>
/// </summary>
public sealed partial class TrainedPolicy
{
    /// <summary>Layer l's W as inputs × outputs (y = x·W + b, Sac's layout: the transpose of nn.Linear.weight).</summary>
    private readonly float[][] _weights;

    /// <summary>Layer l's b (outputs).</summary>
    private readonly float[][] _biases;

    /// <summary>Every layer's width: dim(S), the hidden sizes, 2·dim(A).</summary>
    private readonly int[] _widths;

    /// <summary>k and c of the rescaling to the action space, or null to act in [−1, 1].</summary>
    private readonly float[]? _scale;

    private readonly float[]? _offset;

    /// <summary>Ping-pong hidden activations, the last layer's [μ ‖ log σ] rows, and one head gathered contiguously.</summary>
    private float[] _hiddenA = [], _hiddenB = [], _output = [], _head = [];

    /// <summary>Rows the buffers hold.</summary>
    private int _capacity;

    private TrainedPolicy(float[][] weights, float[][] biases, TrainedPolicyOptions options, float logStdMin, float logStdMax, Policies.LogStdBounding bounding, PolicyFile? file)
    {
        _weights = weights;
        _biases = biases;
        _widths = [weights[0].Length / biases[0].Length, .. biases.Select(b => b.Length)];
        ObservationSize = _widths[0];
        ActionSize = _widths[^1] / 2;
        HiddenSizes = _widths[1..^1];
        EnvironmentId = options.EnvironmentId;
        Algorithm = options.Algorithm;
        ObservationSpace = options.ObservationSpace;
        ActionSpace = options.ActionSpace;
        LogStdMin = logStdMin;
        LogStdMax = logStdMax;
        LogStdBounding = bounding;
        Source = file?.Path;
        Checkpoint = file?.Checkpoint;
        ModelSha256 = file?.Sha256;
        if (ActionSpace is Box space)
        {
            // The same float arithmetic as ActionScaling.ToEnvironment: (h + l)/2 + (h − l)/2 · a.
            _scale = new float[ActionSize];
            _offset = new float[ActionSize];
            for (int j = 0; j < ActionSize; j++)
            {
                float low = space.Low[j], high = space.High[j];
                _offset[j] = (high + low) / 2f;
                _scale[j] = (high - low) / 2f;
            }
        }
    }

    /// <summary>dim(S): the values of one observation.</summary>
    public int ObservationSize { get; }

    /// <summary>dim(A): the values of one action.</summary>
    public int ActionSize { get; }

    /// <summary>The hidden layer sizes (the paper's 256, 256).</summary>
    public IReadOnlyList<int> HiddenSizes { get; }

    /// <summary>The environment's id (e.g. <c>HalfCheetah-v5</c>), when known.</summary>
    public string? EnvironmentId { get; }

    /// <summary>The algorithm that trained it (e.g. <c>SAC v2</c>), when known.</summary>
    public string? Algorithm { get; }

    /// <summary>The environment's observation space, when known (only its dimension is checked: the policy takes any values).</summary>
    public Box? ObservationSpace { get; }

    /// <summary>The bounds <see cref="Act"/> rescales into, or null when it acts in [−1, 1].</summary>
    public Box? ActionSpace { get; }

    /// <summary>Lower clamp of log σ in <see cref="Heads"/>.</summary>
    public float LogStdMin { get; }

    /// <summary>Upper clamp of log σ in <see cref="Heads"/>.</summary>
    public float LogStdMax { get; }

    /// <summary>How <see cref="Heads"/> bounds log σ to [<see cref="LogStdMin"/>, <see cref="LogStdMax"/>]: clamped, or
    /// min + ½(max − min)(tanh x + 1).</summary>
    public Policies.LogStdBounding LogStdBounding { get; }

    /// <summary>The model file it was loaded from, or null for <see cref="FromPolicy"/>.</summary>
    public string? Source { get; }

    /// <summary>The checkpoint directory's name (e.g. <c>step-0000010000</c>) when the model file sits in one.</summary>
    public string? Checkpoint { get; }

    /// <summary>The SHA-256 of the model file's bytes in lowercase hex, as <c>sha256sum</c> prints it, or null for <see cref="FromPolicy"/>.</summary>
    public string? ModelSha256 { get; }

    /// <summary>The number of layers (hidden layers + 1).</summary>
    internal int LayerCount => _weights.Length;

    /// <summary>Layer <paramref name="layer"/>'s W, inputs × outputs (row-major), and b.</summary>
    internal (ReadOnlyMemory<float> Weight, ReadOnlyMemory<float> Bias, int Inputs, int Outputs) Layer(int layer) =>
        (_weights[layer], _biases[layer], _widths[layer], _widths[layer + 1]);

    /// <summary>
    /// The deterministic actions for a batch of observations: <paramref name="observations"/> holds B rows of
    /// <see cref="ObservationSize"/> values, and <paramref name="actions"/> receives B rows of <see cref="ActionSize"/>
    /// (in <see cref="ActionSpace"/>'s bounds, or [−1, 1] without one). B = 1 acts on one observation.
    /// </summary>
    /// <exception cref="ArgumentException">The spans do not hold the same number of whole rows.</exception>
    public void Act(ReadOnlySpan<float> observations, Span<float> actions)
    {
        int rows = Rows(observations, actions.Length, nameof(actions));
        Forward(observations, rows);
        int a = ActionSize;
        Span<float> mean = _head.AsSpan(0, rows * a);
        // μ gathered into a contiguous B×A block, then one tanh over it, as the tape's SliceColumns and Tanh do.
        Matrices.CopyColumns<float>(_output, 2 * a, 0, mean, a, 0, rows, a, accumulate: false);
        Elementwise.Tanh<float>(mean, actions);
        if (_scale is null)
            return;
        for (int r = 0; r < rows; r++)
        {
            var row = actions.Slice(r * a, a);
            for (int j = 0; j < a; j++)
                row[j] = _offset![j] + _scale[j] * row[j];
        }
    }

    /// <summary>
    /// The Gaussian head for a batch of observations: μ(s) and log σ(s) bounded to [LogStdMin, LogStdMax] (clamped, or
    /// tanh-rescaled: <see cref="LogStdBounding"/>, as the policy was trained), both before
    /// the tanh squash, B rows of <see cref="ActionSize"/> each. A sample is a = tanh(μ + e^{log σ}·ε), ε ~ 𝒩(0, I), in
    /// [−1, 1]; rescale it to the bounds as <see cref="Act"/> does.
    /// </summary>
    /// <exception cref="ArgumentException">The spans do not hold the same number of whole rows.</exception>
    public void Heads(ReadOnlySpan<float> observations, Span<float> mean, Span<float> logStd)
    {
        int rows = Rows(observations, mean.Length, nameof(mean));
        if (logStd.Length != mean.Length)
            throw new ArgumentException($"log σ needs {mean.Length} values, like μ, but has room for {logStd.Length}.", nameof(logStd));
        Forward(observations, rows);
        int a = ActionSize;
        Matrices.CopyColumns<float>(_output, 2 * a, 0, mean, a, 0, rows, a, accumulate: false);
        Matrices.CopyColumns<float>(_output, 2 * a, a, logStd, a, 0, rows, a, accumulate: false);
        if (LogStdBounding == Policies.LogStdBounding.Clamp)
        {
            Elementwise.Clamp(logStd, LogStdMin, LogStdMax, logStd);
            return;
        }
        // min + ½(max − min)(tanh x + 1), each operation rounded as the policy's tape rounds it.
        Elementwise.Tanh<float>(logStd, logStd);
        float half = (LogStdMax - LogStdMin) / 2f;
        foreach (ref float x in logStd)
            x = (x + 1f) * half + LogStdMin;
    }

    /// <summary>The batch size B of <paramref name="observations"/>, checked against the room of the output.</summary>
    private int Rows(ReadOnlySpan<float> observations, int outputLength, string outputName)
    {
        if (observations.Length == 0 || observations.Length % ObservationSize != 0)
            throw new ArgumentException($"Observations come in rows of {ObservationSize} values; got {observations.Length}.", nameof(observations));
        int rows = observations.Length / ObservationSize;
        if (outputLength != rows * ActionSize)
            throw new ArgumentException($"{rows} observation row(s) give {rows} × {ActionSize} = {rows * ActionSize} values, but {outputName} has room for {outputLength}.", outputName);
        return rows;
    }

    /// <summary>The MLP on <paramref name="rows"/> rows into <see cref="_output"/>: one GEMM per layer with its bias and
    /// ReLU fused, on this thread (the calls <c>Tape.Linear</c> makes, so the sums run in the same order).</summary>
    private void Forward(ReadOnlySpan<float> observations, int rows)
    {
        EnsureCapacity(rows);
        ReadOnlySpan<float> input = observations;
        int last = _weights.Length - 1;
        for (int l = 0; l <= last; l++)
        {
            int inputs = _widths[l], outputs = _widths[l + 1];
            Span<float> output = (l == last ? _output : l % 2 == 0 ? _hiddenA : _hiddenB).AsSpan(0, rows * outputs);
            Gemm.Multiply(Transpose.No, Transpose.No, rows, outputs, inputs, input, _weights[l], output,
                GemmOutput.Overwrite, _biases[l], l == last ? Activation.None : Activation.Relu, threads: 1);
            input = output;
        }
    }

    private void EnsureCapacity(int rows)
    {
        if (rows <= _capacity)
            return;
        int widest = _widths[1..^1].DefaultIfEmpty(0).Max();
        _hiddenA = new float[rows * widest];
        _hiddenB = new float[rows * widest];
        _output = new float[rows * 2 * ActionSize];
        _head = new float[rows * ActionSize];
        _capacity = rows;
    }
}
