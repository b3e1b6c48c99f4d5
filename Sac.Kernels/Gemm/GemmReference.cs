using System.Numerics;

namespace Sac.Kernels;

/// <summary>
/// The test oracle for <see cref="Gemm"/>: the textbook triple loop, with the same contract and none of the speed.
/// Sums each C element over k in ascending order.
/// </summary>
public static class GemmReference
{
    /// <summary>
    /// Effectively computes C = act(op(A)·op(B) + β·C + bias) with the same arguments as
    /// <see cref="Gemm.Multiply{T}(Transpose, Transpose, int, int, int, ReadOnlySpan{T}, ReadOnlySpan{T}, Span{T}, GemmOutput, ReadOnlySpan{T}, Activation, int)"/>.
    /// </summary>
    public static void Multiply<T>(
        Transpose transA, Transpose transB, int m, int n, int k,
        ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c,
        GemmOutput output = GemmOutput.Overwrite, ReadOnlySpan<T> bias = default, Activation activation = Activation.None)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Gemm.CheckArguments(transA, transB, m, n, k, a, b, c, bias);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                T sum = T.Zero;
                for (int p = 0; p < k; p++)
                {
                    T aip = transA == Transpose.No ? a[i * k + p] : a[p * m + i];
                    T bpj = transB == Transpose.No ? b[p * n + j] : b[j * k + p];
                    sum += aip * bpj;
                }
                if (output == GemmOutput.Accumulate)
                    sum += c[i * n + j];
                if (!bias.IsEmpty)
                    sum += bias[j];
                if (activation == Activation.Relu)
                    sum = T.Max(sum, T.Zero);
                c[i * n + j] = sum;
            }
        }
    }
}
