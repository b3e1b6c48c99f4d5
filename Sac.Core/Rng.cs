using Sac.Kernels.Threading;

namespace Sac.Core;

/// <summary>
/// The one random-number generator Sac uses (environment resets, exploration, weight init, replay sampling):
/// xoshiro256** (Blackman and Vigna 2018) seeded through SplitMix64. Unlike <see cref="Random"/> its whole state can be
/// read and restored (<see cref="State"/>), which is what lets a resumed run continue bitwise-identically.
/// </summary>
public sealed class Rng
{
    private ulong _s0, _s1, _s2, _s3;
    private bool _hasSpareNormal;
    private double _spareNormal;

    /// <summary>Creates a generator whose whole sequence is fixed by <paramref name="seed"/>.</summary>
    public Rng(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    /// <summary>Restores a generator from a state captured with <see cref="State"/>.</summary>
    public Rng(RngState state) => State = state;

    /// <summary>The complete state; setting it makes this generator continue exactly where the captured one would.</summary>
    public RngState State
    {
        get => new(_s0, _s1, _s2, _s3, _hasSpareNormal, _spareNormal);
        set
        {
            if ((value.S0 | value.S1 | value.S2 | value.S3) == 0)
                throw new ArgumentException("An all-zero xoshiro256** state is invalid (the generator would only return zeros).", nameof(value));
            (_s0, _s1, _s2, _s3, _hasSpareNormal, _spareNormal) = (value.S0, value.S1, value.S2, value.S3, value.HasSpareNormal, value.SpareNormal);
        }
    }

    /// <summary>An independent generator for a sub-stream (e.g. the evaluation environment), derived from this one's next output.</summary>
    public Rng Fork() => new(NextUInt64());

    /// <summary>64 uniformly random bits.</summary>
    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform on [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform on [<paramref name="low"/>, <paramref name="high"/>).</summary>
    public double Uniform(double low, double high) => low + (high - low) * NextDouble();

    /// <summary>Uniform integer on [0, <paramref name="exclusiveMax"/>), without modulo bias (Lemire's method).</summary>
    public int NextInt(int exclusiveMax)
    {
        if (exclusiveMax <= 0)
            throw new ArgumentOutOfRangeException(nameof(exclusiveMax), exclusiveMax, "The upper bound must be positive.");
        ulong bound = (ulong)exclusiveMax;
        ulong product = Math.BigMul(NextUInt64(), bound, out ulong low);
        if (low < bound)
        {
            ulong threshold = (0 - bound) % bound;
            while (low < threshold)
                product = Math.BigMul(NextUInt64(), bound, out low);
        }
        return (int)product;
    }

    /// <summary>A standard normal sample (Box–Muller; the second value of each pair is kept for the next call).</summary>
    public double Normal()
    {
        if (_hasSpareNormal)
        {
            _hasSpareNormal = false;
            return _spareNormal;
        }
        double u1 = 1.0 - NextDouble(); // (0, 1]: log(u1) is finite
        double u2 = NextDouble();
        (double first, double second) = BoxMuller(u1, u2);
        _spareNormal = second;
        _hasSpareNormal = true;
        return first;
    }

    /// <summary>
    /// Fills <paramref name="destination"/> with standard normals: bit for bit what <see cref="Normal"/> would return
    /// called destination.Length times, leaving the same state (and spare sample) behind. The uniform draws are made in
    /// order on the calling thread; their Box–Muller transforms, which are independent of one another and most of the
    /// cost, are split over up to <paramref name="threads"/> threads, so the result does not depend on the thread count.
    /// Allocates only on the first call (or a longer destination).
    /// </summary>
    public void FillNormal(Span<double> destination, int threads = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        int start = 0;
        if (destination.Length > 0 && _hasSpareNormal)
        {
            destination[0] = Normal();
            start = 1;
        }
        int pairs = (destination.Length - start + 1) / 2;
        if (pairs == 0)
            return;
        var job = _normals ??= new NormalsJob();
        job.Reserve(pairs);
        for (int p = 0; p < pairs; p++)
        {
            job.U1[p] = 1.0 - NextDouble();
            job.U2[p] = NextDouble();
        }
        job.Pairs = pairs;
        WorkerPool.Shared.Run(job, Math.Clamp(pairs / NormalsJob.MinPairsPerPart, 1, threads));
        // Pair p gives elements start + 2p and start + 2p + 1. As after Normal(), the last pair's second is the cached
        // sample, still pending when the count left it over.
        var first = job.First.AsSpan(0, pairs);
        var second = job.Second.AsSpan(0, pairs);
        for (int p = 0, i = start; p < pairs; p++, i += 2)
        {
            destination[i] = first[p];
            if (i + 1 < destination.Length)
                destination[i + 1] = second[p];
        }
        _spareNormal = second[pairs - 1];
        _hasSpareNormal = (destination.Length - start) % 2 == 1;
    }

    /// <summary>Box–Muller: two independent standard normals, radius·cos θ and radius·sin θ, from u1 ∈ (0, 1] and u2 ∈ [0, 1).</summary>
    private static (double First, double Second) BoxMuller(double u1, double u2)
    {
        double radius = Math.Sqrt(-2.0 * Math.Log(u1));
        (double sin, double cos) = Math.SinCos(2.0 * Math.PI * u2);
        return (radius * cos, radius * sin);
    }

    private NormalsJob? _normals;

    /// <summary><see cref="FillNormal"/>'s transforms as a worker-pool job: part k of n transforms the k-th of n equal runs of pairs.</summary>
    private sealed class NormalsJob : WorkerJob
    {
        /// <summary>Fewer pairs than this per thread cost more to hand over than they save.</summary>
        public const int MinPairsPerPart = 256;

        public double[] U1 = [], U2 = [], First = [], Second = [];
        public int Pairs;

        public void Reserve(int pairs)
        {
            if (U1.Length >= pairs)
                return;
            (U1, U2, First, Second) = (new double[pairs], new double[pairs], new double[pairs], new double[pairs]);
        }

        public override void Execute(int part, int parts)
        {
            int from = (int)((long)Pairs * part / parts), to = (int)((long)Pairs * (part + 1) / parts);
            for (int p = from; p < to; p++)
                (First[p], Second[p]) = BoxMuller(U1[p], U2[p]);
        }
    }

    private static ulong SplitMix64(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

/// <summary>The complete state of an <see cref="Rng"/>: the four xoshiro256** words and the cached normal sample.</summary>
public readonly record struct RngState(ulong S0, ulong S1, ulong S2, ulong S3, bool HasSpareNormal, double SpareNormal);
