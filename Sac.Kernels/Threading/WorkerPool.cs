using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace Sac.Kernels.Threading;

/// <summary>
/// A persistent pool of worker threads for kernels. <see cref="Run"/> hands part p ≥ 1 of a <see cref="WorkerJob"/> to
/// worker p − 1, runs part 0 on the calling thread, and returns when every part is done. Workers are started on first
/// need and live for the process; after a job they spin briefly (kernels tend to come in bursts) and then sleep.
/// Dispatch allocates nothing: each worker has a slot (job, part, ticket) that the caller fills in.
/// </summary>
/// <remarks>
/// Runs are serialised: a second thread calling <see cref="Run"/> waits for the first run to finish. A job that calls
/// <see cref="Run"/> from inside a part (nesting) gets its parts run one after another on that thread.
/// More parts than cores is allowed; it is correct, just not faster.
/// </remarks>
public sealed class WorkerPool
{
    /// <summary>The most parts one <see cref="Run"/> accepts (so the most worker threads the pool starts + 1).</summary>
    public const int MaxParts = 64;

    /// <summary>
    /// How long an idle worker spins before it sleeps. Kernels come in bursts (a training step is dozens of GEMMs), and
    /// waking a sleeping thread costs tens of microseconds.
    /// </summary>
    private static readonly long IdleSpinTicks = Stopwatch.Frequency / 5000; // 200 µs

    /// <summary>
    /// How long the caller, done with its own parts, spins for the workers' before it sleeps. Longer than
    /// <see cref="IdleSpinTicks"/>: it waits only for parts already running, and the two halves of a SAC update end up to
    /// a few hundred microseconds apart on a shared VM. Measured on Zen 5 (docs/benchmarks.md, "Where two threads
    /// lose"): with 200 µs a phase of the large v2 update returned 15 µs after its last part ended, on average (the
    /// caller had often fallen asleep); with 1 ms, 6.5–10.7 µs.
    /// </summary>
    private static readonly long JoinSpinTicks = Stopwatch.Frequency / 1000; // 1 ms

    /// <summary>Spins between checks; every <see cref="YieldEvery"/>th check yields, so spinning never starves a thread sharing the core.</summary>
    private const int SpinIterations = 20;
    private const int YieldEvery = 32;

    [ThreadStatic]
    private static bool t_insideRun;

    private readonly object _runLock = new();
    private readonly object _wakeGate = new();
    private readonly object _doneGate = new();
    private Slot[] _slots = [];
    private int _pending;
    private int _callerCpu = -1;
    private long _movesOffCallerCpu;
    private ExceptionDispatchInfo? _failure;

    /// <summary>Creates a pool with no workers; they are started by the first <see cref="Run"/> that needs them.</summary>
    public WorkerPool()
    {
    }

    /// <summary>The process-wide pool the kernels use.</summary>
    public static WorkerPool Shared { get; } = new();

    /// <summary>
    /// How many times a worker, about to run its part, found itself on the CPU the caller was on and moved to another
    /// (Linux). Two threads on one CPU run no faster than one, so each move is a part that would have lost its core.
    /// </summary>
    public long MovesOffCallerCpu => Interlocked.Read(ref _movesOffCallerCpu);

    /// <summary>Worker threads started so far (parts − 1 of the largest run).</summary>
    public int WorkerCount => Volatile.Read(ref _slots).Length;

