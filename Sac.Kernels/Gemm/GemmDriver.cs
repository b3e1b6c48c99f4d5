using System.Numerics;
using Sac.Kernels.Threading;

namespace Sac.Kernels;

/// <summary>
/// The GEMM driver for one micro-kernel: picks the path, splits the work over threads, and runs BLIS loops 5, 4 and 3
/// (NC, KC, MC blocking and packing) around <see cref="GemmMacroKernel{T, TKernel}"/>.
/// </summary>
internal static unsafe class GemmDriver<T, TKernel>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TKernel : struct, IMicroKernel<T>
{
    /// <summary>
    /// Below this many flops per part, more threads cost more (waking a worker) than they save; the part count is
    /// capped so that each part has at least this much work. A speed choice only: results do not depend on it.
    /// </summary>
    private const long MinFlopsPerPart = 1 << 18;

    private static int KC => GemmBlocking.KC(TKernel.MR, TKernel.NR, sizeof(T));
    private static int MC => GemmBlocking.MC(TKernel.MR, TKernel.NR, sizeof(T));
    private static int NC => GemmBlocking.NC(TKernel.MR, TKernel.NR, sizeof(T));
    private static bool Vectorized => TKernel.Isa != Isa.Scalar;

    /// <summary>Runs the whole call on up to <paramref name="threads"/> threads.</summary>
    public static void Multiply(in GemmArgs<T> g, int threads)
    {
        GemmPath path = ChoosePath(g);
        bool splitN = SplitsAlongN(g, path);
        int unit = SplitUnit(path, splitN);
        int extent = splitN ? g.N : g.M;
        int units = (extent + unit - 1) / unit;
        long flops = 2L * g.M * g.N * Math.Max(g.K, 1);
        int parts = (int)Math.Min(Math.Min(threads, WorkerPool.MaxParts), Math.Min(units, Math.Max(1, flops / MinFlopsPerPart)));
        if (path == GemmPath.EpilogueOnly || parts <= 1)
        {
            Execute(g, path, 0, g.M, 0, g.N);
            return;
        }
        // The work is cut into chunks that threads claim one at a time, so a thread that starts late (its core busy with
        // something else) simply takes fewer. Each chunk packs its own operands, so when a chunk would repack a whole
        // operand (A packed while splitting along n), there is only one chunk per part.
        int chunks = Math.Min(units, parts * ChunksPerPart);
        bool repacksPerChunk = path == GemmPath.Blocked && (splitN ? PacksA(g) : PacksB(g, g.M / chunks));
        GemmJob<T, TKernel> job = GemmJob<T, TKernel>.Current;
        job.Args = g;
        job.Path = path;
        job.SplitN = splitN;
        job.Unit = unit;
        job.Run(repacksPerChunk ? parts : chunks, parts);
    }

    /// <summary>Chunks per thread when chunks cost nothing extra: enough to even out a thread that starts late.</summary>
    private const int ChunksPerPart = 4;

    /// <summary>
    /// Whether op(A) is packed. Row-major A is read in place (the kernel broadcasts one element per row and k step, so
    /// any layout works, and six rows are six sequential streams), and so is transposed A when k is small. Stored
    /// transposed with a long k, the micro-panel would touch a new cache line per k step: pack it.
    /// </summary>
    private static bool PacksA(in GemmArgs<T> g) => g.K > GemmBlocking.SmallK && g.AKStride != 1;

    /// <summary>
    /// Whether op(B) is packed for a block of <paramref name="rows"/> rows of C. Transposed B always is (the kernel
    /// needs NR adjacent columns); B stored k×n is when its micro-panels are reused by many A micro-panels: in place,
    /// a KC×NR micro-panel with a row stride of n maps onto a handful of L1 sets and thrashes.
    /// NOTE: measured on m×256×256 TN, m = 24 runs faster with B in place (74 vs 66 GFLOP/s), m ≥ 48 with B packed.
    /// </summary>
    private static bool PacksB(in GemmArgs<T> g, int rows) =>
        g.BColStride != 1 || rows > GemmBlocking.InPlaceBMaxPanels * TKernel.MR;

    private static GemmPath ChoosePath(in GemmArgs<T> g)
    {
        if (g.K == 0)
            return GemmPath.EpilogueOnly;
        if (g.N == 1)
            return g.AKStride == 1 ? GemmPath.DotRowsOfA : GemmPath.AxpyRowsOfA;
        if (g.M == 1)
            return g.BColStride == 1 ? GemmPath.AxpyRowsOfB : GemmPath.DotRowsOfB;
        if (g.K == 1)
            return GemmPath.RankOne;
        return GemmPath.Blocked;
    }

    private static bool SplitsAlongN(in GemmArgs<T> g, GemmPath path) => path switch
    {
        GemmPath.DotRowsOfB or GemmPath.AxpyRowsOfB => true,
        GemmPath.Blocked or GemmPath.RankOne => (g.N + TKernel.NR - 1) / TKernel.NR >= (g.M + TKernel.MR - 1) / TKernel.MR,
        _ => false,
    };

    /// <summary>Thread splits fall on multiples of this many rows (or columns): whole tiles or whole GEMV blocks.</summary>
    private static int SplitUnit(GemmPath path, bool splitN) => path switch
    {
        GemmPath.DotRowsOfA or GemmPath.DotRowsOfB => GemmGemv<T>.DotBlock,
        GemmPath.AxpyRowsOfA or GemmPath.AxpyRowsOfB => GemmGemv<T>.AxpyBlock,
        _ => splitN ? TKernel.NR : TKernel.MR,
    };

