using System.Numerics;

namespace Sac.Autodiff;

/// <summary>
/// A set of parameter tensors stored back to back in one flat value buffer and one flat gradient buffer, so that an
/// optimizer step, a Polyak update, a gradient norm or a checkpoint is one pass over one span.
/// Each parameter is a <see cref="Tensor{T}"/> view (a leaf that requires a gradient) into those buffers.
/// </summary>
public sealed class FlatParameters<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[] _values;
    private readonly T[] _grads;
    private readonly Tensor<T>[] _tensors;

    /// <summary>Allocates the buffers for parameters of the given names and shapes, zero-initialized.</summary>
    public FlatParameters(IReadOnlyList<(string Name, int Rows, int Cols)> shapes)
        : this(shapes, values: null)
    {
    }

    private FlatParameters(IReadOnlyList<(string Name, int Rows, int Cols)> shapes, T[]? values)
    {
        ArgumentNullException.ThrowIfNull(shapes);
        int total = 0;
        foreach (var (name, rows, cols) in shapes)
        {
            if (rows < 0 || cols < 0)
                throw new ArgumentOutOfRangeException(nameof(shapes), $"Parameter {name} has a negative shape {rows}×{cols}.");
            total = checked(total + rows * cols);
        }
        _values = values ?? new T[total];
        _grads = new T[total];
        _tensors = new Tensor<T>[shapes.Count];
        int offset = 0;
        for (int i = 0; i < shapes.Count; i++)
        {
            var (name, rows, cols) = shapes[i];
            _tensors[i] = new Tensor<T>(rows, cols, _values, offset, _grads) { Name = name };
            offset += rows * cols;
        }
    }

    /// <summary>
    /// The same parameters (one value buffer, read and written by both) with a gradient buffer of their own, and tensor
    /// views of their own: what lets two threads backpropagate through one network at once, each into its own gradient,
    /// for the caller to sum in a fixed order.
    /// </summary>
    public FlatParameters<T> WithOwnGradients() =>
        new(_tensors.Select(t => (t.Name!, t.Rows, t.Cols)).ToArray(), _values);

    /// <summary>Every parameter value, back to back in the order of <see cref="Tensors"/>.</summary>
    public Span<T> Values => _values;

    /// <summary>Every parameter gradient, aligned with <see cref="Values"/> (a pending <see cref="ZeroGrad"/> of a
    /// parameter no backward pass has written since is applied first, so it reads as zero).</summary>
    public Span<T> Grads
    {
        get
        {
            foreach (var t in _tensors)
                t.MaterializeZeroGrad();
            return _grads;
        }
    }

    /// <summary>The parameters, in the order given at construction.</summary>
    public IReadOnlyList<Tensor<T>> Tensors => _tensors;

    /// <summary>Total number of scalars.</summary>
    public int Count => _values.Length;

    /// <summary>Zeroes every gradient: deferred, as <see cref="Tensor{T}.ZeroGrad"/> (each parameter's next backward
    /// contribution overwrites its buffer, so a training step makes no zeroing pass).</summary>
    public void ZeroGrad()
    {
        foreach (var t in _tensors)
            t.ZeroGrad();
    }

    /// <summary>Copies every value from <paramref name="other"/>, which must have the same layout (e.g. to initialize a target network).</summary>
    public void CopyFrom(FlatParameters<T> other)
    {
        if (other.Count != Count)
            throw new ArgumentException($"Parameter counts differ ({other.Count} vs {Count}).", nameof(other));
        other.Values.CopyTo(Values);
    }
}
