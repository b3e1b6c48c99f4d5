using System.Numerics;

namespace Sac.Kernels;

/// <summary>
/// Where the macro-kernel finds one operand's micro-panels: packed (contiguous, zero-padded) or in place in the
/// caller's matrix. Micro-panel q starts at <c>Data + q·PanelStep</c> and is read with <c>RowStride</c>/<c>KStride</c>;
/// a partial last micro-panel that cannot be read in place (it would run past the matrix) is taken from <c>Edge</c>,
/// a packed, zero-padded copy.
/// </summary>
internal unsafe struct PanelView<T>
    where T : unmanaged
{
    public T* Data;
    /// <summary>For A: stride between rows i. For B: unused (NR columns are always adjacent).</summary>
    public nint RowStride;
    /// <summary>Stride between k steps.</summary>
    public nint KStride;
    public nint PanelStep;
    /// <summary>Packed copy of the partial last micro-panel, or null when <c>Data</c> already covers it.</summary>
    public T* Edge;

    public PanelView(T* data, nint rowStride, nint kStride, nint panelStep, T* edge)
    {
        Data = data;
        RowStride = rowStride;
        KStride = kStride;
        PanelStep = panelStep;
        Edge = edge;
    }
}

/// <summary>
/// The BLIS macro-kernel: loops 2 and 1 around the micro-kernel, over one mc×kc block of op(A) and one kc×nc panel of
/// op(B). The B micro-panel of loop 2 stays in L1 while loop 1 streams A micro-panels from L2.
/// </summary>
internal static unsafe class GemmMacroKernel<T, TKernel>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TKernel : struct, IMicroKernel<T>
{
    /// <summary>
    /// Computes the mc×nc block of C at <paramref name="c"/>: act(A_block·B_panel + β·C + bias). Edge tiles are computed
    /// whole into <paramref name="tile"/> (MR×NR, from zero-padded panels) and only their valid part is written back.
    /// </summary>
    public static void Run(int mc, int nc, int kc, in PanelView<T> a, in PanelView<T> b, T* c, nint ldc,
        T* bias, bool accumulate, bool relu, T* tile)
    {
        int mrMax = TKernel.MR, nrMax = TKernel.NR;
        // Loop 2 (jr, step NR): one B micro-panel, kept in L1.
        for (int jr = 0; jr < nc; jr += nrMax)
        {
            int nr = Math.Min(nrMax, nc - jr);
            T* bp = nr < nrMax && b.Edge != null ? b.Edge : b.Data + (jr / nrMax) * b.PanelStep;
            nint rsB = nr < nrMax && b.Edge != null ? nrMax : b.KStride;
            T* biasJ = bias == null ? null : bias + jr;
            // Loop 1 (ir, step MR): one A micro-panel, streamed from L2.
            for (int ir = 0; ir < mc; ir += mrMax)
            {
                int mr = Math.Min(mrMax, mc - ir);
                bool edgeA = mr < mrMax && a.Edge != null;
                T* ap = edgeA ? a.Edge : a.Data + (ir / mrMax) * a.PanelStep;
                nint rsA = edgeA ? 1 : a.RowStride;
                nint csA = edgeA ? mrMax : a.KStride;
                T* cij = c + ir * ldc + jr;
                if (mr == mrMax && nr == nrMax)
                {
                    TKernel.Run(kc, ap, rsA, csA, bp, rsB, cij, ldc, biasJ, accumulate, relu);
                }
                else
                {
                    TKernel.Run(kc, ap, rsA, csA, bp, rsB, tile, nrMax, null, accumulate: false, relu: false);
                    GemmEpilogue<T>.FinishTile(tile, nrMax, mr, nr, cij, ldc, biasJ, accumulate, relu, TKernel.Isa != Isa.Scalar);
                }
            }
        }
    }
}
