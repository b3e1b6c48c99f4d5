using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Sac.Kernels;

/// <summary>
/// The loops behind every elementwise kernel: one driver per arity. Each owns the ISA dispatch
/// (<see cref="KernelIsa.Active"/>: Vector512 → Vector256 → scalar), the tail, and the β of its output:
/// <c>accumulate = false</c> writes destination = op(…), <c>accumulate = true</c> writes destination += op(…),
/// which is what a backward rule needs (gradients accumulate). The destination may be the same span as an input
/// (in place), but must not otherwise overlap one. Two shapes beyond one output per element serve the optimizers:
/// <see cref="BinaryAndSum"/> (a binary op and the sum of a term of its results, in the same pass) and
/// <see cref="Update"/> (three buffers updated in place from a fourth).
/// </summary>
public static class ElementwiseDriver
{
    /// <summary>destination[i] (+)= op(x[i]).</summary>
    public static void Unary<T, TOp>(TOp op, ReadOnlySpan<T> x, Span<T> destination, bool accumulate = false)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : struct, IUnaryOperator<T>
    {
        CheckLengths(x.Length, destination.Length);
        ref T xr = ref MemoryMarshal.GetReference(x);
        ref T dr = ref MemoryMarshal.GetReference(destination);
        int n = x.Length, i = 0;
        Isa isa = KernelIsa.Active;
        if (isa == Isa.Avx512)
        {
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                var r = op.Invoke(Vector512.LoadUnsafe(ref xr, (nuint)i));
                if (accumulate) r += Vector512.LoadUnsafe(ref dr, (nuint)i);
                r.StoreUnsafe(ref dr, (nuint)i);
            }
        }
        if (isa >= Isa.Avx2)
        {
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                var r = op.Invoke(Vector256.LoadUnsafe(ref xr, (nuint)i));
                if (accumulate) r += Vector256.LoadUnsafe(ref dr, (nuint)i);
                r.StoreUnsafe(ref dr, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            T r = op.Invoke(Unsafe.Add(ref xr, i));
            Unsafe.Add(ref dr, i) = accumulate ? Unsafe.Add(ref dr, i) + r : r;
        }
    }

    /// <summary>destination[i] (+)= op(x[i], y[i]).</summary>
    public static void Binary<T, TOp>(TOp op, ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination, bool accumulate = false)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : struct, IBinaryOperator<T>
    {
        CheckLengths(x.Length, y.Length, destination.Length);
        ref T xr = ref MemoryMarshal.GetReference(x);
        ref T yr = ref MemoryMarshal.GetReference(y);
        ref T dr = ref MemoryMarshal.GetReference(destination);
        int n = x.Length, i = 0;
        Isa isa = KernelIsa.Active;
        if (isa == Isa.Avx512)
        {
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                var r = op.Invoke(Vector512.LoadUnsafe(ref xr, (nuint)i), Vector512.LoadUnsafe(ref yr, (nuint)i));
                if (accumulate) r += Vector512.LoadUnsafe(ref dr, (nuint)i);
                r.StoreUnsafe(ref dr, (nuint)i);
            }
        }
        if (isa >= Isa.Avx2)
        {
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                var r = op.Invoke(Vector256.LoadUnsafe(ref xr, (nuint)i), Vector256.LoadUnsafe(ref yr, (nuint)i));
                if (accumulate) r += Vector256.LoadUnsafe(ref dr, (nuint)i);
                r.StoreUnsafe(ref dr, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            T r = op.Invoke(Unsafe.Add(ref xr, i), Unsafe.Add(ref yr, i));
            Unsafe.Add(ref dr, i) = accumulate ? Unsafe.Add(ref dr, i) + r : r;
        }
    }

    /// <summary>destination[i] (+)= op(x[i], y[i], z[i]).</summary>
    public static void Ternary<T, TOp>(TOp op, ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> z, Span<T> destination, bool accumulate = false)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : struct, ITernaryOperator<T>
    {
        CheckLengths(x.Length, y.Length, z.Length, destination.Length);
        ref T xr = ref MemoryMarshal.GetReference(x);
        ref T yr = ref MemoryMarshal.GetReference(y);
        ref T zr = ref MemoryMarshal.GetReference(z);
        ref T dr = ref MemoryMarshal.GetReference(destination);
        int n = x.Length, i = 0;
        Isa isa = KernelIsa.Active;
        if (isa == Isa.Avx512)
        {
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                var r = op.Invoke(Vector512.LoadUnsafe(ref xr, (nuint)i), Vector512.LoadUnsafe(ref yr, (nuint)i), Vector512.LoadUnsafe(ref zr, (nuint)i));
                if (accumulate) r += Vector512.LoadUnsafe(ref dr, (nuint)i);
                r.StoreUnsafe(ref dr, (nuint)i);
            }
        }
        if (isa >= Isa.Avx2)
        {
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                var r = op.Invoke(Vector256.LoadUnsafe(ref xr, (nuint)i), Vector256.LoadUnsafe(ref yr, (nuint)i), Vector256.LoadUnsafe(ref zr, (nuint)i));
                if (accumulate) r += Vector256.LoadUnsafe(ref dr, (nuint)i);
                r.StoreUnsafe(ref dr, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            T r = op.Invoke(Unsafe.Add(ref xr, i), Unsafe.Add(ref yr, i), Unsafe.Add(ref zr, i));
            Unsafe.Add(ref dr, i) = accumulate ? Unsafe.Add(ref dr, i) + r : r;
        }
    }

