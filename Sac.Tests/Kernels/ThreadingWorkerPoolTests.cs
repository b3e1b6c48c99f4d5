using Sac.Kernels.Threading;

namespace Sac.Tests.Kernels;

/// <summary><see cref="WorkerPool"/>: every part runs exactly once, part 0 on the caller, nothing allocated per run.</summary>
public class ThreadingWorkerPoolTests
{
    /// <summary>Records which thread ran each part, and how many times.</summary>
    private sealed class RecordingJob : WorkerJob
    {
        public readonly int[] Runs = new int[WorkerPool.MaxParts];
        public readonly int[] ThreadIds = new int[WorkerPool.MaxParts];
        public int Parts;

        public override void Execute(int part, int parts)
        {
            Parts = parts;
            Interlocked.Increment(ref Runs[part]);
            ThreadIds[part] = Environment.CurrentManagedThreadId;
        }
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    [TestCase(8)]
    [TestCase(WorkerPool.MaxParts)]
    public void Run_Parts_EachRunsExactlyOnce(int parts)
    {
        var job = new RecordingJob();
        for (int round = 0; round < 50; round++)
            WorkerPool.Shared.Run(job, parts);
        // 50 rounds: each part 50 times, parts beyond the count never.
        Assert.That(job.Runs.Take(parts), Is.All.EqualTo(50));
        Assert.That(job.Runs.Skip(parts), Is.All.EqualTo(0));
        Assert.That(job.Parts, Is.EqualTo(parts));
    }

    /// <summary>Part 0 waits (up to 10 s) until every other part has started, so each must have been taken by a worker.</summary>
    private sealed class WaitingJob : WorkerJob
    {
        public readonly int[] ThreadIds = new int[4];
        private int _started;

        public override void Execute(int part, int parts)
        {
            ThreadIds[part] = Environment.CurrentManagedThreadId;
            if (part != 0)
            {
                Interlocked.Increment(ref _started);
                return;
            }
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (Volatile.Read(ref _started) < parts - 1 && clock.ElapsedMilliseconds < 10_000)
                Thread.Sleep(1);
        }
    }

    [Test]
    public void Run_PartZero_RunsOnTheCallerAndOthersOnWorkers()
    {
        var job = new WaitingJob();
        WorkerPool.Shared.Run(job, 4);
        Assert.That(job.ThreadIds[0], Is.EqualTo(Environment.CurrentManagedThreadId));
        Assert.That(job.ThreadIds.Skip(1), Is.Unique.And.Not.Contains(Environment.CurrentManagedThreadId));
    }

    /// <summary>Part 1 pins its thread to one CPU, or records where it runs; part 0 waits until part 1 is done.</summary>
    private sealed class CpuJob : WorkerJob
    {
        public int PinTo = -1, Cpu = -1, ThreadId;
        public ulong[]? Mask;
        private volatile bool _done;

        public override void Execute(int part, int parts)
        {
            if (part == 1)
            {
                if (PinTo >= 0)
                    Assert.That(CpuPlacement.PinTo(PinTo), Is.True, "pinning the worker");
                (Cpu, ThreadId, Mask) = (CpuPlacement.Current(), Environment.CurrentManagedThreadId, CpuPlacement.AllowedCpus());
                _done = true;
                return;
            }
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (!_done && DateTime.UtcNow < deadline)
                Thread.Yield();
            _done = false;
        }
    }

    [Test]
    public void Run_WorkerOnTheCallersCpu_MovesOffBeforeItsPart()
    {
        // What a wake-up can do on a VM (CpuPlacement): the worker placed on the caller's CPU. Recreated by pinning both
        // to one CPU; the worker must then run its part elsewhere, and stay free to move (its mask given back).
        var allowed = CpuPlacement.AllowedCpus();
        Assert.That(OperatingSystem.IsLinux() && allowed is not null && Environment.ProcessorCount >= 2, Is.True,
            "this test needs Linux and 2 CPUs, as every machine of this project has");
        var pool = new WorkerPool();
        var job = new CpuJob();
        pool.Run(job, 2); // starts the worker, with this thread's (unpinned) mask
        int shared = CpuPlacement.Current();
        job.PinTo = shared;
        pool.Run(job, 2);
        Assert.That(job.Cpu, Is.EqualTo(shared), "the worker pinned to the shared CPU");
        job.PinTo = -1;
        long movesBefore = pool.MovesOffCallerCpu;
        Assert.That(CpuPlacement.PinTo(shared), Is.True, "pinning the caller");
        try
        {
            pool.Run(job, 2);
            Assert.That(job.ThreadId, Is.Not.EqualTo(Environment.CurrentManagedThreadId), "part 1 ran on the worker");
            Assert.That(job.Cpu, Is.Not.EqualTo(shared), "the worker left the caller's CPU before its part");
            Assert.That(pool.MovesOffCallerCpu, Is.EqualTo(movesBefore + 1));
            Assert.That(job.Mask, Is.EqualTo(allowed), "after the move the worker may use every CPU it could before");
        }
        finally
        {
            CpuPlacement.Allow(allowed!);
        }
    }

