using System.Numerics;
using Sac.Kernels;

namespace Sac.Autodiff;

// The forward half of every op: check shapes, take a result from the arena, run the kernel, record the node.
// Each op's backward rule is its arm in Backward.cs.
public sealed partial class Tape<T>
{
    /// <summary>C = A·B for A m×k and B k×n.</summary>
    public Tensor<T> MatMul(Tensor<T> a, Tensor<T> b)
    {
        if (a.Cols != b.Rows)
            throw ShapeError("MatMul", $"A is {a.Rows}×{a.Cols} and B is {b.Rows}×{b.Cols}: A's columns must equal B's rows");
        bool record = ShouldRecord(a, b);
        var result = NewResult(a.Rows, b.Cols, record);
        Gemm.Multiply(Transpose.No, Transpose.No, a.Rows, b.Cols, a.Cols, a.Span, b.Span, result.Span, threads: _threads);
        if (record)
            Record(OpCode.MatMul, result, a, b);
        return result;
    }

    /// <summary>
    /// A dense layer, Y = act(X·W + b): X is batch×in, W is in×out, b is 1×out. ReLU is fused into the one GEMM pass;
    /// tanh is a separate <see cref="Tanh"/> op after it. (W is stored in×out, the transpose of PyTorch's
    /// nn.Linear.weight, so the forward product needs no transpose.)
    /// </summary>
    public Tensor<T> Linear(Tensor<T> x, Tensor<T> w, Tensor<T> b, Activation activation = Activation.None)
    {
        if (x.Cols != w.Rows)
            throw ShapeError("Linear", $"X is {x.Rows}×{x.Cols} and W is {w.Rows}×{w.Cols}: X's columns must equal W's rows");
        if (b.Rows != 1 || b.Cols != w.Cols)
            throw ShapeError("Linear", $"the bias must be 1×{w.Cols}, got {b.Rows}×{b.Cols}");
        if (activation is not (Activation.None or Activation.Relu or Activation.Tanh))
            throw new ArgumentOutOfRangeException(nameof(activation), activation, "Linear's activation must be None, Relu or Tanh.");
        if (activation == Activation.Tanh)
            return Tanh(Linear(x, w, b));
        bool relu = activation == Activation.Relu;
        bool record = ShouldRecord(x, w, b);
        var result = NewResult(x.Rows, w.Cols, record);
        Gemm.Multiply(Transpose.No, Transpose.No, x.Rows, w.Cols, x.Cols, x.Span, w.Span, result.Span,
            GemmOutput.Overwrite, b.Span, relu ? Kernels.Activation.Relu : Kernels.Activation.None, _threads);
        if (record)
        {
            // ReLU's backward masks the incoming gradient into a scratch buffer the three GEMM-shaped rules then read.
            var scratch = relu ? NewResult(x.Rows, w.Cols, false) : null;
            Record(OpCode.Linear, result, x, w, b, scratch, i0: (int)activation);
        }
        return result;
    }

    /// <summary>A + B, where B has A's shape or is a 1×n row vector broadcast over A's rows.</summary>
    public Tensor<T> Add(Tensor<T> a, Tensor<T> b) => Broadcastable(OpCode.Add, "Add", a, b);

    /// <summary>A − B, where B has A's shape or is a 1×n row vector broadcast over A's rows.</summary>
    public Tensor<T> Sub(Tensor<T> a, Tensor<T> b) => Broadcastable(OpCode.Sub, "Sub", a, b);

    /// <summary>A ⊙ B (elementwise), where B has A's shape or is a 1×n row vector broadcast over A's rows.</summary>
    public Tensor<T> Mul(Tensor<T> a, Tensor<T> b) => Broadcastable(OpCode.Mul, "Mul", a, b);

    /// <summary>−A.</summary>
    public Tensor<T> Neg(Tensor<T> a) => Unary(OpCode.Neg, a, static (x, _, _, y) => Elementwise.Negate<T>(x, y));

    /// <summary>s·A for a constant s (not differentiated).</summary>
    public Tensor<T> Scale(Tensor<T> a, T s) => Unary(OpCode.Scale, a, static (x, s, _, y) => Elementwise.Scale<T>(x, s, y), s);

