using Sac.Autodiff;

namespace Sac.Tests.Autodiff;

/// <summary>After a warm-up step, a fixed-shape forward + backward allocates nothing.</summary>
public class AllocationTests
{
    [Test]
    public void MlpStep_AfterWarmUp_AllocatesZeroBytes([Values(1, 2)] int threads)
    {
        const int batch = 64, inputs = 17, hidden = 32;
        var rng = new Random(1);
        var parameters = new FlatParameters<float>([("W1", inputs, hidden), ("b1", 1, hidden), ("W2", hidden, hidden), ("b2", 1, hidden), ("W3", hidden, 1), ("b3", 1, 1)]);
        foreach (ref var v in parameters.Values) v = (float)(rng.NextDouble() - 0.5);
        var x = new Tensor<float>(batch, inputs);
        var y = new Tensor<float>(batch, 1);
        foreach (ref var v in x.Span) v = (float)rng.NextDouble();
        var p = parameters.Tensors;
        var tape = new Tape<float> { Threads = threads };

        void Step()
        {
            tape.Reset();
            parameters.ZeroGrad();
            var h1 = tape.Linear(x, p[0], p[1], Activation.Relu);
            var h2 = tape.Linear(h1, p[2], p[3], Activation.Relu);
            var q = tape.Linear(h2, p[4], p[5]);
            var loss = tape.Scale(tape.Mean(tape.Square(tape.Sub(q, y))), 0.5f);
            tape.Backward(loss);
        }

        Step(); // warm-up: the arena, gradient buffers and node array are allocated here
        Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++)
            Step();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(allocated, Is.Zero);
        Assert.That(parameters.Grads.ToArray().Any(g => g != 0), Is.True, "the step must actually produce gradients");
    }
}
