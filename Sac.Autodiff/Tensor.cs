using System.Numerics;

namespace Sac.Autodiff;

/// <summary>
/// A row-major 2-D tensor of <typeparamref name="T"/> (float or double): rows are the batch, columns the features.
/// A row vector (1×n) holds a bias, a 1×1 tensor a loss. The values live in <see cref="Span"/>; a tensor that requires
/// a gradient also carries <see cref="Grad"/>, of the same shape.
/// A tensor may be a view into a larger buffer (a network's parameters are views into one flat array, so an optimizer
/// updates them all in one pass); see <see cref="FlatParameters{T}"/>.
/// </summary>
public sealed class Tensor<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private T[] _data;
    private int _offset;
    private T[]? _grad;
    private int _gradOffset;

    /// <summary>Creates a zero-filled <paramref name="rows"/>×<paramref name="cols"/> tensor.</summary>
    /// <param name="rows">Number of rows (the batch).</param>
    /// <param name="cols">Number of columns (the features).</param>
    /// <param name="requiresGrad">True for a leaf whose gradient is wanted (a parameter, or an input under gradient check).</param>
    public Tensor(int rows, int cols, bool requiresGrad = false)
    {
        CheckShape(rows, cols);
        Rows = rows;
        Cols = cols;
        _data = new T[rows * cols];
        RequiresGrad = requiresGrad;
        IsLeaf = true;
        if (requiresGrad)
            _grad = new T[rows * cols];
    }

    /// <summary>Creates a tensor over <paramref name="data"/> (not copied) starting at <paramref name="offset"/>, and
    /// optionally over a gradient buffer at the same offset: a view into a flat buffer.</summary>
    public Tensor(int rows, int cols, T[] data, int offset = 0, T[]? grad = null)
    {
        CheckShape(rows, cols);
        ArgumentNullException.ThrowIfNull(data);
        if (offset < 0 || offset + rows * cols > data.Length)
            throw new ArgumentException($"A {rows}×{cols} view at offset {offset} does not fit a buffer of {data.Length}.", nameof(data));
        if (grad != null && grad.Length != data.Length)
            throw new ArgumentException($"The gradient buffer ({grad.Length}) must match the value buffer ({data.Length}).", nameof(grad));
        Rows = rows;
        Cols = cols;
        _data = data;
        _offset = offset;
        _grad = grad;
        _gradOffset = offset;
        RequiresGrad = grad != null;
        IsLeaf = true;
    }

    /// <summary>Creates a tensor holding a copy of <paramref name="values"/> (row-major, length rows·cols).</summary>
    public static Tensor<T> FromValues(int rows, int cols, ReadOnlySpan<T> values, bool requiresGrad = false)
    {
        var t = new Tensor<T>(rows, cols, requiresGrad);
        if (values.Length != rows * cols)
            throw new ArgumentException($"{values.Length} values cannot fill a {rows}×{cols} tensor.", nameof(values));
        values.CopyTo(t.Span);
        return t;
    }

    /// <summary>An intermediate tensor owned by a tape's arena.</summary>
    internal Tensor(int rows, int cols, bool requiresGrad, bool isLeaf)
    {
        Rows = rows;
        Cols = cols;
        _data = new T[rows * cols];
        RequiresGrad = requiresGrad;
        IsLeaf = isLeaf;
    }

    /// <summary>Number of rows (the batch dimension).</summary>
    public int Rows { get; private set; }

    /// <summary>Number of columns (the feature dimension).</summary>
    public int Cols { get; private set; }

    /// <summary>Rows × columns.</summary>
    public int Length => Rows * Cols;

    /// <summary>True when a gradient flows into this tensor during <see cref="Tape{T}.Backward"/>.</summary>
    public bool RequiresGrad { get; internal set; }

    /// <summary>True for tensors created by the user (parameters, inputs); false for results of recorded ops.
    /// A leaf's gradient accumulates across backward passes until <see cref="ZeroGrad"/>; an intermediate's is rewritten each pass.</summary>
    public bool IsLeaf { get; internal set; }

    /// <summary>An optional name, shown by <see cref="GradCheck"/> reports and <see cref="ToString"/>.</summary>
    public string? Name { get; set; }

    /// <summary>The values, row-major.</summary>
    public Span<T> Span => _data.AsSpan(_offset, Rows * Cols);

    /// <summary>The gradient dLoss/dThis, row-major; empty when the tensor has none (yet).</summary>
    public Span<T> Grad
    {
        get
        {
            if (_gradZeroPending)
                MaterializeZeroGrad();
            return RawGrad;
        }
    }

    /// <summary>The gradient buffer as it is in memory, whatever a pending <see cref="ZeroGrad"/> says it means.</summary>
    private Span<T> RawGrad => _grad is null ? Span<T>.Empty : _grad.AsSpan(_gradOffset, Rows * Cols);

    /// <summary>True when a gradient buffer exists.</summary>
    public bool HasGrad => _grad is not null;

    /// <summary>Element (row, col).</summary>
    public T this[int row, int col]
    {
        get => Span[Index(row, col)];
        set => Span[Index(row, col)] = value;
    }

    /// <summary>
    /// Sets the gradient to zero (PyTorch's <c>zero_grad</c>); leaves' gradients otherwise accumulate.
    /// The zeroing is deferred: the next backward contribution overwrites the buffer (β = 0) instead of adding to it,
    /// which saves a pass over every parameter's gradient each step, and a gradient read before any contribution
    /// (through <see cref="Grad"/> or <see cref="FlatParameters{T}.Grads"/>) is zeroed then. Either way it reads as zero.
    /// </summary>
    public void ZeroGrad() => _gradZeroPending = _grad is not null;

    /// <summary>A <see cref="ZeroGrad"/> whose zeros are not written yet: the buffer's contents mean zero.</summary>
    private bool _gradZeroPending;

    /// <summary>Writes the zeros a pending <see cref="ZeroGrad"/> stands for.</summary>
    internal void MaterializeZeroGrad()
    {
        if (!_gradZeroPending)
            return;
        _gradZeroPending = false;
        RawGrad.Clear();
    }

    /// <summary>
    /// For the tape, about to write a contribution into this leaf's gradient: whether to add to the buffer (false right
    /// after a <see cref="ZeroGrad"/>, whose zeros the write then stands in for) — and from here on it adds.
    /// </summary>
    internal bool BeginLeafGradWrite()
    {
        bool accumulate = !_gradZeroPending;
        _gradZeroPending = false;
        return accumulate;
    }

    /// <summary>The backward pass (tape epoch) in which <see cref="Grad"/> was last written; used so an intermediate's
    /// first gradient contribution overwrites (β = 0) instead of needing a separate zeroing pass.</summary>
    internal int GradEpoch;

    /// <summary>For an intermediate: the tape's graph (the ops since its last <see cref="Tape{T}.Backward"/> or
    /// <see cref="Tape{T}.Reset"/>) that recorded it. Once that graph is consumed, no gradient can flow through it.</summary>
    internal int Graph;

    /// <summary>
    /// The gradient buffer for the tape to write, allocated on first use for intermediates (during warm-up only).
    /// CRUCIAL: as it is in memory, a pending <see cref="ZeroGrad"/> not applied: every write into it must first ask
    /// <see cref="Tape{T}"/>'s BeginGradWrite whether to add or overwrite.
    /// </summary>
    internal Span<T> EnsureGrad()
    {
        if (_grad is null)
        {
            _grad = new T[Rows * Cols];
            _gradOffset = 0;
        }
        return RawGrad;
    }

    private Tensor<T>? _detached;

    /// <summary>
    /// The same values with no gradient and no history (PyTorch's <c>detach()</c>): ops on it record nothing that leads back
    /// here. CRUCIAL in SAC: targets (r + γ(1 − d)·V_ψ̄(s′)) and the Q-networks inside J_π are detached so that no gradient
    /// reaches the target networks, and J_π moves φ only. The detached tensor is created once and reused, so calling this
    /// every step allocates nothing.
    /// </summary>
    public Tensor<T> Detach()
    {
        if (!RequiresGrad)
            return this;
        return _detached ??= new Tensor<T>(Rows, Cols, _data, _offset) { Name = Name is null ? null : Name + ".detach" };
    }

    /// <summary>
    /// A view of rows [<paramref name="start"/>, <paramref name="start"/> + <paramref name="count"/>): the same values
    /// (not copied), no gradient. A new tensor object each call, so make views once and reuse them.
    /// </summary>
    public Tensor<T> RowsView(int start, int count)
    {
        if (start < 0 || count < 0 || start + count > Rows)
            throw new ArgumentOutOfRangeException(nameof(start), $"Rows [{start}, {start + count}) are outside a {Rows}×{Cols} tensor.");
        return new Tensor<T>(count, Cols, _data, _offset + start * Cols) { Name = Name };
    }

    /// <summary>Element (row, col) as a double, for reports.</summary>
    internal double At(int index) => double.CreateChecked(Span[index]);

    private int Index(int row, int col)
    {
        if ((uint)row >= (uint)Rows || (uint)col >= (uint)Cols)
            throw new ArgumentOutOfRangeException(nameof(row), $"({row}, {col}) is outside a {Rows}×{Cols} tensor.");
        return row * Cols + col;
    }

    private static void CheckShape(int rows, int cols)
    {
        if (rows < 0 || cols < 0)
            throw new ArgumentOutOfRangeException(nameof(rows), $"A tensor's shape must be non-negative, got {rows}×{cols}.");
    }

    /// <summary>"name 3×4" (or "3×4"), with "requires grad" when it does.</summary>
    public override string ToString() => $"{(Name is null ? "" : Name + " ")}{Rows}×{Cols}{(RequiresGrad ? " requires grad" : "")}";
}