    /// <summary>A + s for a constant s (not differentiated).</summary>
    public Tensor<T> AddScalar(Tensor<T> a, T s) => Unary(OpCode.AddScalar, a, static (x, s, _, y) => Elementwise.AddScalar<T>(x, s, y), s);

    /// <summary>max(A, 0).</summary>
    public Tensor<T> Relu(Tensor<T> a) => Unary(OpCode.Relu, a, static (x, _, _, y) => Elementwise.Relu<T>(x, y));

    /// <summary>tanh(A).</summary>
    public Tensor<T> Tanh(Tensor<T> a) => Unary(OpCode.Tanh, a, static (x, _, _, y) => Elementwise.Tanh<T>(x, y));

    /// <summary>e^A.</summary>
    public Tensor<T> Exp(Tensor<T> a) => Unary(OpCode.Exp, a, static (x, _, _, y) => Elementwise.Exp<T>(x, y));

    /// <summary>ln A.</summary>
    public Tensor<T> Log(Tensor<T> a) => Unary(OpCode.Log, a, static (x, _, _, y) => Elementwise.Log<T>(x, y));

    /// <summary>softplus(A) = log(1 + e^A), computed stably.</summary>
    public Tensor<T> Softplus(Tensor<T> a) => Unary(OpCode.Softplus, a, static (x, _, _, y) => Elementwise.Softplus<T>(x, y));

    /// <summary>A².</summary>
    public Tensor<T> Square(Tensor<T> a) => Unary(OpCode.Square, a, static (x, _, _, y) => Elementwise.Square<T>(x, y));

    /// <summary>Σ of all elements, as a 1×1 tensor.</summary>
    public Tensor<T> Sum(Tensor<T> a) => Reduce(OpCode.Sum, a);

    /// <summary>Mean of all elements, as a 1×1 tensor.</summary>
    public Tensor<T> Mean(Tensor<T> a)
    {
        if (a.Length == 0)
            throw ShapeError("Mean", "the mean of an empty tensor is undefined");
        return Reduce(OpCode.Mean, a);
    }

    /// <summary>Σ along each row: m×n → m×1 (e.g. log π summed over action dimensions).</summary>
    public Tensor<T> SumRows(Tensor<T> a)
    {
        bool record = ShouldRecord(a);
        var result = NewResult(a.Rows, 1, record);
        Matrices.RowSums<T>(a.Span, result.Span, a.Rows, a.Cols, accumulate: false);
        if (record)
            Record(OpCode.SumRows, result, a);
        return result;
    }

    /// <summary>Mean along each row: m×n → m×1. Derived: SumRows then Scale by 1/n.</summary>
    public Tensor<T> MeanRows(Tensor<T> a)
    {
        if (a.Cols == 0)
            throw ShapeError("MeanRows", "the mean of an empty row is undefined");
        return Scale(SumRows(a), T.One / T.CreateChecked(a.Cols));
    }

    /// <summary>min(A, B) elementwise, same shapes (the twin-Q minimum). On ties the gradient goes to A.</summary>
    public Tensor<T> Min(Tensor<T> a, Tensor<T> b)
    {
        if (a.Rows != b.Rows || a.Cols != b.Cols)
            throw ShapeError("Min", $"A is {a.Rows}×{a.Cols} and B is {b.Rows}×{b.Cols}: shapes must match");
        bool record = ShouldRecord(a, b);
        var result = NewResult(a.Rows, a.Cols, record);
        Elementwise.Min<T>(a.Span, b.Span, result.Span);
        if (record)
            Record(OpCode.Min, result, a, b);
        return result;
    }

    /// <summary>clamp(A, low, high). The gradient passes where low ≤ A ≤ high (bounds included, as PyTorch) and is 0 outside.</summary>
    public Tensor<T> Clamp(Tensor<T> a, T low, T high) =>
        Unary(OpCode.Clamp, a, static (x, low, high, y) => Elementwise.Clamp<T>(x, low, high, y), low, high);

