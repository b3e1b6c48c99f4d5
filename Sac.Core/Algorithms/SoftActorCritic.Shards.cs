using System.Numerics;
using Sac.Autodiff;
using Sac.Core.Networks;
using Sac.Core.Policies;
using Sac.Kernels;
using Sac.Kernels.Threading;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Sac.Core.Algorithms;

// Data parallelism: an update's batch is split into a fixed number of row shards. Each shard runs the whole forward and
// backward pass of a phase on its own rows, with its own tape and its own gradient buffers (over the one set of
// parameter values), and the shards' gradients are then summed in shard order. The split depends on the batch size
// only, never on the thread count, so one thread (running the shards one after another) and two threads (one shard
// each) do the same arithmetic in the same order: bitwise-identical results.
public sealed partial class SoftActorCritic<T>
{
    /// <summary>Row shards an update's batch is split into (fewer for a batch of one). Part of the arithmetic: every
    /// loss is a sum over shards of per-shard sums scaled by 1/B, and every gradient a sum of the shards' gradients.</summary>
    public const int Shards = 2;

    private readonly Shard[] _shards;
    private readonly ShardJob _job;
    private readonly Tensor<T> _meanGap = new(1, 1);
    private SacBatch<T>? _viewsOf;

    /// <summary>The networks one shard trains: the agent's own for shard 0, views with their own gradients for the others.</summary>
    private sealed record Networks(TanhGaussianPolicy<T> Policy, Mlp<T> Q1, Mlp<T> Q2, Mlp<T>? V);

    /// <summary>What a shard's pass computed, summed over its rows (the losses already scaled by 1/B).</summary>
    private enum Loss { Critic, Actor, Value, LogProb, MinQ }

    /// <summary>The part of an update the shards run between two joins.</summary>
    private enum Phase { V1, CriticV2, ActorV2 }

    /// <summary>One shard: its networks, tape, rows of the batch, and what its last pass computed.</summary>
    private sealed class Shard(Networks networks, Tape<T> tape)
    {
        public Networks Networks { get; } = networks;
        public Tape<T> Tape { get; } = tape;
        public SacBatch<T>? Rows;
        public readonly double[] Sums = new double[Enum.GetValues<Loss>().Length];
    }

    private Shard[] CreateShards(int layers)
    {
        var shards = new Shard[Shards];
        shards[0] = new Shard(_networks, _tape);
        for (int i = 1; i < Shards; i++)
        {
            var policy = new TanhGaussianPolicy<T>(new Mlp<T>(Policy.Network.Parameters.WithOwnGradients(), 0, layers), Options.LogStdMin, Options.LogStdMax);
            var critic = Critic.WithOwnGradients();
            var v = V is null ? null : new Mlp<T>(V.Parameters.WithOwnGradients(), 0, layers);
            shards[i] = new Shard(new Networks(policy, new Mlp<T>(critic, 0, layers), new Mlp<T>(critic, 2 * layers, layers), v), new Tape<T>());
        }
        return shards;
    }

    /// <summary>Runs <paramref name="phase"/> on every shard of <paramref name="batch"/>, over up to
    /// <see cref="SacOptions.Threads"/> threads (each shard on one), and returns when all are done.</summary>
    private void RunShards(SacBatch<T> batch, Phase phase, T alpha)
    {
        if (!ReferenceEquals(batch, _viewsOf))
        {
            // Row views of a new batch object, made once per batch (the trainer reuses one: no allocation per update).
            int shards = Math.Min(Shards, batch.Size);
            int start = 0;
            for (int i = 0; i < Shards; i++)
            {
                int rows = i < shards ? (batch.Size - start) / (shards - i) : 0;
                _shards[i].Rows = rows > 0 ? batch.RowsView(start, rows) : null;
                start += rows;
            }
            _viewsOf = batch;
        }
        _job.Set(phase, alpha, T.One / T.CreateChecked(batch.Size));
        int active = Math.Min(Shards, batch.Size);
        WorkerPool.Shared.Run(_job, Math.Min(active, Options.Threads));
    }

    /// <summary>
    /// Adds every other shard's gradient into shard 0's (the agent's own) buffer for <paramref name="primary"/>, in shard
    /// order, and returns the summed gradient's Σg², computed in the same pass (what the optimizer checks and clips with),
    /// over up to <see cref="SacOptions.Threads"/> threads in fixed chunks (bitwise the same for any thread count).
    /// </summary>
    private double SumShardGradients(FlatParameters<T> primary)
    {
        var total = primary.Grads;
        // A batch of one row has one shard: nothing to add, the norm in a pass of its own.
        if (_shards[1].Rows is null)
            return double.CreateChecked(TensorPrimitives.SumOfSquares<T>(total));
        double sumOfSquares = 0;
        for (int i = 1; i < Shards && _shards[i].Rows is not null; i++)
            sumOfSquares = OptimizerKernels.AddSumOfSquares<T>(total, GradientsOf(_shards[i], primary), Options.Threads);
        return sumOfSquares;
    }