    /// <summary>
    /// destination[i] = op(x[i], y[i]), and returns Σ term(destination[i]), in one pass. The terms are summed per vector
    /// lane and the lanes then in order (the Vector512 lanes, then the Vector256 lanes of what is left, then the scalar
    /// tail one by one), in <typeparamref name="T"/>, so the sum depends on the ISA and the length only.
    /// </summary>
    public static T BinaryAndSum<T, TOp, TTerm>(TOp op, TTerm term, ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : struct, IBinaryOperator<T>
        where TTerm : struct, IUnaryOperator<T>
    {
        CheckLengths(x.Length, y.Length, destination.Length);
        ref T xr = ref MemoryMarshal.GetReference(x);
        ref T yr = ref MemoryMarshal.GetReference(y);
        ref T dr = ref MemoryMarshal.GetReference(destination);
        int n = x.Length, i = 0;
        T sum = T.Zero;
        Isa isa = KernelIsa.Active;
        if (isa == Isa.Avx512)
        {
            var acc = Vector512<T>.Zero;
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                var r = op.Invoke(Vector512.LoadUnsafe(ref xr, (nuint)i), Vector512.LoadUnsafe(ref yr, (nuint)i));
                r.StoreUnsafe(ref dr, (nuint)i);
                acc += term.Invoke(r);
            }
            sum += Vector512.Sum(acc);
        }
        if (isa >= Isa.Avx2)
        {
            var acc = Vector256<T>.Zero;
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                var r = op.Invoke(Vector256.LoadUnsafe(ref xr, (nuint)i), Vector256.LoadUnsafe(ref yr, (nuint)i));
                r.StoreUnsafe(ref dr, (nuint)i);
                acc += term.Invoke(r);
            }
            sum += Vector256.Sum(acc);
        }
        for (; i < n; i++)
        {
            T r = op.Invoke(Unsafe.Add(ref xr, i), Unsafe.Add(ref yr, i));
            Unsafe.Add(ref dr, i) = r;
            sum += term.Invoke(r);
        }
        return sum;
    }

    /// <summary>
    /// (a[i], b[i], c[i]) ← op(x[i]; a[i], b[i], c[i]): three state buffers updated in place from one input, in one pass
    /// (an optimizer step). No two of the spans may overlap.
    /// </summary>
    public static void Update<T, TOp>(TOp op, ReadOnlySpan<T> x, Span<T> a, Span<T> b, Span<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : struct, IStateUpdateOperator<T>
    {
        if (a.Length != x.Length || b.Length != x.Length || c.Length != x.Length)
            throw new ArgumentException($"Span lengths differ (x {x.Length}, a {a.Length}, b {b.Length}, c {c.Length}).", nameof(x));
        ref T xr = ref MemoryMarshal.GetReference(x);
        ref T ar = ref MemoryMarshal.GetReference(a);
        ref T br = ref MemoryMarshal.GetReference(b);
        ref T cr = ref MemoryMarshal.GetReference(c);
        int n = x.Length, i = 0;
        Isa isa = KernelIsa.Active;
        if (isa == Isa.Avx512)
        {
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                var ai = Vector512.LoadUnsafe(ref ar, (nuint)i);
                var bi = Vector512.LoadUnsafe(ref br, (nuint)i);
                var ci = Vector512.LoadUnsafe(ref cr, (nuint)i);
                op.Invoke(Vector512.LoadUnsafe(ref xr, (nuint)i), ref ai, ref bi, ref ci);
                ai.StoreUnsafe(ref ar, (nuint)i);
                bi.StoreUnsafe(ref br, (nuint)i);
                ci.StoreUnsafe(ref cr, (nuint)i);
            }
        }
        if (isa >= Isa.Avx2)
        {
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                var ai = Vector256.LoadUnsafe(ref ar, (nuint)i);
                var bi = Vector256.LoadUnsafe(ref br, (nuint)i);
                var ci = Vector256.LoadUnsafe(ref cr, (nuint)i);
                op.Invoke(Vector256.LoadUnsafe(ref xr, (nuint)i), ref ai, ref bi, ref ci);
                ai.StoreUnsafe(ref ar, (nuint)i);
                bi.StoreUnsafe(ref br, (nuint)i);
                ci.StoreUnsafe(ref cr, (nuint)i);
            }
        }
        for (; i < n; i++)
            op.Invoke(Unsafe.Add(ref xr, i), ref Unsafe.Add(ref ar, i), ref Unsafe.Add(ref br, i), ref Unsafe.Add(ref cr, i));
    }

    private static void CheckLengths(int x, int destination)
    {
        if (x != destination)
            throw new ArgumentException($"Input and destination lengths differ ({x} vs {destination}).", nameof(destination));
    }

    private static void CheckLengths(int x, int y, int destination)
    {
        if (x != y || x != destination)
            throw new ArgumentException($"Span lengths differ (x {x}, y {y}, destination {destination}).", nameof(destination));
    }

    private static void CheckLengths(int x, int y, int z, int destination)
    {
        if (x != y || x != z || x != destination)
            throw new ArgumentException($"Span lengths differ (x {x}, y {y}, z {z}, destination {destination}).", nameof(destination));
    }
}
