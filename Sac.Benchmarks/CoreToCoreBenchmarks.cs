using BenchmarkDotNet.Attributes;
using Sac.Kernels.Threading;

namespace Sac.Benchmarks;

/// <summary>
/// How far apart this machine's first two CPUs are: one cache line passed back and forth between a thread pinned to the
/// first CPU the process may use and one pinned to the second. The mean is one round trip, two hand-overs of the line.
/// Two cores that share an L3 pass a line in tens of nanoseconds; two that do not (another CCD, another socket, or a VM
/// whose vCPUs sit on either) take hundreds. Every join of a two-thread update, and every buffer one thread writes and
/// the other reads next, pays it.
/// </summary>
[MemoryDiagnoser]
public class CoreToCoreBenchmarks
{
    private const int RoundTrips = 20_000;

    private readonly long[] _line = new long[32]; // the flag sits mid-array, alone in its cache line
    private const int Flag = 16;
    private long _sequence;
    private volatile bool _stop;
    private Thread? _partner;
    private ulong[]? _allowed;

    /// <summary>
    /// Pins this thread to the first CPU it may run on and starts the partner, pinned to the second, answering every odd
    /// value with the next one.
    /// </summary>
    [GlobalSetup]
    public void Setup()
    {
        _allowed = CpuPlacement.AllowedCpus();
        int[] cpus = FirstTwo(_allowed);
        if (!CpuPlacement.PinTo(cpus[0]))
            throw new InvalidOperationException($"CoreToCoreBenchmarks could not pin a thread to CPU {cpus[0]}.");
        int partnerCpu = -2;
        _partner = new Thread(() =>
        {
            Volatile.Write(ref partnerCpu, CpuPlacement.PinTo(cpus[1]) ? CpuPlacement.Current() : -1);
            Answer();
        })
        { IsBackground = true, Name = "core-to-core partner" };
        _partner.Start();
        while (Volatile.Read(ref partnerCpu) == -2)
            Thread.Yield();
        if (partnerCpu != cpus[1] || CpuPlacement.Current() != cpus[0])
            throw new InvalidOperationException($"CoreToCoreBenchmarks could not place its two threads on CPUs {cpus[0]} and {cpus[1]}.");
    }

    /// <summary>The first two CPUs of an affinity mask.</summary>
    private static int[] FirstTwo(ulong[]? mask)
    {
        if (mask is null)
            throw new InvalidOperationException("CoreToCoreBenchmarks needs thread affinity (Linux).");
        var cpus = new List<int>();
        for (int cpu = 0; cpu < mask.Length * 64 && cpus.Count < 2; cpu++)
            if ((mask[cpu / 64] & (1UL << (cpu % 64))) != 0)
                cpus.Add(cpu);
        return cpus.Count == 2 ? [.. cpus] : throw new InvalidOperationException("CoreToCoreBenchmarks needs two CPUs.");
    }

    private void Answer()
    {
        while (!_stop)
        {
            long value = Volatile.Read(ref _line[Flag]);
            if ((value & 1) == 1)
                Volatile.Write(ref _line[Flag], value + 1);
        }
    }

    /// <summary>Stops the partner and gives this thread its CPUs back.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _stop = true;
        _partner?.Join();
        if (_allowed is not null)
            CpuPlacement.Allow(_allowed);
    }

    /// <summary>One round trip of a cache line between the two CPUs (the mean is per round trip).</summary>
    [Benchmark(OperationsPerInvoke = RoundTrips)]
    public long RoundTrip()
    {
        long value = _sequence;
        for (int i = 0; i < RoundTrips; i++)
        {
            Volatile.Write(ref _line[Flag], value + 1);
            while (Volatile.Read(ref _line[Flag]) != value + 2)
            {
            }
            value += 2;
        }
        _sequence = value;
        return value;
    }
}