    [Test]
    public void Run_PartNotYetTakenByAWorker_IsRunByTheCaller()
    {
        // Part 0 returns at once, so the caller is back before a worker (spinning or asleep) can claim part 1: the caller
        // takes the part back and runs it instead of waiting. Over 1,000 runs that must happen at least once, and every
        // part must still run exactly once per run, whoever runs it.
        var pool = new WorkerPool();
        int byCaller = 0;
        var job = new RecordingJob();
        for (int round = 0; round < 1000; round++)
        {
            pool.Run(job, 2);
            if (job.ThreadIds[1] == Environment.CurrentManagedThreadId)
                byCaller++;
        }
        Assert.That(job.Runs.Take(2), Is.All.EqualTo(1000));
        Assert.That(byCaller, Is.GreaterThan(0));
    }

    /// <summary>Calls <see cref="WorkerPool.Run"/> from inside its own part.</summary>
    private sealed class NestingJob : WorkerJob
    {
        public readonly RecordingJob Inner = new();

        public override void Execute(int part, int parts)
        {
            if (part == 0)
                WorkerPool.Shared.Run(Inner, 3);
        }
    }

    [Test]
    public void Run_Nested_RunsInnerPartsInlineWithoutDeadlock()
    {
        var job = new NestingJob();
        WorkerPool.Shared.Run(job, 2);
        Assert.That(job.Inner.Runs.Take(3), Is.All.EqualTo(1));
        // Inline: all three inner parts ran on the thread that ran outer part 0, the caller.
        Assert.That(job.Inner.ThreadIds.Take(3), Is.All.EqualTo(Environment.CurrentManagedThreadId));
    }

    private sealed class ThrowingJob : WorkerJob
    {
        public override void Execute(int part, int parts)
        {
            if (part == parts - 1)
                throw new InvalidOperationException("part failed");
        }
    }

    [Test]
    public void Run_PartThrows_RethrowsOnCallerAndStaysUsable()
    {
        Assert.Throws<InvalidOperationException>(() => WorkerPool.Shared.Run(new ThrowingJob(), 3));
        var job = new RecordingJob();
        WorkerPool.Shared.Run(job, 3);
        Assert.That(job.Runs.Take(3), Is.All.EqualTo(1));
    }

    [Test]
    public void Run_ConcurrentCallers_AreSerialisedAndAllPartsRun()
    {
        var first = new RecordingJob();
        var second = new RecordingJob();
        var a = new Thread(() => { for (int i = 0; i < 200; i++) WorkerPool.Shared.Run(first, 3); });
        var b = new Thread(() => { for (int i = 0; i < 200; i++) WorkerPool.Shared.Run(second, 2); });
        a.Start();
        b.Start();
        a.Join();
        b.Join();
        Assert.That(first.Runs.Take(3), Is.All.EqualTo(200));
        Assert.That(second.Runs.Take(2), Is.All.EqualTo(200));
    }

    [Test]
    public void Run_AfterWarmUp_AllocatesNothing()
    {
        var job = new RecordingJob();
        WorkerPool.Shared.Run(job, 3);
        long allocated = GemmThreadingTests.AllocatedByTenCalls(() =>
        {
            for (int i = 0; i < 10; i++)
                WorkerPool.Shared.Run(job, 3);
        });
        Assert.That(allocated, Is.Zero);
    }

    [TestCase(0)]
    [TestCase(WorkerPool.MaxParts + 1)]
    public void Run_PartsOutOfRange_Throws(int parts) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => WorkerPool.Shared.Run(new RecordingJob(), parts));
}
