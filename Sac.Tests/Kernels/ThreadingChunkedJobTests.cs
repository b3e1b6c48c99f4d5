using Sac.Kernels.Threading;

namespace Sac.Tests.Kernels;

/// <summary><see cref="ChunkedJob"/>: every chunk runs exactly once per run, whoever claims it; nothing allocated per run.</summary>
public class ThreadingChunkedJobTests
{
    /// <summary>Counts the runs of each chunk, and records the thread and the order of each.</summary>
    private sealed class CountingJob : ChunkedJob
    {
        public int[] Runs = [];
        public int[] ThreadIds = [];
        public int[] Order = [];
        public int Throwing = -1;
        private int _ran;

        public void Reset(int chunks)
        {
            (Runs, ThreadIds, Order, _ran) = (new int[chunks], new int[chunks], new int[chunks], 0);
        }

        public int ChunksSeen;

        protected override void RunChunk(int chunk)
        {
            ChunksSeen = Chunks;
            if (chunk == Throwing)
                throw new InvalidOperationException($"chunk {chunk}");
            Interlocked.Increment(ref Runs[chunk]);
            ThreadIds[chunk] = Environment.CurrentManagedThreadId;
            int ran = Interlocked.Increment(ref _ran) - 1;
            if (ran < Order.Length)
                Order[ran] = chunk; // the first run's order (later runs of the same job count on)
        }
    }

    [Test, Combinatorial]
    public void Run_Chunks_EachRunsExactlyOncePerRun([Values(0, 1, 2, 7, 64, 1000)] int chunks, [Values(1, 2, 3, 8)] int threads)
    {
        var job = new CountingJob();
        job.Reset(chunks);
        // Twenty runs of the same job object: the claim counter must start over each time.
        for (int round = 0; round < 20; round++)
            job.Run(chunks, threads);
        Assert.That(job.Runs, Is.All.EqualTo(20), "every chunk once per run, none skipped, none twice");
        if (chunks > 0)
            Assert.That(job.ChunksSeen, Is.EqualTo(chunks), "Chunks is the count Run was given");
    }

    [Test]
    public void Run_OneThread_RunsTheChunksInOrderOnTheCaller()
    {
        var job = new CountingJob();
        job.Reset(50);
        job.Run(50, threads: 1);
        Assert.That(job.Order, Is.EqualTo(Enumerable.Range(0, 50)));
        Assert.That(job.ThreadIds, Is.All.EqualTo(Environment.CurrentManagedThreadId));
    }

    [Test]
    public void Run_ThreadsBeyondTheChunks_UsesNoMoreThreadsThanChunks()
    {
        // Two chunks, eight threads: at most two threads can have run them, and the pool is asked for no more parts.
        var pool = new WorkerPool();
        var job = new CountingJob();
        job.Reset(2);
        job.Run(2, threads: 8, pool);
        Assert.That(job.Runs, Is.All.EqualTo(1));
        Assert.That(pool.WorkerCount, Is.EqualTo(1), "two parts: the caller and one worker");
    }

    [Test]
    public void Run_AChunkThrows_RethrowsAndTheOtherThreadsFinishTheRest()
    {
        var job = new CountingJob { Throwing = 3 };
        job.Reset(40);
        var e = Assert.Throws<InvalidOperationException>(() => job.Run(40, threads: 2));
        Assert.That(e!.Message, Is.EqualTo("chunk 3"));
        // The thread that threw stops claiming; the other (or the caller, running the worker's unclaimed part) claims the rest.
        Assert.That(job.Runs.Where((_, c) => c != 3), Is.All.EqualTo(1));
        Assert.That(job.Runs[3], Is.Zero);
    }

    [Test]
    public void Run_AfterWarmUp_AllocatesNothing()
    {
        var job = new CountingJob();
        job.Reset(16);
        job.Run(16, threads: 2);
        long allocated = GemmThreadingTests.AllocatedByTenCalls(() =>
        {
            for (int i = 0; i < 10; i++)
                job.Run(16, threads: 2);
        });
        Assert.That(allocated, Is.Zero);
    }

    [Test]
    public void Run_BadArguments_Throw()
    {
        var job = new CountingJob();
        Assert.Throws<ArgumentOutOfRangeException>(() => job.Run(-1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => job.Run(4, 0));
    }
}
