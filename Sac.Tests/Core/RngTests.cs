using Sac.Core;

namespace Sac.Tests.Core;

public class RngTests
{
    [Test]
    public void NextUInt64_FromState1234_MatchesTheXoshiro256StarStarReference()
    {
        // xoshiro256** (Blackman and Vigna's reference C) from s = {1, 2, 3, 4}: the first four outputs.
        var rng = new Rng(new RngState(1, 2, 3, 4, false, 0));
        ulong[] outputs = [rng.NextUInt64(), rng.NextUInt64(), rng.NextUInt64(), rng.NextUInt64()];
        Assert.That(outputs, Is.EqualTo(new ulong[] { 11520, 0, 1509978240, 1215971899390074240 }));
    }

    [Test, Combinatorial]
    public void FillNormal_AnyLengthAndThreadCount_IsBitwiseWhatNormalGivesOneByOne(
        [Values(0, 1, 2, 3, 511, 512, 513, 3072, 3073)] int length, [Values] bool spareBefore, [Values(1, 2, 3)] int threads)
    {
        // The oracle: the same generator's Normal(), called once per element. FillNormal must give the same bits
        // (same draws, same pairs, the same spare sample left behind) however the transforms are split.
        var oneByOne = new Rng(42);
        if (spareBefore)
            oneByOne.Normal(); // leaves the second of a pair cached
        var filled = new Rng(oneByOne.State);

        double[] expected = new double[length];
        for (int i = 0; i < length; i++)
            expected[i] = oneByOne.Normal();
        double[] actual = new double[length];
        filled.FillNormal(actual, threads);

        Assert.That(actual, Is.EqualTo(expected));
        Assert.That(filled.State, Is.EqualTo(oneByOne.State), "the state, and the spare sample, after the fill");
        Assert.That(filled.Normal(), Is.EqualTo(oneByOne.Normal()), "and the sample after that");
    }

    [Test]
    public void FillNormal_ManySamples_HasTheStandardNormalsMoments()
    {
        // Mean 0 and variance 1 within 5 standard errors; E[z⁴] = 3 within 5 of its standard errors (√96/√n).
        const int n = 200_000;
        var z = new double[n];
        new Rng(7).FillNormal(z, threads: 2);
        double mean = z.Average(), variance = z.Select(v => (v - mean) * (v - mean)).Average();
        double fourth = z.Select(v => v * v * v * v).Average();
        Assert.That(mean, Is.EqualTo(0).Within(5 / Math.Sqrt(n)));
        Assert.That(variance, Is.EqualTo(1).Within(5 * Math.Sqrt(2.0 / n)));
        Assert.That(fourth, Is.EqualTo(3).Within(5 * Math.Sqrt(96.0 / n)));
    }

    [Test]
    public void FillNormal_AfterTheFirstCall_AllocatesNothing()
    {
        var rng = new Rng(3);
        var z = new double[3072];
        rng.FillNormal(z, threads: 2);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++)
            rng.FillNormal(z, threads: 2);
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }
}
