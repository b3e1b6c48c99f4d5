using Sac.Core;
using Sac.Core.Algorithms;
using Sac.Core.Replay;

namespace Sac.Tests.Collection;

/// <summary>
/// n-step transitions from the replay buffer against a brute-force reference that knows every copy's episodes as lists:
/// random episodes with terminations and truncations, one and several interleaved copies, a ring that wraps.
/// </summary>
public class NStepReplayTests
{
    private const int Obs = 2, Act = 1;

    /// <summary>One stored transition as the reference keeps it: its copy's stream, and its index there.</summary>
    private sealed record Transition(int Copy, float[] S, float A, float R, float[] Next, bool Terminated, bool Truncated);

    /// <summary>
    /// The n-step target from stream position <paramref name="t"/> by the definition: walk forward in the same copy's
    /// own list while the episode goes on, at most n transitions and no further than what the buffer still holds.
    /// </summary>
    private static (double Reward, float[] Next, bool Terminated, double Discount) Reference(List<Transition> stream, int t, int n, double gamma)
    {
        double reward = 0, discount = 1;
        Transition last = stream[t];
        for (int k = 0; k < n && t + k < stream.Count; k++)
        {
            last = stream[t + k];
            reward += discount * last.R;
            discount *= gamma;
            if (last.Terminated || last.Truncated)
                break;
        }
        return (reward, last.Next, last.Terminated, discount);
    }

    [TestCase(1, 3, 10_000)]
    [TestCase(3, 3, 10_000)]
    [TestCase(4, 5, 97)]   // the ring wraps many times, and its capacity is not a multiple of the copies
    [TestCase(2, 20, 64)]  // n longer than most episodes
    public void FillNStep_MatchesBruteForceOverRandomEpisodes(int copies, int n, int capacity)
    {
        const double gamma = 0.97;
        var rng = new Random(1234 + copies * 10 + n);
        var buffer = new ReplayBuffer(capacity, Obs, Act, copies);
        var streams = Enumerable.Range(0, copies).Select(_ => new List<Transition>()).ToArray();
        var slotOf = new List<(int Copy, int Index)>(); // what each write (in order) was
        int truncations = 0, terminations = 0;
        for (int step = 0; step < 400; step++)
        {
            for (int c = 0; c < copies; c++)
            {
                float[] s = [(float)rng.NextDouble(), c], next = [(float)rng.NextDouble(), c + 0.5f];
                double u = rng.NextDouble();
                bool terminated = u < 0.06, truncated = u is >= 0.06 and < 0.12;
                terminations += terminated ? 1 : 0;
                truncations += truncated ? 1 : 0;
                var transition = new Transition(c, s, (float)rng.NextDouble(), (float)(rng.NextDouble() * 4 - 2), next, terminated, truncated);
                buffer.Add(s, [transition.A], transition.R, next, terminated, truncated);
                slotOf.Add((c, streams[c].Count));
                streams[c].Add(transition);
            }
        }
        Assert.That(terminations, Is.GreaterThan(10));
        Assert.That(truncations, Is.GreaterThan(10));

        // The buffer holds the last `capacity` writes; slot i holds write w with w % capacity == i.
        int writes = slotOf.Count, held = Math.Min(writes, capacity);
        var target = new SacBatch<double>(1, Obs, Act, horizon: n);
        int checkedRows = 0;
        for (int w = writes - held; w < writes; w++)
        {
            int slot = w % capacity;
            var (copy, index) = slotOf[w];
            // The reference sees what the buffer has been given: the stream up to the last write.
            var expected = Reference(streams[copy], index, n, gamma);
            buffer.FillNStep(target, 0, slot, gamma);
            var tr = streams[copy][index];
            Assert.That(target.Observations.Span.ToArray(), Is.EqualTo(tr.S.Select(x => (double)x)), $"s of write {w}");
            Assert.That(target.Actions.Span[0], Is.EqualTo((double)tr.A));
            Assert.That(target.Rewards.Span[0], Is.EqualTo(expected.Reward).Within(1e-12), $"R of write {w} (copy {copy}, t = {index})");
            Assert.That(target.NextObservations.Span.ToArray(), Is.EqualTo(expected.Next.Select(x => (double)x)), $"s′ of write {w}");
            Assert.That(target.Terminated.Span[0], Is.EqualTo(expected.Terminated ? 1.0 : 0.0), $"d of write {w}");
            Assert.That(target.Discounts!.Span[0], Is.EqualTo(expected.Discount).Within(1e-15), $"γᵏ of write {w}");
            checkedRows++;
        }
        Assert.That(checkedRows, Is.EqualTo(held));
    }

