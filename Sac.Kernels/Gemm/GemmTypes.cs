namespace Sac.Kernels;

/// <summary>Whether a GEMM operand is used as stored (op(X) = X) or transposed (op(X) = Xᵀ).</summary>
public enum Transpose
{
    /// <summary>op(X) = X.</summary>
    No = 0,
    /// <summary>op(X) = Xᵀ.</summary>
    Yes = 1,
}

/// <summary>β in C = op(A)·op(B) + β·C: overwrite C (β = 0) or add to it (β = 1, what <c>dW += Xᵀ·dY</c> needs).</summary>
public enum GemmOutput
{
    /// <summary>β = 0: C's previous contents are ignored (they may be garbage, even NaN).</summary>
    Overwrite = 0,
    /// <summary>β = 1: the product is added to C.</summary>
    Accumulate = 1,
}

/// <summary>The activation a GEMM applies to C as its last step (a fused epilogue).</summary>
public enum Activation
{
    /// <summary>Identity.</summary>
    None = 0,
    /// <summary>max(x, 0).</summary>
    Relu = 1,
}
