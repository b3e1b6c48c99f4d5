using System.Numerics;

namespace Sac.Autodiff;

/// <summary>
/// Records the ops of a forward pass and runs their backward rules in reverse order (reverse-mode autodiff).
/// <para>
/// Re-use without allocation: every op's result comes from the tape's arena. <see cref="Reset"/> rewinds the arena, so the
/// next forward pass of the same shapes gets the same buffers back (and their gradient buffers): after one warm-up step,
/// a fixed-shape training step allocates nothing. A result is valid until the next <see cref="Reset"/>.
/// </para>
/// <para>
/// One backward pass per graph, as PyTorch without <c>retain_graph</c>: <see cref="Backward"/> consumes the ops recorded
/// since the previous <see cref="Backward"/>/<see cref="Reset"/>. To combine losses, add them and call Backward once on
/// the sum. A second Backward on a consumed loss, or a new loss built on an intermediate of a consumed graph, would
/// silently lose gradient, so both throw an <see cref="InvalidOperationException"/> that says what to do.
/// </para>
/// <para>
/// Gradients: a leaf's gradient (a parameter, or an input that requires one) accumulates across backward passes until
/// its <see cref="Tensor{T}.ZeroGrad"/>, after which its first contribution overwrites; an intermediate's gradient is
/// written fresh in each backward pass (its first contribution overwrites, later ones add). Neither needs a zeroing pass.
/// </para>
/// A tape is used by one thread at a time; <see cref="Threads"/> is how many threads its matrix products may use.
/// </summary>
public sealed partial class Tape<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private Node<T>[] _nodes = new Node<T>[64];
    private int _nodeCount;
    private readonly List<Tensor<T>> _arena = new();
    private int _arenaCursor;
    private int _noGradDepth;
    private int _epoch;
    private int _graph;
    private int _threads = 1;

    /// <summary>Threads the matrix products may use (≥ 1). Results are bitwise identical for any value.</summary>
    public int Threads
    {
        get => _threads;
        set => _threads = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "Threads must be at least 1.");
    }

    /// <summary>True unless inside a <see cref="NoGrad"/> scope: ops on tensors that require a gradient are recorded.</summary>
    public bool IsRecording => _noGradDepth == 0;

    /// <summary>Number of ops recorded since the last <see cref="Backward"/> or <see cref="Reset"/>.</summary>
    public int RecordedOps => _nodeCount;

    /// <summary>The op recorded <paramref name="index"/>th (0 = first) since the last <see cref="Backward"/> or
    /// <see cref="Reset"/>: how a test sees which backward rules a graph will run.</summary>
    internal OpCode RecordedOp(int index) =>
        (uint)index < (uint)_nodeCount ? _nodes[index].Op : throw new ArgumentOutOfRangeException(nameof(index), index, $"{_nodeCount} ops are recorded.");

    /// <summary>Starts a new step: forgets recorded ops and rewinds the arena, whose buffers the next ops reuse.</summary>
    public void Reset()
    {
        ClearNodes();
        _arenaCursor = 0;
    }

    /// <summary>
    /// Within the returned scope no op is recorded and results require no gradient (PyTorch's <c>torch.no_grad()</c>):
    /// for targets and for acting. Dispose it (a <c>using</c>) to end the scope; it is a struct, so this allocates nothing.
    /// </summary>
    public NoGradScope NoGrad()
    {
        _noGradDepth++;
        return new NoGradScope(this);
    }

    /// <summary>Ends a <see cref="NoGrad"/> scope.</summary>
    public readonly struct NoGradScope : IDisposable
    {
        private readonly Tape<T> _tape;
        internal NoGradScope(Tape<T> tape) => _tape = tape;
        /// <summary>Leaves the scope.</summary>
        public void Dispose() => _tape._noGradDepth--;
    }

    /// <summary>
    /// Backpropagates from <paramref name="loss"/> (a 1×1 tensor): seeds dLoss/dLoss = 1 and runs the backward rule of
    /// every op recorded since the last <see cref="Backward"/>/<see cref="Reset"/>, newest first. Why reverse: an op's
    /// output gradient is complete only once every later op that consumed the output has run its rule.
    /// The recorded ops are then forgotten (the arena is not rewound: a further forward pass in the same step gets fresh
    /// buffers), so several losses can each be built and backpropagated in turn within one step: build a loss, call
    /// Backward, then build the next from leaves (parameters, inputs) or detached tensors.
    /// </summary>
    /// <exception cref="InvalidOperationException">The loss belongs to a graph an earlier Backward (or Reset) consumed, or
    /// one of the ops to run reads an intermediate of such a graph: the gradient through it would be lost.</exception>
    public void Backward(Tensor<T> loss)
    {
        ArgumentNullException.ThrowIfNull(loss);
        if (loss.Length != 1)
            throw new ArgumentException($"Backward starts from a scalar loss (1×1), got {loss.Rows}×{loss.Cols}.", nameof(loss));
        if (!loss.RequiresGrad)
            throw new InvalidOperationException("The loss does not require a gradient: no recorded op connects it to a tensor that requires one (was it computed under NoGrad, or from detached tensors only?).");
        if (!loss.IsLeaf && loss.Graph != _graph)
            throw new InvalidOperationException("Backward: this loss was recorded before an earlier Backward or Reset, which consumed its ops. " +
                "Call Backward once per loss, right after building it; to combine losses, add them and call Backward once on the sum.");
        for (int i = 0; i < _nodeCount; i++)
        {
            ref Node<T> node = ref _nodes[i];
            if (IsFromConsumedGraph(node.A) || IsFromConsumedGraph(node.B) || IsFromConsumedGraph(node.C))
                throw new InvalidOperationException("Backward: an op reads an intermediate recorded before an earlier Backward or Reset, whose ops are freed, " +
                    "so its gradient could not reach the leaves. Rebuild that intermediate in this graph, or Detach() it if no gradient should flow through it.");
        }
        _epoch++;
        bool accumulate = BeginGradWrite(loss);
        loss.EnsureGrad()[0] = accumulate ? loss.Grad[0] + T.One : T.One;
        for (int i = _nodeCount - 1; i >= 0; i--)
        {
            ref Node<T> node = ref _nodes[i];
            // An op whose result received no gradient in this pass does not lead to the loss: nothing to propagate.
            if (node.Result.GradEpoch != _epoch)
                continue;
            RunBackward(ref node);
        }
        ClearNodes();
    }

    /// <summary>True for an intermediate that requires a gradient but whose graph an earlier Backward or Reset consumed.</summary>
    private bool IsFromConsumedGraph(Tensor<T>? t) => t is { IsLeaf: false, RequiresGrad: true } && t.Graph != _graph;

    /// <summary>
    /// Marks that <paramref name="t"/>'s gradient is about to receive a contribution and says whether to add to it
    /// (β = 1) or overwrite it (β = 0): a leaf adds, unless it was zeroed since its last contribution (its zeros were
    /// deferred, <see cref="Tensor{T}.ZeroGrad"/>); an intermediate overwrites on its first contribution in this pass.
    /// </summary>
    private bool BeginGradWrite(Tensor<T> t)
    {
        bool accumulate = t.IsLeaf ? t.BeginLeafGradWrite() : t.GradEpoch == _epoch;
        t.GradEpoch = _epoch;
        return accumulate;
    }

    /// <summary>A result tensor from the arena: the buffer this slot had last step if the shape matches, else a new one.</summary>
    private Tensor<T> NewResult(int rows, int cols, bool requiresGrad)
    {
        Tensor<T> t;
        if (_arenaCursor < _arena.Count && _arena[_arenaCursor] is var old && old.Rows == rows && old.Cols == cols)
        {
            t = old;
            t.RequiresGrad = requiresGrad;
        }
        else
        {
            t = new Tensor<T>(rows, cols, requiresGrad, isLeaf: false);
            if (_arenaCursor < _arena.Count)
                _arena[_arenaCursor] = t;
            else
                _arena.Add(t);
        }
        _arenaCursor++;
        return t;
    }

    /// <summary>True when an op on these inputs must be recorded: recording is on and some input requires a gradient.</summary>
    private bool ShouldRecord(Tensor<T> a, Tensor<T>? b = null, Tensor<T>? c = null) =>
        _noGradDepth == 0 && (a.RequiresGrad || (b?.RequiresGrad ?? false) || (c?.RequiresGrad ?? false));

    private void Record(OpCode op, Tensor<T> result, Tensor<T> a, Tensor<T>? b = null, Tensor<T>? c = null,
        Tensor<T>? scratch = null, T s0 = default, T s1 = default, int i0 = 0)
    {
        if (_nodeCount == _nodes.Length)
            Array.Resize(ref _nodes, _nodes.Length * 2);
        result.Graph = _graph;
        _nodes[_nodeCount++] = new Node<T>
        {
            Op = op, Result = result, A = a, B = b, C = c, Scratch = scratch, S0 = s0, S1 = s1, I0 = i0,
        };
    }

    private void ClearNodes()
    {
        // Drop references so the arena alone keeps tensors alive; the array itself is kept (no allocation next step).
        Array.Clear(_nodes, 0, _nodeCount);
        _nodeCount = 0;
        _graph++;
    }
}

/// <summary>The ops the tape knows; each has one forward method in Ops.cs and one backward arm in Backward.cs.</summary>
internal enum OpCode
{
    MatMul, Linear, Add, Sub, Mul, Neg, Scale, AddScalar, Relu, Tanh, Exp, Log, Softplus, Square,
    Sum, Mean, SumRows, Min, Clamp, ConcatColumns, SliceColumns,
}

/// <summary>One recorded op: its code, result, inputs (A, B, C), an op-owned scratch buffer and scalar arguments.</summary>
internal struct Node<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public OpCode Op;
    public Tensor<T> Result;
    public Tensor<T> A;
    public Tensor<T>? B;
    public Tensor<T>? C;
    public Tensor<T>? Scratch;
    public T S0;
    public T S1;
    public int I0;
}
