using System.Numerics;
using Sac.Kernels;

namespace Sac.Autodiff;

// Every backward rule, one arm per op, all of the same shape:
//   the math on the first line; then, for each input that requires a gradient, BeginGradWrite says whether its
//   gradient buffer is added to (β = 1) or, for an intermediate's first contribution in this pass, overwritten (β = 0).
// Vocabulary: grad = dLoss/dResult (incoming), result = the op's saved output, a, b, c = its inputs, dA, dB, dC = their gradients.
public sealed partial class Tape<T>
{
    private void RunBackward(ref Node<T> node)
    {
        var result = node.Result;
        var grad = result.Grad;
        var a = node.A;
        var b = node.B;
        int m = result.Rows, n = result.Cols;
        switch (node.Op)
        {
            case OpCode.MatMul:
            {
                // MatMul C = A·B (A m×k, B k×n):  dA += dC·Bᵀ,  dB += Aᵀ·dC
                int k = a.Cols;
                if (a.RequiresGrad)
                    Gemm.Multiply<T>(Transpose.No, Transpose.Yes, m, k, n, grad, b!.Span, a.EnsureGrad(), Beta(a), threads: _threads);
                if (b!.RequiresGrad)
                    Gemm.Multiply<T>(Transpose.Yes, Transpose.No, k, n, m, a.Span, grad, b.EnsureGrad(), Beta(b), threads: _threads);
                break;
            }
            case OpCode.Linear:
            {
                // Linear Y = act(X·W + b):  G = dY ⊙ act′ (for ReLU, act′ = [Y > 0]);  dX += G·Wᵀ,  dW += Xᵀ·G,  db += Σ_rows G
                var w = b!;
                var bias = node.C!;
                ReadOnlySpan<T> g = grad;
                bool biasDone = false;
                if ((Activation)node.I0 == Activation.Relu)
                {
                    // The mask and the bias gradient in one sweep (rows stay in L1 between the two).
                    var masked = node.Scratch!.Span;
                    if (bias.RequiresGrad)
                    {
                        Matrices.ReluBackwardColumnSums<T>(grad, result.Span, masked, bias.EnsureGrad(), m, n, BeginGradWrite(bias));
                        biasDone = true;
                    }
                    else
                        Elementwise.ReluBackward<T>(grad, result.Span, masked, accumulate: false);
                    g = masked;
                }
                int k = a.Cols;
                if (a.RequiresGrad)
                    Gemm.Multiply<T>(Transpose.No, Transpose.Yes, m, k, n, g, w.Span, a.EnsureGrad(), Beta(a), threads: _threads);
                if (w.RequiresGrad)
                    Gemm.Multiply<T>(Transpose.Yes, Transpose.No, k, n, m, a.Span, g, w.EnsureGrad(), Beta(w), threads: _threads);
                if (bias.RequiresGrad && !biasDone)
                    Matrices.ColumnSums<T>(g, bias.EnsureGrad(), m, n, BeginGradWrite(bias), T.One);
                break;
            }
            case OpCode.Add:
            {
                // Add C = A + B (B same shape, or a row vector broadcast over rows):  dA += dC,  dB += dC (or Σ_rows dC)
                if (a.RequiresGrad)
                    Elementwise.Accumulate<T>(grad, a.EnsureGrad(), BeginGradWrite(a));
                if (b!.RequiresGrad)
                    AccumulateIntoOperand(b, grad, m, n, T.One);
                break;
            }
            case OpCode.Sub:
            {
                // Sub C = A − B:  dA += dC,  dB −= dC (or −Σ_rows dC)
                if (a.RequiresGrad)
                    Elementwise.Accumulate<T>(grad, a.EnsureGrad(), BeginGradWrite(a));
                if (b!.RequiresGrad)
                    AccumulateIntoOperand(b, grad, m, n, -T.One);
                break;
            }
            case OpCode.Mul:
            {
                // Mul C = A ⊙ B:  dA += dC ⊙ B,  dB += dC ⊙ A (or Σ_rows dC ⊙ A when B is a broadcast row vector)
                bool broadcast = b!.Rows != m;
                if (a.RequiresGrad)
                {
                    bool accumulate = BeginGradWrite(a);
                    var dA = a.EnsureGrad();
                    if (!broadcast)
                        Elementwise.MultiplyAccumulate<T>(grad, b.Span, dA, accumulate);
                    else
                        for (int r = 0; r < m; r++)
                            Elementwise.MultiplyAccumulate<T>(grad.Slice(r * n, n), b.Span, dA.Slice(r * n, n), accumulate);
                }
                if (b.RequiresGrad)
                {
                    if (!broadcast)
                        Elementwise.MultiplyAccumulate<T>(grad, a.Span, b.EnsureGrad(), BeginGradWrite(b));
                    else
                    {
                        var gradTimesA = node.Scratch!.Span;
                        Elementwise.Multiply<T>(grad, a.Span, gradTimesA);
                        Matrices.ColumnSums<T>(gradTimesA, b.EnsureGrad(), m, n, BeginGradWrite(b), T.One);
                    }
                }
                break;
            }
            case OpCode.Neg:
                // Neg C = −A:  dA −= dC
                Elementwise.ScaleAccumulate<T>(grad, -T.One, a.EnsureGrad(), BeginGradWrite(a));
                break;
            case OpCode.Scale:
                // Scale C = s·A:  dA += s·dC
                Elementwise.ScaleAccumulate<T>(grad, node.S0, a.EnsureGrad(), BeginGradWrite(a));
                break;
            case OpCode.AddScalar:
                // AddScalar C = A + s:  dA += dC
                Elementwise.Accumulate<T>(grad, a.EnsureGrad(), BeginGradWrite(a));
                break;
            case OpCode.Relu:
                // ReLU C = max(A, 0):  dA += dC ⊙ [C > 0]   (subgradient 0 at A = 0, as PyTorch)
                Elementwise.ReluBackward<T>(grad, result.Span, a.EnsureGrad(), BeginGradWrite(a));
                break;
            case OpCode.Tanh:
                // Tanh C = tanh(A):  dA += dC ⊙ (1 − C²)   (from the saved result: no second tanh)
                Elementwise.TanhBackward<T>(grad, result.Span, a.EnsureGrad(), BeginGradWrite(a));
                break;
            case OpCode.Exp:
                // Exp C = e^A:  dA += dC ⊙ C   (from the saved result)
                Elementwise.MultiplyAccumulate<T>(grad, result.Span, a.EnsureGrad(), BeginGradWrite(a));
                break;
            case OpCode.Log:
                // Log C = ln A:  dA += dC / A
                Elementwise.DivideAccumulate<T>(grad, a.Span, a.EnsureGrad(), BeginGradWrite(a));
                break;
            case OpCode.Softplus:
                // Softplus C = log(1 + e^A):  dA += dC ⊙ σ(A)
                Elementwise.SoftplusBackward<T>(grad, a.Span, a.EnsureGrad(), BeginGradWrite(a));
                break;
            case OpCode.Square:
                // Square C = A²:  dA += 2A ⊙ dC
                Elementwise.SquareBackward<T>(grad, a.Span, a.EnsureGrad(), BeginGradWrite(a));
                break;
            case OpCode.Sum:
                // Sum c = Σ A:  dA += dc (broadcast to every element)
                AddToEvery(a, grad[0]);
                break;
            case OpCode.Mean:
                // Mean c = Σ A / N:  dA += dc / N
                AddToEvery(a, grad[0] / T.CreateChecked(a.Length));
                break;
            case OpCode.SumRows:
                // SumRows c_r = Σ_j A_rj:  dA_rj += dc_r
                Matrices.BroadcastColumn<T>(grad, a.EnsureGrad(), a.Rows, a.Cols, BeginGradWrite(a));
                break;
            case OpCode.Min:
                // Min C = min(A, B):  dA += dC ⊙ [A ≤ B],  dB += dC ⊙ [B < A]   (tie rule: a tie sends the whole gradient to A)
                if (a.RequiresGrad)
                    Elementwise.MinBackwardFirst<T>(grad, a.Span, b!.Span, a.EnsureGrad(), BeginGradWrite(a));
                if (b!.RequiresGrad)
                    Elementwise.MinBackwardSecond<T>(grad, a.Span, b.Span, b.EnsureGrad(), BeginGradWrite(b));
                break;
            case OpCode.Clamp:
                // Clamp C = min(max(A, lo), hi):  dA += dC ⊙ [lo ≤ A ≤ hi]   (at a bound the gradient passes, as PyTorch)
                Elementwise.ClampBackward<T>(grad, a.Span, node.S0, node.S1, a.EnsureGrad(), BeginGradWrite(a));
                break;
            case OpCode.ConcatColumns:
                // ConcatColumns C = [A ‖ B]:  dA += dC[:, :a.Cols],  dB += dC[:, a.Cols:]
                if (a.RequiresGrad)
                    Matrices.CopyColumns<T>(grad, n, 0, a.EnsureGrad(), a.Cols, 0, m, a.Cols, BeginGradWrite(a));
                if (b!.RequiresGrad)
                    Matrices.CopyColumns<T>(grad, n, a.Cols, b.EnsureGrad(), b.Cols, 0, m, b.Cols, BeginGradWrite(b));
                break;
            case OpCode.SliceColumns:
            {
                // SliceColumns C = A[:, s:s+w]:  dA[:, s:s+w] += dC   (the other columns receive nothing: zeroed on a first write)
                bool accumulate = BeginGradWrite(a);
                var dA = a.EnsureGrad();
                if (!accumulate)
                    dA.Clear();
                Matrices.CopyColumns<T>(grad, n, 0, dA, a.Cols, node.I0, m, n, accumulate: true);
                break;
            }
            default:
                throw new InvalidOperationException($"No backward rule for {node.Op}.");
        }
    }

    /// <summary>β for a GEMM writing <paramref name="t"/>'s gradient (see <see cref="BeginGradWrite"/>).</summary>
    private GemmOutput Beta(Tensor<T> t) => BeginGradWrite(t) ? GemmOutput.Accumulate : GemmOutput.Overwrite;

    /// <summary>dA += value at every element (the backward of a full reduction).</summary>
    private void AddToEvery(Tensor<T> a, T value)
    {
        bool accumulate = BeginGradWrite(a);
        var dA = a.EnsureGrad();
        if (accumulate)
            Elementwise.AddScalar<T>(dA, value, dA);
        else
            dA.Fill(value);
    }

    /// <summary>dB += sign·dC, summing over rows when B was a broadcast row vector.</summary>
    private void AccumulateIntoOperand(Tensor<T> b, ReadOnlySpan<T> grad, int m, int n, T sign)
    {
        bool accumulate = BeginGradWrite(b);
        if (b.Rows == m)
            Elementwise.ScaleAccumulate<T>(grad, sign, b.EnsureGrad(), accumulate);
        else
            Matrices.ColumnSums<T>(grad, b.EnsureGrad(), m, n, accumulate, sign);
    }
}
