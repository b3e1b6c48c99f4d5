using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Sac.Kernels;

/// <summary>
/// Optimizer updates fused into one pass over flat buffers: Adam (PyTorch's semantics) and Polyak averaging.
/// </summary>
public static unsafe class OptimizerKernels
{
    /// <summary>
    /// One Adam step (Kingma and Ba 2015) in PyTorch's formulation (torch.optim.Adam, no weight decay, no amsgrad), in one pass:
    /// <code>
    /// g  = gradScale · gradient                    (gradScale ≠ 1 is how gradient-norm clipping is applied)
    /// m ← m + (1 − β1)·(g − m)                     (= β1·m + (1 − β1)·g, as torch's lerp)
    /// v ← β2·v + (1 − β2)·g²
    /// p ← p − (lr / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + ε)     (bias correction; ε outside the square root)
    /// </code>
    /// <paramref name="step"/> is t, counted from 1 for the first update.
    /// </summary>
    public static void Adam<T>(Span<T> parameters, ReadOnlySpan<T> gradient, Span<T> m, Span<T> v,
        T learningRate, T beta1, T beta2, T epsilon, long step, T gradScale)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        AdamRange(parameters, gradient, m, v, learningRate, beta1, beta2, epsilon, step, gradScale);
    }

    /// <summary>
    /// <see cref="Adam{T}(Span{T}, ReadOnlySpan{T}, Span{T}, Span{T}, T, T, T, T, long, T)"/> split over up to
    /// <paramref name="threads"/> threads (contiguous ranges; bitwise identical for any thread count).
    /// </summary>
    public static void Adam<T>(Span<T> parameters, ReadOnlySpan<T> gradient, Span<T> m, Span<T> v,
        T learningRate, T beta1, T beta2, T epsilon, long step, T gradScale, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int parts = Parts(parameters.Length, threads);
        if (parts == 1 || gradient.Length != parameters.Length || m.Length != parameters.Length || v.Length != parameters.Length)
        {
            AdamRange(parameters, gradient, m, v, learningRate, beta1, beta2, epsilon, step, gradScale);
            return;
        }
        if (step < 1)
            throw new ArgumentOutOfRangeException(nameof(step), step, "Adam's step count starts at 1.");
        fixed (T* p = parameters, g = gradient, pm = m, pv = v)
        {
            var job = AdamJob<T>.Current;
            job.Length = parameters.Length;
            job.Parameters = p;
            job.Gradient = g;
            job.M = pm;
            job.V = pv;
            (job.LearningRate, job.Beta1, job.Beta2, job.Epsilon, job.Step, job.GradScale) = (learningRate, beta1, beta2, epsilon, step, gradScale);
            job.Prepare(parts);
            Threading.WorkerPool.Shared.Run(job, parts);
        }
    }

    /// <summary>The Adam update of one range (the whole buffers, or one thread's part of them).</summary>
    internal static void AdamRange<T>(Span<T> parameters, ReadOnlySpan<T> gradient, Span<T> m, Span<T> v,
        T learningRate, T beta1, T beta2, T epsilon, long step, T gradScale)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = parameters.Length;
        if (gradient.Length != n || m.Length != n || v.Length != n)
            throw new ArgumentException($"Adam buffers differ in length (parameters {n}, gradient {gradient.Length}, m {m.Length}, v {v.Length}).");
        if (step < 1)
            throw new ArgumentOutOfRangeException(nameof(step), step, "Adam's step count starts at 1.");

        T biasCorrection1 = T.One - T.Pow(beta1, T.CreateChecked(step));
        T biasCorrection2Sqrt = T.Sqrt(T.One - T.Pow(beta2, T.CreateChecked(step)));
        T stepSize = learningRate / biasCorrection1;
        T oneMinusBeta1 = T.One - beta1, oneMinusBeta2 = T.One - beta2;

        ref T p = ref MemoryMarshal.GetReference(parameters);
        ref T gr = ref MemoryMarshal.GetReference(gradient);
        ref T mr = ref MemoryMarshal.GetReference(m);
        ref T vr = ref MemoryMarshal.GetReference(v);
        int i = 0;
        if (KernelIsa.Active == Isa.Avx512)
        {
            var vScale = Vector512.Create(gradScale);
            var vB2 = Vector512.Create(beta2);
            var vOneMinusB1 = Vector512.Create(oneMinusBeta1);
            var vOneMinusB2 = Vector512.Create(oneMinusBeta2);
            var vBc2 = Vector512.Create(biasCorrection2Sqrt);
            var vEps = Vector512.Create(epsilon);
            var vStep = Vector512.Create(stepSize);
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                var g = Vector512.LoadUnsafe(ref gr, (nuint)i) * vScale;
                var mi = Vector512.LoadUnsafe(ref mr, (nuint)i);
                var vi = Vector512.LoadUnsafe(ref vr, (nuint)i);
                mi += vOneMinusB1 * (g - mi);
                vi = vB2 * vi + vOneMinusB2 * (g * g);
                var denom = Vector512.Sqrt(vi) / vBc2 + vEps;
                var pi = Vector512.LoadUnsafe(ref p, (nuint)i) - vStep * mi / denom;
                mi.StoreUnsafe(ref mr, (nuint)i);
                vi.StoreUnsafe(ref vr, (nuint)i);
                pi.StoreUnsafe(ref p, (nuint)i);
            }
        }
        if (KernelIsa.Active >= Isa.Avx2)
        {
            var vScale = Vector256.Create(gradScale);
            var vB2 = Vector256.Create(beta2);
            var vOneMinusB1 = Vector256.Create(oneMinusBeta1);
            var vOneMinusB2 = Vector256.Create(oneMinusBeta2);
            var vBc2 = Vector256.Create(biasCorrection2Sqrt);
            var vEps = Vector256.Create(epsilon);
            var vStep = Vector256.Create(stepSize);
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                var g = Vector256.LoadUnsafe(ref gr, (nuint)i) * vScale;
                var mi = Vector256.LoadUnsafe(ref mr, (nuint)i);
                var vi = Vector256.LoadUnsafe(ref vr, (nuint)i);
                mi += vOneMinusB1 * (g - mi);
                vi = vB2 * vi + vOneMinusB2 * (g * g);
                var denom = Vector256.Sqrt(vi) / vBc2 + vEps;
                var pi = Vector256.LoadUnsafe(ref p, (nuint)i) - vStep * mi / denom;
                mi.StoreUnsafe(ref mr, (nuint)i);
                vi.StoreUnsafe(ref vr, (nuint)i);
                pi.StoreUnsafe(ref p, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            T g = Unsafe.Add(ref gr, i) * gradScale;
            ref T mi = ref Unsafe.Add(ref mr, i);
            ref T vi = ref Unsafe.Add(ref vr, i);
            mi += oneMinusBeta1 * (g - mi);
            vi = beta2 * vi + oneMinusBeta2 * (g * g);
            T denom = T.Sqrt(vi) / biasCorrection2Sqrt + epsilon;
            Unsafe.Add(ref p, i) -= stepSize * mi / denom;
        }
    }

    /// <summary>
    /// Polyak averaging, target ← (1 − τ)·target + τ·source, in one pass (SB3's polyak_update; the source is only read).
    /// CRUCIAL: the direction. The target moves τ of the way toward the source, never the reverse.
    /// </summary>
    public static void Polyak<T>(Span<T> target, ReadOnlySpan<T> source, T tau) where T : unmanaged, IFloatingPointIeee754<T>
    {
        PolyakRange(target, source, tau);
    }

    /// <summary><see cref="Polyak{T}(Span{T}, ReadOnlySpan{T}, T)"/> split over up to <paramref name="threads"/> threads
    /// (contiguous ranges; bitwise identical for any thread count).</summary>
    public static void Polyak<T>(Span<T> target, ReadOnlySpan<T> source, T tau, int threads) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int parts = Parts(target.Length, threads);
        if (parts == 1 || source.Length != target.Length || !(tau >= T.Zero && tau <= T.One))
        {
            PolyakRange(target, source, tau);
            return;
        }
        fixed (T* t = target, s = source)
        {
            var job = PolyakJob<T>.Current;
            job.Length = target.Length;
            job.Target = t;
            job.Source = s;
            job.Tau = tau;
            job.Prepare(parts);
            Threading.WorkerPool.Shared.Run(job, parts);
        }
    }

    private static int Parts(int length, int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        return length < RangeJob<float>.MinParallelLength ? 1 : Math.Min(threads, Threading.WorkerPool.MaxParts);
    }

    /// <summary>The Polyak update of one range (the whole buffers, or one thread's part of them).</summary>
    internal static void PolyakRange<T>(Span<T> target, ReadOnlySpan<T> source, T tau) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (target.Length != source.Length)
            throw new ArgumentException($"Polyak buffers differ in length (target {target.Length}, source {source.Length}).");
        if (!(tau >= T.Zero && tau <= T.One))
            throw new ArgumentOutOfRangeException(nameof(tau), tau, "τ must lie in [0, 1].");
        T keep = T.One - tau;
        ref T t = ref MemoryMarshal.GetReference(target);
        ref T s = ref MemoryMarshal.GetReference(source);
        int n = target.Length, i = 0;
        if (KernelIsa.Active == Isa.Avx512)
        {
            var vKeep = Vector512.Create(keep);
            var vTau = Vector512.Create(tau);
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
                (Vector512.LoadUnsafe(ref t, (nuint)i) * vKeep + vTau * Vector512.LoadUnsafe(ref s, (nuint)i)).StoreUnsafe(ref t, (nuint)i);
        }
        if (KernelIsa.Active >= Isa.Avx2)
        {
            var vKeep = Vector256.Create(keep);
            var vTau = Vector256.Create(tau);
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
                (Vector256.LoadUnsafe(ref t, (nuint)i) * vKeep + vTau * Vector256.LoadUnsafe(ref s, (nuint)i)).StoreUnsafe(ref t, (nuint)i);
        }
        for (; i < n; i++)
            Unsafe.Add(ref t, i) = Unsafe.Add(ref t, i) * keep + tau * Unsafe.Add(ref s, i);
    }

    /// <summary>
    /// <see cref="AddSumOfSquares{T}(Span{T}, ReadOnlySpan{T})"/> in fixed chunks of <see cref="SumChunk"/> elements, over
    /// up to <paramref name="threads"/> threads: each chunk's squares are summed as that overload sums them, and the
    /// chunks' sums then in chunk order, in double. The chunks depend on the length only, so the result is bitwise
    /// identical for any thread count (not to the one-chunk overload's, which sums every lane to the end in T).
    /// </summary>
    public static double AddSumOfSquares<T>(Span<T> total, ReadOnlySpan<T> other, int threads) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (total.Length != other.Length)
            throw new ArgumentException($"The buffers differ in length ({total.Length} and {other.Length}).");
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        int chunks = (total.Length + SumChunk - 1) / SumChunk;
        fixed (T* t = total, o = other)
        {
            var job = SumOfSquaresJob<T>.Current;
            job.Start(t, o, total.Length, chunks);
            int parts = Math.Min(Parts(total.Length, threads), chunks);
            if (parts <= 1)
                job.Execute(0, 1);
            else
                Threading.WorkerPool.Shared.Run(job, parts);
            return job.Total();
        }
    }

    /// <summary>Elements per chunk of the threaded <see cref="AddSumOfSquares{T}(Span{T}, ReadOnlySpan{T}, int)"/>: a
    /// multiple of every vector width, and of 64 elements (whole cache lines). Part of the arithmetic: never change it
    /// with the thread count.</summary>
    public const int SumChunk = 8192;

    /// <summary>
    /// Effectively computes total[i] += other[i] for every i and returns Σ total[i]² (after the add), in one pass: the sum
    /// of two threads' gradients and the squared norm an optimizer checks it with. The squares are summed per vector lane
    /// and the lanes then in order, so the result depends on the ISA and the length only.
    /// </summary>
    public static double AddSumOfSquares<T>(Span<T> total, ReadOnlySpan<T> other) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (total.Length != other.Length)
            throw new ArgumentException($"The buffers differ in length ({total.Length} and {other.Length}).");
        ref T t = ref MemoryMarshal.GetReference(total);
        ref T o = ref MemoryMarshal.GetReference(other);
        int n = total.Length, i = 0;
        T sum = T.Zero;
        if (KernelIsa.Active == Isa.Avx512)
        {
            var acc = Vector512<T>.Zero;
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                var x = Vector512.LoadUnsafe(ref t, (nuint)i) + Vector512.LoadUnsafe(ref o, (nuint)i);
                x.StoreUnsafe(ref t, (nuint)i);
                acc += x * x;
            }
            sum += Vector512.Sum(acc);
        }
        if (KernelIsa.Active >= Isa.Avx2)
        {
            var acc = Vector256<T>.Zero;
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                var x = Vector256.LoadUnsafe(ref t, (nuint)i) + Vector256.LoadUnsafe(ref o, (nuint)i);
                x.StoreUnsafe(ref t, (nuint)i);
                acc += x * x;
            }
            sum += Vector256.Sum(acc);
        }
        for (; i < n; i++)
        {
            T x = Unsafe.Add(ref t, i) + Unsafe.Add(ref o, i);
            Unsafe.Add(ref t, i) = x;
            sum += x * x;
        }
        return double.CreateChecked(sum);
    }
}
