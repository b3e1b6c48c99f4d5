namespace Sac.Kernels;

/// <summary>Which algorithm a GEMM call takes; chosen from the shape and layouts only, never from the thread count.</summary>
internal enum GemmPath
{
    /// <summary>k = 0: C = act(β·C + bias), no products.</summary>
    EpilogueOnly,
    /// <summary>n = 1, A stored m×k: one dot product per row of A.</summary>
    DotRowsOfA,
    /// <summary>n = 1, A stored k×m: y = Σ_p b[p]·A[p, :].</summary>
    AxpyRowsOfA,
    /// <summary>m = 1, B stored n×k: one dot product per row of B.</summary>
    DotRowsOfB,
    /// <summary>m = 1, B stored k×n: y = Σ_p a[p]·B[p, :].</summary>
    AxpyRowsOfB,
    /// <summary>k = 1: C = act(a·bᵀ + β·C + bias), an outer product that is all stores; a and b are contiguous.</summary>
    RankOne,
    /// <summary>The BLIS loops: blocking, packing, macro- and micro-kernel.</summary>
    Blocked,
}
