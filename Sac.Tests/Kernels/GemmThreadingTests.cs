using System.Numerics;
using Sac.Kernels;
using Sac.Kernels.Threading;

namespace Sac.Tests.Kernels;

/// <summary>
/// GEMM on several threads: bitwise the same as on one (every element summed in the same order, K never split),
/// safe under concurrent callers, and allocation-free after warm-up.
/// </summary>
public class GemmThreadingTests
{
    private static IEnumerable<TestCaseData> InvarianceCases()
    {
        (int M, int N, int K, Transpose A, Transpose B)[] shapes =
        [
            (255, 257, 129, Transpose.No, Transpose.No), (255, 257, 129, Transpose.Yes, Transpose.No),
            (255, 257, 129, Transpose.No, Transpose.Yes), (255, 257, 129, Transpose.Yes, Transpose.Yes),
            (256, 256, 256, Transpose.No, Transpose.No), (256, 256, 256, Transpose.Yes, Transpose.No),
            (256, 256, 256, Transpose.No, Transpose.Yes),
            (256, 256, 23, Transpose.No, Transpose.No), (256, 256, 4, Transpose.No, Transpose.Yes),
            (23, 256, 256, Transpose.Yes, Transpose.No), (256, 12, 256, Transpose.No, Transpose.No),
            (97, 61, 53, Transpose.No, Transpose.No), (31, 47, 600, Transpose.Yes, Transpose.Yes),
            // GEMV paths, big enough to be split.
            (1000, 1, 1000, Transpose.No, Transpose.No), (1000, 1, 1000, Transpose.Yes, Transpose.No),
            (1, 1000, 1000, Transpose.No, Transpose.No), (1, 1000, 1000, Transpose.No, Transpose.Yes),
        ];
        return shapes.SelectMany(s => GemmTestCases.BothTypes(s.M, s.N, s.K, s.A, s.B, "IsBitwiseIdenticalForAnyThreadCount"));
    }

