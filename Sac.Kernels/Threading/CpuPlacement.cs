using System.Runtime.InteropServices;

namespace Sac.Kernels.Threading;

/// <summary>
/// Which CPU a thread runs on, and a way to leave one: what <see cref="WorkerPool"/> needs so that a worker never runs
/// its part on the same CPU as the caller running part 0 (Linux only; elsewhere a no-op).
/// </summary>
/// <remarks>
/// Why: measured on this project's 2-vCPU VMs (docs/benchmarks.md, "Two threads on one CPU"), a worker woken from its
/// sleep is at times placed on the waking caller's CPU, not on the idle one, and the two then share one CPU for up to a
/// second: every two-thread phase runs at one thread's speed or worse. Linux places a wakee beside its waker when it sees
/// no idle CPU sharing a cache with the waker's, which is what a VM that reports no cache topology looks like.
/// </remarks>
internal static unsafe class CpuPlacement
{
    /// <summary>Bytes of a cpu_set_t (1,024 CPUs).</summary>
    private const int MaskBytes = 128;

    private static readonly bool Available = OperatingSystem.IsLinux() && Probe();

    /// <summary>The CPU the calling thread is on, or −1 where that is not known.</summary>
    public static int Current() => Available ? sched_getcpu() : -1;

    /// <summary>The calling thread's allowed CPUs (its affinity mask), to hand back to <see cref="MoveOff"/> later;
    /// null where affinity is not available.</summary>
    public static ulong[]? AllowedCpus()
    {
        if (!Available)
            return null;
        var mask = new ulong[MaskBytes / sizeof(ulong)];
        fixed (ulong* m = mask)
            return sched_getaffinity(0, MaskBytes, m) == 0 ? mask : null;
    }

    /// <summary>
    /// Moves the calling thread off <paramref name="cpu"/> onto another of <paramref name="allowed"/> (the kernel migrates
    /// it at once), then allows it all of <paramref name="allowed"/> again, so it stays free to move later. Returns false
    /// when there is nowhere else to go (<paramref name="cpu"/> is the only allowed CPU) or affinity is not available.
    /// </summary>
    public static bool MoveOff(int cpu, ulong[]? allowed)
    {
        if (!Available || allowed is null || cpu < 0 || cpu >= MaskBytes * 8)
            return false;
        ulong* others = stackalloc ulong[MaskBytes / sizeof(ulong)];
        bool any = false;
        for (int i = 0; i < MaskBytes / sizeof(ulong); i++)
        {
            others[i] = allowed[i] & (i == cpu / 64 ? ~(1UL << (cpu % 64)) : ulong.MaxValue);
            any |= others[i] != 0;
        }
        if (!any || sched_setaffinity(0, MaskBytes, others) != 0)
            return false;
        fixed (ulong* all = allowed)
            sched_setaffinity(0, MaskBytes, all);
        return true;
    }

    /// <summary>Restricts the calling thread to <paramref name="cpu"/> alone (tests use it to recreate a shared CPU).</summary>
    internal static bool PinTo(int cpu)
    {
        if (!Available || cpu < 0 || cpu >= MaskBytes * 8)
            return false;
        ulong* only = stackalloc ulong[MaskBytes / sizeof(ulong)];
        new Span<ulong>(only, MaskBytes / sizeof(ulong)).Clear();
        only[cpu / 64] = 1UL << (cpu % 64);
        return sched_setaffinity(0, MaskBytes, only) == 0;
    }

    /// <summary>Restores an affinity mask from <see cref="AllowedCpus"/>.</summary>
    internal static bool Allow(ulong[] allowed)
    {
        if (!Available)
            return false;
        fixed (ulong* all = allowed)
            return sched_setaffinity(0, MaskBytes, all) == 0;
    }

    /// <summary>Whether libc's calls are there and answer (a container without them, a libc without sched_getcpu).</summary>
    private static bool Probe()
    {
        try
        {
            return sched_getcpu() >= 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [DllImport("libc", ExactSpelling = true)]
    private static extern int sched_getcpu();

    [DllImport("libc", ExactSpelling = true)]
    private static extern int sched_getaffinity(int pid, nuint cpusetsize, ulong* mask);

    [DllImport("libc", ExactSpelling = true)]
    private static extern int sched_setaffinity(int pid, nuint cpusetsize, ulong* mask);
}
