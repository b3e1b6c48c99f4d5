using Sac.Autodiff;

namespace Sac.Tests.Autodiff;

/// <summary>
/// Inside <see cref="Tape{T}.PackingWeightsIn"/>, Linear's forward and input-gradient products read each weight packed
/// once per epoch from the shared <see cref="PackedWeights{T}"/>: bitwise the same values and gradients as without it,
/// one entry per weight and layout however many views (and tapes, and threads) use it, and fresh values after
/// <see cref="PackedWeights{T}.Invalidate"/>.
/// </summary>
public class PackedWeightsTests
{
    private const int Batch = 96, Inputs = 23, Hidden = 64, Outputs = 12;

    private sealed class Net
    {
        public readonly FlatParameters<float> Parameters;
        public readonly Tensor<float> X = new(Batch, Inputs, requiresGrad: true);
        public readonly Tensor<float> R = new(Batch, Outputs);

        public Net(FlatParameters<float> parameters, int seed)
        {
            Parameters = parameters;
            var rng = new Random(seed);
            foreach (ref var v in X.Span) v = (float)(rng.NextDouble() * 2 - 1);
            foreach (ref var v in R.Span) v = (float)(rng.NextDouble() * 2 - 1);
        }

        /// <summary>Forward and backward of Σ R ⊙ (two ReLU layers and a linear head); returns the outputs.</summary>
        public float[] Step(Tape<float> tape)
        {
            tape.Reset();
            Parameters.ZeroGrad();
            X.ZeroGrad();
            var p = Parameters.Tensors;
            var h1 = tape.Linear(X, p[0], p[1], Activation.Relu);
            var h2 = tape.Linear(h1, p[2], p[3], Activation.Relu);
            var y = tape.Linear(h2, p[4], p[5]);
            tape.Backward(tape.Sum(tape.Mul(y, R)));
            return y.Span.ToArray();
        }
    }

    private static FlatParameters<float> NewParameters(int seed)
    {
        var p = new FlatParameters<float>([("W1", Inputs, Hidden), ("b1", 1, Hidden), ("W2", Hidden, Hidden), ("b2", 1, Hidden), ("W3", Hidden, Outputs), ("b3", 1, Outputs)]);
        var rng = new Random(seed);
        foreach (ref var v in p.Values) v = (float)(rng.NextDouble() - 0.5);
        return p;
    }

    private static (float[] Y, float[] Grads, float[] InputGrad) Run(Net net, Tape<float> tape, PackedWeights<float>? store)
    {
        float[] y;
        if (store is null)
            y = net.Step(tape);
        else
        {
            using var _ = tape.PackingWeightsIn(store);
            y = net.Step(tape);
        }
        return (y, net.Parameters.Grads.ToArray(), net.X.Grad.ToArray());
    }

    [Test]
    public void Step_InsideTheScope_IsBitwiseTheSame([Values(1, 2)] int threads)
    {
        var net = new Net(NewParameters(1), 2);
        var tape = new Tape<float> { Threads = threads };
        var plain = Run(net, tape, null);
        var store = new PackedWeights<float>();
        var first = Run(net, tape, store);   // packs
        var second = Run(net, tape, store);  // reads what the first packed
        foreach (var packed in new[] { first, second })
        {
            Assert.That(packed.Y, Is.EqualTo(plain.Y));
            Assert.That(packed.Grads, Is.EqualTo(plain.Grads));
            Assert.That(packed.InputGrad, Is.EqualTo(plain.InputGrad));
        }
        // W1, W2, W3 forward and W1ᵀ, W2ᵀ, W3ᵀ for the input gradients: six layouts, each packed once.
        Assert.That(store.Count, Is.EqualTo(6));
    }

    [Test]
    public void Store_UntilInvalidated_KeepsWhatItPacked()
    {
        var parameters = NewParameters(1);
        var net = new Net(parameters, 2);
        var tape = new Tape<float>();
        var store = new PackedWeights<float>();
        var before = Run(net, tape, store);

        // Change the weight matrices (the biases are read in place). Within the epoch the store still holds the old
        // packing (which is why a phase must not write a weight); after Invalidate it packs the new values.
        foreach (int w in new[] { 0, 2, 4 })
            foreach (ref var v in parameters.Tensors[w].Span) v *= 1.5f;
        var stale = Run(net, tape, store);
        Assert.That(stale.Y, Is.EqualTo(before.Y), "the store packs each weight once per epoch");
        store.Invalidate();
        var fresh = Run(net, tape, store);
        var expected = Run(net, tape, null);
        Assert.That(fresh.Y, Is.EqualTo(expected.Y));
        Assert.That(fresh.Grads, Is.EqualTo(expected.Grads));
        Assert.That(fresh.Y, Is.Not.EqualTo(before.Y));
    }

    [Test]
    public void Views_OnTwoThreads_ShareOneEntryAndMatch()
    {
        // Two shards' networks: one set of values, each its own gradients, tape and rows, on two threads at once.
        var parameters = NewParameters(3);
        var nets = new[] { new Net(parameters, 4), new Net(parameters.WithOwnGradients(), 5) };
        var expected = nets.Select(n => Run(n, new Tape<float>(), null)).ToArray();
        var store = new PackedWeights<float>();
        var tapes = new[] { new Tape<float>(), new Tape<float>() };
        for (int round = 0; round < 50; round++)
        {
            store.Invalidate();
            var results = new (float[] Y, float[] Grads, float[] InputGrad)[2];
            Parallel.For(0, 2, i => results[i] = Run(nets[i], tapes[i], store));
            for (int i = 0; i < 2; i++)
            {
                Assert.That(results[i].Y, Is.EqualTo(expected[i].Y), $"round {round}, shard {i}");
                Assert.That(results[i].Grads, Is.EqualTo(expected[i].Grads), $"round {round}, shard {i}");
            }
        }
        Assert.That(store.Count, Is.EqualTo(6));
    }

    [Test]
    public void Scope_Ends_WithTheUsingBlock()
    {
        var parameters = NewParameters(1);
        var net = new Net(parameters, 2);
        var tape = new Tape<float>();
        var store = new PackedWeights<float>();
        Run(net, tape, store);
        foreach (ref var v in parameters.Values) v *= -1;
        // Outside the scope the tape packs from the current values, whatever the store holds.
        var outside = Run(net, tape, null);
        var reference = Run(new Net(parameters, 2), new Tape<float>(), null);
        Assert.That(outside.Y, Is.EqualTo(reference.Y));
    }
}
