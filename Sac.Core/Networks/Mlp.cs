using System.Numerics;
using Sac.Autodiff;

namespace Sac.Core.Networks;

/// <summary>
/// One dense layer y = x·W + b, W stored in×out (the transpose of PyTorch's <c>nn.Linear.weight</c>) and b 1×out, as
/// views into a network's flat parameter buffer.
/// </summary>
public sealed class Linear<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    internal Linear(Tensor<T> weight, Tensor<T> bias)
    {
        Weight = weight;
        Bias = bias;
    }

    /// <summary>W, inputs × outputs.</summary>
    public Tensor<T> Weight { get; }

    /// <summary>b, 1 × outputs.</summary>
    public Tensor<T> Bias { get; }

    /// <summary>Number of inputs (fan-in).</summary>
    public int Inputs => Weight.Rows;

    /// <summary>Number of outputs.</summary>
    public int Outputs => Weight.Cols;

    /// <summary>
    /// PyTorch's <c>nn.Linear.reset_parameters</c>: W and b both ~ U(−1/√fan_in, 1/√fan_in). (kaiming_uniform_ with
    /// a = √5 gives the weight bound gain·√(3/fan_in) with gain = √(2/(1 + 5)), which is 1/√fan_in.)
    /// </summary>
    public void Initialize(Rng rng)
    {
        double bound = Inputs == 0 ? 0 : 1.0 / Math.Sqrt(Inputs);
        foreach (ref T w in Weight.Span)
            w = T.CreateTruncating(rng.Uniform(-bound, bound));
        foreach (ref T b in Bias.Span)
            b = T.CreateTruncating(rng.Uniform(-bound, bound));
    }
}

/// <summary>
/// A multilayer perceptron: inputs → hidden sizes (with an activation) → outputs (linear). Its parameters are views into
/// one <see cref="FlatParameters{T}"/>, which may be shared with other networks (the twin critics share one, so one Adam
/// pass and one Polyak pass update both).
/// </summary>
public sealed class Mlp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Linear<T>[] _layers;
    private readonly int _firstTensor;

    /// <summary>Creates a network with its own parameter buffer, initialized like PyTorch from <paramref name="rng"/>.</summary>
    public Mlp(string name, int inputs, IReadOnlyList<int> hidden, int outputs, Rng rng, Activation activation = Activation.Relu)
        : this(new FlatParameters<T>(Shapes(name, inputs, hidden, outputs)), 0, hidden.Count + 1, activation)
    {
        Initialize(rng);
    }

    /// <summary>Wraps the layers stored in <paramref name="parameters"/> from tensor index <paramref name="firstTensor"/>
    /// (W, b pairs, in order), as laid out by <see cref="Shapes"/>.</summary>
    public Mlp(FlatParameters<T> parameters, int firstTensor, int layerCount, Activation activation = Activation.Relu)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (layerCount < 1 || firstTensor < 0 || firstTensor + 2 * layerCount > parameters.Tensors.Count)
            throw new ArgumentOutOfRangeException(nameof(layerCount), $"{layerCount} layers from tensor {firstTensor} do not fit {parameters.Tensors.Count} tensors.");
        Parameters = parameters;
        Activation = activation;
        _firstTensor = firstTensor;
        _layers = new Linear<T>[layerCount];
        for (int l = 0; l < layerCount; l++)
        {
            var w = parameters.Tensors[firstTensor + 2 * l];
            var b = parameters.Tensors[firstTensor + 2 * l + 1];
            if (b.Rows != 1 || b.Cols != w.Cols || (l > 0 && w.Rows != _layers[l - 1].Outputs))
                throw new ArgumentException($"Tensors {firstTensor + 2 * l} and {firstTensor + 2 * l + 1} ({w}, {b}) are not a layer that follows the previous one.", nameof(parameters));
            _layers[l] = new Linear<T>(w, b);
        }
    }

    /// <summary>The (name, rows, cols) of each W and b, layer by layer: what a <see cref="FlatParameters{T}"/> needs to hold this network.</summary>
    public static List<(string Name, int Rows, int Cols)> Shapes(string name, int inputs, IReadOnlyList<int> hidden, int outputs)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        var sizes = new List<int> { inputs };
        sizes.AddRange(hidden);
        sizes.Add(outputs);
        if (sizes.Any(s => s < 1))
            throw new ArgumentOutOfRangeException(nameof(hidden), $"Layer sizes must be positive, got {string.Join("→", sizes)}.");
        var shapes = new List<(string, int, int)>();
        for (int l = 0; l + 1 < sizes.Count; l++)
        {
            shapes.Add(($"{name}.{l}.weight", sizes[l], sizes[l + 1]));
            shapes.Add(($"{name}.{l}.bias", 1, sizes[l + 1]));
        }
        return shapes;
    }

    /// <summary>The buffer holding this network's parameters (possibly shared with other networks).</summary>
    public FlatParameters<T> Parameters { get; }

    /// <summary>The layers, input first.</summary>
    public IReadOnlyList<Linear<T>> Layers => _layers;

    /// <summary>The hidden activation.</summary>
    public Activation Activation { get; }

    /// <summary>Number of inputs.</summary>
    public int Inputs => _layers[0].Inputs;

    /// <summary>Number of outputs.</summary>
    public int Outputs => _layers[^1].Outputs;

    /// <summary>
    /// A network of this shape and activation reading <paramref name="parameters"/>, a buffer laid out as the one this
    /// network reads (an update shard's view of it, with gradients of its own), at the same tensors.
    /// </summary>
    public Mlp<T> Over(FlatParameters<T> parameters) => new(parameters, _firstTensor, _layers.Length, Activation);

    /// <summary>
    /// A Polyak target of this network: the same shape with a buffer of its own (tensors <c>{name}.0.weight</c>, …),
    /// starting as a copy of these parameters. Only for a network that owns its whole buffer.
    /// </summary>
    public Mlp<T> TargetCopy(string name)
    {
        if (_firstTensor != 0 || Parameters.Tensors.Count != 2 * _layers.Length)
            throw new InvalidOperationException("Only a network that owns its whole parameter buffer has a target copy of its own.");
        var hidden = _layers[..^1].Select(layer => layer.Outputs).ToArray();
        var target = new Mlp<T>(new FlatParameters<T>(Shapes(name, Inputs, hidden, Outputs)), 0, _layers.Length, Activation);
        target.Parameters.CopyFrom(Parameters);
        return target;
    }

    /// <summary>Initializes every layer like PyTorch's nn.Linear, layer by layer, W before b.</summary>
    public void Initialize(Rng rng)
    {
        foreach (var layer in _layers)
            layer.Initialize(rng);
    }

    /// <summary>
    /// The forward pass on <paramref name="tape"/>. With <paramref name="detachParameters"/> the parameters are used
    /// detached: gradients still flow to <paramref name="x"/> but none reach this network (SAC's J_π through Q).
    /// </summary>
    public Tensor<T> Forward(Tape<T> tape, Tensor<T> x, bool detachParameters = false)
    {
        var h = x;
        for (int l = 0; l < _layers.Length; l++)
        {
            var w = detachParameters ? _layers[l].Weight.Detach() : _layers[l].Weight;
            var b = detachParameters ? _layers[l].Bias.Detach() : _layers[l].Bias;
            h = tape.Linear(h, w, b, l + 1 < _layers.Length ? Activation : Activation.None);
        }
        return h;
    }
}