    [Test]
    public void Sample_NStep_DrawsTheSameSlotsAsOneStep()
    {
        // The n-step path uses the generator exactly as the one-step path does: one draw per row.
        var buffer = new ReplayBuffer(100, Obs, Act);
        for (int i = 0; i < 60; i++)
            buffer.Add([i, 0], [0.5f], i, [i + 1, 0], terminated: false, truncated: i % 7 == 6);
        var one = new SacBatch<float>(16, Obs, Act);
        var three = new SacBatch<float>(16, Obs, Act, horizon: 3);
        buffer.Sample(one, new Rng(9));
        buffer.Sample(three, new Rng(9), gamma: 0.5);
        Assert.That(three.Observations.Span.ToArray(), Is.EqualTo(one.Observations.Span.ToArray()));
        Assert.That(three.Discounts!.Span.ToArray(), Has.All.AnyOf(1f, 0.5f, 0.25f, 0.125f));
        // Not every row is cut short: most take the full three steps.
        Assert.That(three.Discounts.Span.ToArray().Count(d => d == 0.125f), Is.GreaterThan(5));
    }

    [Test]
    public void Sample_WithHorizonOne_IsTheOneStepSample()
    {
        var batch = new SacBatch<float>(8, Obs, Act);
        Assert.That(batch.Discounts, Is.Null, "one-step batches keep the scalar γ (bitwise what runs did before n-step returns)");
    }

    [Test]
    public void NewestTransitions_BootstrapFromTheNewestHeld()
    {
        // The last write of a stream has no stored future: its n-step target is a one-step one.
        var buffer = new ReplayBuffer(10, Obs, Act, streams: 2);
        for (int i = 0; i < 4; i++)
            buffer.Add([i, 0], [0], 1, [i + 0.5f, 0], false);
        var batch = new SacBatch<double>(1, Obs, Act, horizon: 3);
        buffer.FillNStep(batch, 0, 3, 0.9); // copy 1's second (and last) transition
        Assert.That(batch.Discounts!.Span[0], Is.EqualTo(0.9).Within(1e-15));
        buffer.FillNStep(batch, 0, 1, 0.9); // copy 1's first: one more of its own is held (slot 3)
        Assert.That(batch.Discounts!.Span[0], Is.EqualTo(0.81).Within(1e-15));
        Assert.That(batch.Rewards.Span[0], Is.EqualTo(1.9).Within(1e-12));
        Assert.That(batch.NextObservations.Span[0], Is.EqualTo(3.5));
    }
}

/// <summary>The bootstrapped target with each row's γᵏ, against the formula.</summary>
public class NStepBootstrapTests
{
    [Test]
    public void Bootstrap_UsesEachRowsDiscount()
    {
        var batch = new SacBatch<double>(3, 1, 1, horizon: 3);
        new[] { 1.0, 2.0, 3.0 }.CopyTo(batch.Rewards.Span);
        new[] { 0.0, 1.0, 0.0 }.CopyTo(batch.Terminated.Span);
        new[] { 0.9, 0.81, 0.729 }.CopyTo(batch.Discounts!.Span);
        var tape = new Sac.Autodiff.Tape<double>();
        var next = new Sac.Autodiff.Tensor<double>(3, 1);
        new[] { 10.0, 20.0, 30.0 }.CopyTo(next.Span);
        var y = SoftLosses.Bootstrap(tape, batch, next, gamma: 0.5); // γ is not used: the rows carry their own
        Assert.That(y.Span.ToArray(), Is.EqualTo(new[] { 1 + 0.9 * 10, 2.0, 3 + 0.729 * 30 }).Within(1e-12));
    }
}