    /// <summary>The gradient buffer shard <paramref name="shard"/> wrote for the network whose primary is <paramref name="primary"/>.</summary>
    private Span<T> GradientsOf(Shard shard, FlatParameters<T> primary) =>
        ReferenceEquals(primary, Critic) ? shard.Networks.Q1.Parameters.Grads :
        ReferenceEquals(primary, Policy.Network.Parameters) ? shard.Networks.Policy.Network.Parameters.Grads :
        shard.Networks.V!.Parameters.Grads;

    /// <summary>A quantity summed over the shards, in shard order.</summary>
    private double ShardSum(Loss what)
    {
        double sum = 0;
        foreach (var shard in _shards)
            if (shard.Rows is not null)
                sum += shard.Sums[(int)what];
        return sum;
    }

    /// <summary>One phase on one shard's rows: forward, backward into the shard's own gradients, its sums recorded.</summary>
    private void RunPhase(Shard shard, Phase phase, T alpha, T invB)
    {
        var rows = shard.Rows!;
        var n = shard.Networks;
        var tape = shard.Tape;
        var s = rows.Observations;
        switch (phase)
        {
            case Phase.V1:
            {
                tape.Reset();
                n.V!.Parameters.ZeroGrad();
                n.Q1.Parameters.ZeroGrad();
                n.Policy.Network.Parameters.ZeroGrad();
                var qHat = ValueBackup(tape, rows);
                var (action, logProb) = n.Policy.Sample(tape, s, rows.Noise);
                // CRUCIAL: the critics are used with detached parameters here, so J_π's gradient reaches φ through ã but never θ.
                var minQ = MinQ(n, tape, s, action, detachParameters: true);
                var valueLoss = ValueLoss(n, tape, s, minQ, logProb, alpha, invB);
                var criticLoss = CriticLoss(n, tape, rows, qHat, invB);
                var actorLoss = PolicyLoss(tape, logProb, minQ, alpha, invB);
                tape.Backward(tape.Add(tape.Add(valueLoss, criticLoss), actorLoss));
                Record(shard, (Loss.Value, valueLoss), (Loss.Critic, criticLoss), (Loss.Actor, actorLoss));
                Record(shard, logProb, minQ);
                break;
            }
            case Phase.CriticV2:
            {
                tape.Reset();
                n.Q1.Parameters.ZeroGrad();
                var qHat = SoftQBackup(n, tape, rows, alpha);
                var criticLoss = CriticLoss(n, tape, rows, qHat, invB);
                tape.Backward(criticLoss);
                Record(shard, (Loss.Critic, criticLoss));
                break;
            }
            case Phase.ActorV2:
            {
                n.Policy.Network.Parameters.ZeroGrad();
                var (action, logProb) = n.Policy.Sample(tape, s, rows.Noise);
                var minQ = MinQ(n, tape, s, action, detachParameters: true);
                var actorLoss = PolicyLoss(tape, logProb, minQ, alpha, invB);
                tape.Backward(actorLoss);
                Record(shard, (Loss.Actor, actorLoss));
                Record(shard, logProb, minQ);
                break;
            }
        }
    }

    private static void Record(Shard shard, params ReadOnlySpan<(Loss What, Tensor<T> Value)> losses)
    {
        foreach (var (what, value) in losses)
            shard.Sums[(int)what] = double.CreateChecked(value.Span[0]);
    }

    private static void Record(Shard shard, Tensor<T> logProb, Tensor<T> minQ)
    {
        shard.Sums[(int)Loss.LogProb] = double.CreateChecked(TensorPrimitives.Sum<T>(logProb.Span));
        shard.Sums[(int)Loss.MinQ] = double.CreateChecked(TensorPrimitives.Sum<T>(minQ.Span));
    }

    /// <summary>
    /// The worker-pool job of <see cref="RunShards"/>: every part claims shards until none are left, so a thread that
    /// starts late (its core busy) takes fewer, and the calling thread never idles while a shard waits (one job object,
    /// reused). Which thread runs a shard never changes a bit: each shard has its own tape and gradient buffers.
    /// </summary>
    private sealed class ShardJob(SoftActorCritic<T> agent) : WorkerJob
    {
        private Phase _phase;
        private T _alpha, _invB;
        private int _next;

        public void Set(Phase phase, T alpha, T invB)
        {
            (_phase, _alpha, _invB) = (phase, alpha, invB);
            _next = 0;
        }

        public override void Execute(int part, int parts)
        {
            while (true)
            {
                int i = Interlocked.Increment(ref _next) - 1;
                if (i >= agent._shards.Length)
                    return;
                if (agent._shards[i].Rows is not null)
                    agent.RunPhase(agent._shards[i], _phase, _alpha, _invB);
            }
        }
    }
}
