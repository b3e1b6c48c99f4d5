using BenchmarkDotNet.Attributes;
using Sac.Kernels.Threading;

namespace Sac.Benchmarks;

/// <summary>
/// How far apart this machine's first two CPUs are: one cache line passed back and forth between a thread pinned to CPU
/// 0 and one pinned to CPU 1. The mean is one round trip, two hand-overs of the line. Two cores that share an L3 pass a
/// line in tens of nanoseconds; two that do not (another CCD, another socket, or a VM whose vCPUs sit on either) take
/// hundreds. Every join of a two-thread update, and every buffer one thread writes and the other reads next, pays it.
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

    /// <summary>Pins this thread to CPU 0 and starts the partner, pinned to CPU 1, answering every odd value with the next.</summary>
    [GlobalSetup]
    public void Setup()
    {
        if (Environment.ProcessorCount < 2)
            throw new InvalidOperationException("CoreToCoreBenchmarks needs two CPUs.");
        _allowed = CpuPlacement.AllowedCpus();
        if (!CpuPlacement.PinTo(0))
            throw new InvalidOperationException("CoreToCoreBenchmarks needs thread affinity (Linux).");
        _partner = new Thread(Answer) { IsBackground = true, Name = "core-to-core partner" };
        _partner.Start();
    }

    private void Answer()
    {
        CpuPlacement.PinTo(1);
        long seen = 0;
        while (!_stop)
        {
            long value = Volatile.Read(ref _line[Flag]);
            if ((value & 1) == 1 && value != seen)
            {
                seen = value + 1;
                Volatile.Write(ref _line[Flag], seen);
            }
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

    /// <summary>One round trip of a cache line between CPU 0 and CPU 1 (the mean is per round trip).</summary>
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