    [TestCaseSource(nameof(InvarianceCases))]
    public void Multiply_Shape_IsBitwiseIdenticalForAnyThreadCount<T>(T zero, int m, int n, int k, Transpose transA, Transpose transB)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var data = GemmTestData<T>.Create(m, n, k, transA, transB);
        foreach (var isa in new[] { Isa.Scalar, Isa.Avx2 })
        {
            using var _ = KernelIsa.Force(isa);
            foreach (var (output, withBias, activation) in new[] { (GemmOutput.Overwrite, false, Activation.None), (GemmOutput.Accumulate, true, Activation.Relu) })
            {
                var single = data.Run(output, withBias, activation, threads: 1);
                for (int threads = 2; threads <= 4; threads++)
                {
                    var multi = data.Run(output, withBias, activation, threads);
                    // Bitwise: compare the bit patterns, so even a last-ulp difference (or -0 vs +0) fails.
                    Assert.That(multi.Select(Bits), Is.EqualTo(single.Select(Bits)), $"{isa}, {output}, threads={threads}");
                }
            }
        }
        // The split really happened: the pool has started workers for the extra threads.
        Assert.That(WorkerPool.Shared.WorkerCount, Is.GreaterThanOrEqualTo(1));
    }

    [TestCase(256, 12, 256, Transpose.No, Transpose.No)]
    [TestCase(256, 12, 128, Transpose.Yes, Transpose.No)]
    [TestCase(200, 2, 64, Transpose.No, Transpose.No)]
    [TestCase(129, 16, 300, Transpose.Yes, Transpose.Yes)]
    public void Multiply_NarrowOnTheDetectedIsa_IsBitwiseIdenticalForAnyThreadCount(int m, int n, int k, Transpose transA, Transpose transB)
    {
        // The policy head's shapes (n narrower than one tile), on the machine's own kernel, split along m.
        var data = GemmTestData<float>.Create(m, n, k, transA, transB);
        var single = data.Run(GemmOutput.Accumulate, true, Activation.Relu, threads: 1);
        for (int threads = 2; threads <= 3; threads++)
            Assert.That(data.Run(GemmOutput.Accumulate, true, Activation.Relu, threads).Select(Bits), Is.EqualTo(single.Select(Bits)), $"threads={threads}");
    }

    private static long Bits<T>(T value) where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float) ? BitConverter.SingleToInt32Bits((float)(object)value) : BitConverter.DoubleToInt64Bits((double)(object)value);

    [Test]
    public void Multiply_MoreThreadsThanCores_MatchesOneThread()
    {
        // 3× the cores (at least 6): slower, never different.
        int threads = Math.Max(6, 3 * Environment.ProcessorCount);
        var data = GemmTestData<float>.Create(256, 256, 64, Transpose.No, Transpose.No);
        var single = data.Run(GemmOutput.Overwrite, true, Activation.Relu, threads: 1);
        var many = data.Run(GemmOutput.Overwrite, true, Activation.Relu, threads);
        Assert.That(many, Is.EqualTo(single));
        Assert.That(WorkerPool.Shared.WorkerCount, Is.GreaterThanOrEqualTo(Math.Min(threads, WorkerPool.MaxParts) - 1),
            "the pool should have started a worker per extra part");
    }

    [TestCase(1)]
    [TestCase(2)]
    public void Multiply_ConcurrentCallers_EachGetTheirOwnResult(int threadsPerCall)
    {
        // Two threads hammer GEMM at once on different shapes (so different pack-buffer sizes and layouts);
        // each must keep producing exactly its single-caller result.
        var first = GemmTestData<float>.Create(200, 190, 150, Transpose.Yes, Transpose.No);
        var second = GemmTestData<float>.Create(130, 250, 70, Transpose.No, Transpose.Yes);
        var expectedFirst = first.Run(GemmOutput.Overwrite, true, Activation.None);
        var expectedSecond = second.Run(GemmOutput.Overwrite, true, Activation.None);
        int mismatches = 0;
        void Hammer(GemmTestData<float> data, float[] expected)
        {
            for (int i = 0; i < 40; i++)
            {
                if (!data.Run(GemmOutput.Overwrite, true, Activation.None, threadsPerCall).AsSpan().SequenceEqual(expected))
                    Interlocked.Increment(ref mismatches);
            }
        }
        var a = new Thread(() => Hammer(first, expectedFirst));
        var b = new Thread(() => Hammer(second, expectedSecond));
        a.Start();
        b.Start();
        a.Join();
        b.Join();
        Assert.That(mismatches, Is.Zero);
    }

    private static IEnumerable<TestCaseData> AllocationCases()
    {
        (int M, int N, int K, Transpose A, Transpose B)[] shapes =
        [
            (256, 256, 256, Transpose.No, Transpose.No), (255, 257, 129, Transpose.Yes, Transpose.Yes),
            (256, 256, 23, Transpose.No, Transpose.No), (256, 1, 256, Transpose.Yes, Transpose.No),
            (1, 300, 256, Transpose.No, Transpose.Yes), (5, 7, 0, Transpose.No, Transpose.No),
        ];
        foreach (var (m, n, k, transA, transB) in shapes)
        {
            foreach (int threads in new[] { 1, 2 })
            {
                yield return new TestCaseData(m, n, k, transA, transB, threads)
                    .SetName($"Multiply_{m}x{n}x{k}_{threads}Threads_AllocatesNothingAfterWarmUp");
            }
        }
    }

    [TestCaseSource(nameof(AllocationCases))]
    public void Multiply_AfterWarmUp_AllocatesNothing(int m, int n, int k, Transpose transA, Transpose transB, int threads)
    {
        var f = GemmTestData<float>.Create(m, n, k, transA, transB);
        var d = GemmTestData<double>.Create(m, n, k, transA, transB);
        var cf = new float[m * n];
        var cd = new double[m * n];
        foreach (var isa in new[] { Isa.Scalar, Isa.Avx2, Isa.Avx512 })
        {
            using var _ = KernelIsa.Force(isa);
            // Warm-up: grows this thread's pack buffers and creates its job objects and the pool's workers.
            Gemm.Multiply<float>(transA, transB, m, n, k, f.A, f.B, cf, GemmOutput.Accumulate, f.Bias, Activation.Relu, threads);
            Gemm.Multiply<double>(transA, transB, m, n, k, d.A, d.B, cd, GemmOutput.Accumulate, d.Bias, Activation.Relu, threads);
            long allocated = AllocatedByTenCalls(() =>
            {
                for (int i = 0; i < 5; i++)
                {
                    Gemm.Multiply<float>(transA, transB, m, n, k, f.A, f.B, cf, GemmOutput.Accumulate, f.Bias, Activation.Relu, threads);
                    Gemm.Multiply<double>(transA, transB, m, n, k, d.A, d.B, cd, GemmOutput.Overwrite, default, Activation.None, threads);
                }
            });
            Assert.That(allocated, Is.Zero, $"{isa}: bytes allocated by 10 calls after warm-up");
        }
    }

    /// <summary>
    /// Bytes the calling thread allocates in <paramref name="calls"/>: the least of three rounds.
    /// NOTE: the runtime itself occasionally charges a few bytes to whichever thread is running (tiering, a GC triggered
    /// elsewhere retiring the allocation context), so one round may read non-zero; an allocation per call shows in all three.
    /// </summary>
    internal static long AllocatedByTenCalls(Action calls)
    {
        long least = long.MaxValue;
        for (int round = 0; round < 3 && least != 0; round++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            long before = GC.GetAllocatedBytesForCurrentThread();
            calls();
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return least;
    }
}