    /// <summary>
    /// Runs <paramref name="job"/> in <paramref name="parts"/> parts (1 ≤ parts ≤ <see cref="MaxParts"/>) and returns when
    /// all are done. Part 0 runs on the calling thread. Rethrows the first exception a part threw.
    /// </summary>
    public void Run(WorkerJob job, int parts)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentOutOfRangeException.ThrowIfLessThan(parts, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(parts, MaxParts);
        if (parts == 1 || t_insideRun)
        {
            for (int part = 0; part < parts; part++)
                job.Execute(part, parts);
            return;
        }

        lock (_runLock)
        {
            EnsureWorkers(parts - 1);
            _failure = null;
            Volatile.Write(ref _callerCpu, CpuPlacement.Current());
            Volatile.Write(ref _pending, parts - 1);
            for (int w = 0; w < parts - 1; w++)
            {
                Slot slot = _slots[w];
                slot.Job = job;
                slot.Part = w + 1;
                slot.Parts = parts;
                Volatile.Write(ref slot.State, Slot.Posted);
                // The ticket is written last: a worker that sees the new ticket sees the job fields too.
                Volatile.Write(ref slot.Ticket, slot.Ticket + 1);
            }
            lock (_wakeGate)
                Monitor.PulseAll(_wakeGate);

            t_insideRun = true;
            try
            {
                job.Execute(0, parts);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _failure, ExceptionDispatchInfo.Capture(e), null);
            }
            finally
            {
                RunUnclaimedParts(job, parts);
                t_insideRun = false;
                WaitForWorkers();
            }
            _failure?.Throw();
        }
    }

    /// <summary>
    /// Runs on the calling thread every part whose worker has not picked it up yet (its core busy with another process,
    /// or the worker still waking): the caller never waits for a thread that has not started. Jobs whose parts claim
    /// chunks then find little or nothing left; fixed-range parts are simply done here instead.
    /// </summary>
    private void RunUnclaimedParts(WorkerJob job, int parts)
    {
        for (int w = 0; w < parts - 1; w++)
        {
            Slot slot = _slots[w];
            if (Interlocked.CompareExchange(ref slot.State, Slot.Idle, Slot.Posted) != Slot.Posted)
                continue; // the worker took it
            try
            {
                job.Execute(w + 1, parts);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _failure, ExceptionDispatchInfo.Capture(e), null);
            }
            finally
            {
                Interlocked.Decrement(ref _pending);
            }
        }
    }

    private void WaitForWorkers()
    {
        if (!SpinUntil(ref _pending, 0, equal: true, JoinSpinTicks))
        {
            lock (_doneGate)
            {
                // The last worker decrements before taking the gate to pulse, so checking under the gate loses no wake-up.
                while (Volatile.Read(ref _pending) != 0)
                    Monitor.Wait(_doneGate);
            }
        }
    }

    /// <summary>
    /// Spins for up to <paramref name="ticks"/> until <paramref name="location"/> equals (or, with
    /// <paramref name="equal"/> false, differs from) <paramref name="value"/>; returns whether it did.
    /// </summary>
    private static bool SpinUntil(ref int location, int value, bool equal, long ticks)
    {
        long deadline = Stopwatch.GetTimestamp() + ticks;
        for (int i = 1; ; i++)
        {
            if ((Volatile.Read(ref location) == value) == equal)
                return true;
            if (i % YieldEvery == 0)
            {
                if (Stopwatch.GetTimestamp() > deadline)
                    return false;
                Thread.Yield();
            }
            else
            {
                Thread.SpinWait(SpinIterations);
            }
        }
    }

    private void EnsureWorkers(int count)
    {
        if (_slots.Length >= count)
            return;
        var slots = new Slot[count];
        Array.Copy(_slots, slots, _slots.Length);
        for (int w = _slots.Length; w < count; w++)
        {
            var slot = new Slot();
            slots[w] = slot;
            var thread = new Thread(() => WorkerLoop(slot))
            {
                IsBackground = true,
                Name = $"Sac.Kernels worker {w + 1}",
            };
            thread.Start();
        }
        Volatile.Write(ref _slots, slots);
    }

    private void WorkerLoop(Slot slot)
    {
        t_insideRun = true;
        ulong[]? allowed = CpuPlacement.AllowedCpus();
        int seen = 0;
        while (true)
        {
            // Spin briefly for the next ticket, then sleep until a caller pulses the gate.
            if (!SpinUntil(ref slot.Ticket, seen, equal: false, IdleSpinTicks))
            {
                lock (_wakeGate)
                {
                    // The caller bumps the ticket before taking the gate to pulse, so checking under the gate loses no wake-up.
                    while (Volatile.Read(ref slot.Ticket) == seen)
                        Monitor.Wait(_wakeGate);
                }
            }
            seen = Volatile.Read(ref slot.Ticket);
            // Claim the part; if the caller already ran it (RunUnclaimedParts), there is nothing to do or count.
            if (Interlocked.CompareExchange(ref slot.State, Slot.Running, Slot.Posted) != Slot.Posted)
                continue;
            // A worker woken on the caller's CPU would share it with part 0 (see CpuPlacement): leave it first.
            int callerCpu = Volatile.Read(ref _callerCpu);
            if (callerCpu >= 0 && CpuPlacement.Current() == callerCpu && CpuPlacement.MoveOff(callerCpu, allowed))
                Interlocked.Increment(ref _movesOffCallerCpu);
            try
            {
                slot.Job!.Execute(slot.Part, slot.Parts);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _failure, ExceptionDispatchInfo.Capture(e), null);
            }
            finally
            {
                slot.Job = null;
                if (Interlocked.Decrement(ref _pending) == 0)
                {
                    lock (_doneGate)
                        Monitor.PulseAll(_doneGate);
                }
            }
        }
    }

    /// <summary>One worker's mailbox; a class so each worker's hot fields sit in their own object (no false sharing of tickets).</summary>
    private sealed class Slot
    {
        /// <summary>No part waiting (or the caller took it back).</summary>
        public const int Idle = 0;
        /// <summary>A part is posted and not yet claimed.</summary>
        public const int Posted = 1;
        /// <summary>The worker claimed the part and runs it.</summary>
        public const int Running = 2;

        public int State;
        public WorkerJob? Job;
        public int Part;
        public int Parts;
        public int Ticket;
    }
}