    /// <summary>Computes C[i0..i1, j0..j1] by <paramref name="path"/>. Every element's sum is independent of the range.</summary>
    public static void Execute(in GemmArgs<T> g, GemmPath path, int i0, int i1, int j0, int j1)
    {
        switch (path)
        {
            case GemmPath.EpilogueOnly:
                for (int i = i0; i < i1; i++)
                {
                    T* ci = g.C + (nint)i * g.N;
                    for (int j = j0; j < j1; j++)
                        ci[j] = GemmEpilogue<T>.Finish(T.Zero, ci[j], g.Bias == null ? T.Zero : g.Bias[j], g.Accumulate, g.Relu);
                }
                break;
            case GemmPath.DotRowsOfA:
                // C (m×1) = A (m×k) · b: C and b are contiguous whatever transB says, the bias is one element.
                GemmGemv<T>.DotRows(Vectorized, g.A, g.K, i0, i1, g.K, g.B, g.C, g.Bias, 0, g.Accumulate, g.Relu);
                break;
            case GemmPath.AxpyRowsOfA:
                GemmGemv<T>.AxpyColumns(Vectorized, g.A, g.M, i0, i1, g.K, g.B, g.C, g.Bias, 0, g.Accumulate, g.Relu);
                break;
            case GemmPath.DotRowsOfB:
                // C (1×n) = a · op(B): a is contiguous whatever transA says, the bias has n elements.
                GemmGemv<T>.DotRows(Vectorized, g.B, g.K, j0, j1, g.K, g.A, g.C, g.Bias, 1, g.Accumulate, g.Relu);
                break;
            case GemmPath.AxpyRowsOfB:
                GemmGemv<T>.AxpyColumns(Vectorized, g.B, g.N, j0, j1, g.K, g.A, g.C, g.Bias, 1, g.Accumulate, g.Relu);
                break;
            case GemmPath.RankOne:
                // k = 1: op(A) is a column and op(B) a row, both contiguous whatever the transposes say.
                GemmRankOne<T>.Run(Vectorized, g.A, g.B, g.C, g.N, i0, i1, j0, j1, g.Bias, g.Accumulate, g.Relu);
                break;
            default:
                RunBlocked(g, i0, i1, j0, j1);
                break;
        }
    }

    /// <summary>BLIS loops 5, 4 and 3 over C[i0..i1, j0..j1], with this thread's pack buffers.</summary>
    private static void RunBlocked(in GemmArgs<T> g, int i0, int i1, int j0, int j1)
    {
        int mr = TKernel.MR, nr = TKernel.NR;
        int kStep = GemmBlocking.KStep(g.K, KC);
        bool packA = PacksA(g);
        bool packB = PacksB(g, i1 - i0);
        int ncMax = Math.Min(NC, RoundUp(j1 - j0, nr));
        int mcMax = Math.Min(MC, RoundUp(i1 - i0, mr));
        nint aBytes = GemmWorkspace.Align((nint)(packA ? mcMax : mr) * kStep * sizeof(T));
        nint bBytes = GemmWorkspace.Align((nint)(packB ? ncMax : nr) * kStep * sizeof(T));
        nint tileBytes = GemmWorkspace.Align((nint)mr * nr * sizeof(T));
        byte* buffer = GemmWorkspace.Current.Reserve(aBytes + bBytes + tileBytes);
        T* aBuffer = (T*)buffer;
        T* bBuffer = (T*)(buffer + aBytes);
        T* tile = (T*)(buffer + aBytes + bBytes);

        // Loop 5 (jc, step NC): one panel of B's columns.
        for (int jc = j0; jc < j1; jc += NC)
        {
            int nc = Math.Min(NC, j1 - jc);
            // Loop 4 (pc, step KC): one KC slice of the sum; passes after the first accumulate into C.
            for (int pc = 0; pc < g.K; pc += kStep)
            {
                int kc = Math.Min(kStep, g.K - pc);
                bool firstPass = pc == 0, lastPass = pc + kc == g.K;
                PanelView<T> b;
                if (packB)
                {
                    GemmPacking<T>.PackB(g, nr, jc, nc, pc, kc, bBuffer);
                    b = new PanelView<T>(bBuffer, 0, nr, (nint)nr * kc, null);
                }
                else
                {
                    int partial = nc % nr;
                    if (partial != 0)
                        GemmPacking<T>.PackB(g, nr, jc + nc - partial, partial, pc, kc, bBuffer);
                    b = new PanelView<T>(g.B + pc * g.BKStride + jc, 0, g.BKStride, nr, partial != 0 ? bBuffer : null);
                }

                // Loop 3 (ic, step MC): one block of A's rows, reused across the whole B panel.
                for (int ic = i0; ic < i1; ic += MC)
                {
                    int mc = Math.Min(MC, i1 - ic);
                    PanelView<T> a;
                    if (packA)
                    {
                        GemmPacking<T>.PackA(g, mr, ic, mc, pc, kc, aBuffer);
                        a = new PanelView<T>(aBuffer, 1, mr, (nint)mr * kc, null);
                    }
                    else
                    {
                        int partial = mc % mr;
                        if (partial != 0)
                            GemmPacking<T>.PackA(g, mr, ic + mc - partial, partial, pc, kc, aBuffer);
                        a = new PanelView<T>(g.A + ic * g.ARowStride + pc * g.AKStride, g.ARowStride, g.AKStride,
                            mr * g.ARowStride, partial != 0 ? aBuffer : null);
                    }

                    GemmMacroKernel<T, TKernel>.Run(mc, nc, kc, a, b, g.C + (nint)ic * g.N + jc, g.N,
                        lastPass && g.Bias != null ? g.Bias + jc : null,
                        accumulate: g.Accumulate || !firstPass, relu: lastPass && g.Relu, tile);
                }
            }
        }
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
}