    /// <summary>[A ‖ B]: the columns of A then those of B (e.g. state ‖ action into a Q-network). Row counts must match.</summary>
    public Tensor<T> ConcatColumns(Tensor<T> a, Tensor<T> b)
    {
        if (a.Rows != b.Rows)
            throw ShapeError("ConcatColumns", $"A has {a.Rows} rows and B has {b.Rows}: row counts must match");
        bool record = ShouldRecord(a, b);
        var result = NewResult(a.Rows, a.Cols + b.Cols, record);
        Matrices.CopyColumns<T>(a.Span, a.Cols, 0, result.Span, result.Cols, 0, a.Rows, a.Cols, false);
        Matrices.CopyColumns<T>(b.Span, b.Cols, 0, result.Span, result.Cols, a.Cols, a.Rows, b.Cols, false);
        if (record)
            Record(OpCode.ConcatColumns, result, a, b);
        return result;
    }

    /// <summary>Columns [start, start + width) of A (e.g. μ and log σ out of the policy's last layer).</summary>
    public Tensor<T> SliceColumns(Tensor<T> a, int start, int width)
    {
        if (start < 0 || width < 0 || start + width > a.Cols)
            throw ShapeError("SliceColumns", $"columns [{start}, {start + width}) are outside A's {a.Cols} columns");
        bool record = ShouldRecord(a);
        var result = NewResult(a.Rows, width, record);
        Matrices.CopyColumns<T>(a.Span, a.Cols, start, result.Span, width, 0, a.Rows, width, false);
        if (record)
            Record(OpCode.SliceColumns, result, a, i0: start);
        return result;
    }

    /// <summary>An elementwise kernel with up to two constants (<c>s0</c>, <c>s1</c>: Scale's s, Clamp's bounds), which the
    /// tape records beside the op for its backward rule. Static lambdas: nothing is captured, nothing allocated.</summary>
    private delegate void SpanKernel(ReadOnlySpan<T> x, T s0, T s1, Span<T> destination);

    private Tensor<T> Unary(OpCode op, Tensor<T> a, SpanKernel kernel, T s0 = default, T s1 = default)
    {
        bool record = ShouldRecord(a);
        var result = NewResult(a.Rows, a.Cols, record);
        kernel(a.Span, s0, s1, result.Span);
        if (record)
            Record(op, result, a, s0: s0, s1: s1);
        return result;
    }

    private Tensor<T> Broadcastable(OpCode op, string name, Tensor<T> a, Tensor<T> b)
    {
        bool rowBroadcast = b.Rows == 1 && a.Rows != 1 && b.Cols == a.Cols;
        if (!rowBroadcast && (a.Rows != b.Rows || a.Cols != b.Cols))
            throw ShapeError(name, $"A is {a.Rows}×{a.Cols} and B is {b.Rows}×{b.Cols}: B must match A or be a 1×{a.Cols} row vector");
        bool record = ShouldRecord(a, b);
        var result = NewResult(a.Rows, a.Cols, record);
        switch (op, rowBroadcast)
        {
            case (OpCode.Add, false): Elementwise.Add<T>(a.Span, b.Span, result.Span); break;
            case (OpCode.Add, true): Matrices.AddRowVector<T>(a.Span, b.Span, result.Span, a.Rows, a.Cols); break;
            case (OpCode.Sub, false): Elementwise.Subtract<T>(a.Span, b.Span, result.Span); break;
            case (OpCode.Sub, true): Matrices.SubtractRowVector<T>(a.Span, b.Span, result.Span, a.Rows, a.Cols); break;
            case (OpCode.Mul, false): Elementwise.Multiply<T>(a.Span, b.Span, result.Span); break;
            case (OpCode.Mul, true): Matrices.MultiplyRowVector<T>(a.Span, b.Span, result.Span, a.Rows, a.Cols); break;
        }
        if (record)
        {
            // Mul with a broadcast B needs A ⊙ grad before its column sum: an op-owned scratch buffer.
            var scratch = op == OpCode.Mul && rowBroadcast && b.RequiresGrad ? NewResult(a.Rows, a.Cols, false) : null;
            Record(op, result, a, b, scratch: scratch);
        }
        return result;
    }

    private Tensor<T> Reduce(OpCode op, Tensor<T> a)
    {
        bool record = ShouldRecord(a);
        var result = NewResult(1, 1, record);
        T sum = System.Numerics.Tensors.TensorPrimitives.Sum<T>(a.Span);
        result.Span[0] = op == OpCode.Mean ? sum / T.CreateChecked(a.Length) : sum;
        if (record)
            Record(op, result, a);
        return result;
    }

    private static ArgumentException ShapeError(string op, string detail) => new($"{op}: {detail}.");
}
