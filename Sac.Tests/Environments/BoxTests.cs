using Sac.Core.Environments;

namespace Sac.Tests.Environments;

/// <summary>Box: bounds, membership and the text that error messages show.</summary>
public class BoxTests
{
    private static readonly Box Unit2 = new([-1f, -2f], [1f, 2f]);

    [Test]
    public void Contains_PointsInsideAndOnBounds_AreContained()
    {
        Assert.That(Unit2.Contains([0f, 0f]), Is.True);
        Assert.That(Unit2.Contains([-1f, 2f]), Is.True, "the bounds are closed");
    }

    [Test]
    public void Contains_PointsOutsideNanOrWrongLength_AreNotContained()
    {
        Assert.That(Unit2.Contains([1.0000001f, 0f]), Is.False);
        Assert.That(Unit2.Contains([0f, -2.5f]), Is.False);
        Assert.That(Unit2.Contains([float.NaN, 0f]), Is.False);
        Assert.That(Unit2.Contains([0f]), Is.False);
        Assert.That(Unit2.Contains([0f, 0f, 0f]), Is.False);
    }

    [Test]
    public void Constructor_CopiesBounds()
    {
        float[] low = [-1f], high = [1f];
        var box = new Box(low, high);
        low[0] = -5f;
        high[0] = 5f;
        Assert.That((box.Low[0], box.High[0], box.Dimension), Is.EqualTo((-1f, 1f, 1)));
    }

    [Test]
    public void Constructor_InvalidBounds_Throw()
    {
        Assert.That(() => new Box([0f, 0f], [1f]), Throws.ArgumentException.With.Message.Contains("one (low, high) pair"));
        Assert.That(() => new Box([2f], [1f]), Throws.ArgumentException.With.Message.Contains("low 2 > high 1"));
        Assert.That(() => new Box([float.NaN], [1f]), Throws.ArgumentException.With.Message.Contains("NaN"));
        Assert.That(() => new Box([], []), Throws.ArgumentException);
    }

    [Test]
    public void ToString_ShowsDimensionAndBoundsWithInf()
    {
        var box = new Box([float.NegativeInfinity, -0.07f], [float.PositiveInfinity, 0.5f]);
        Assert.That(box.ToString(), Is.EqualTo("Box(2, low=[-inf, -0.07], high=[inf, 0.5])"));
    }

    [Test]
    public void ToString_ListsFewBounds_AndPrintsManyEqualBoundsOnce()
    {
        Assert.That(new Box([-2f], [2f]).ToString(), Is.EqualTo("Box(1, low=[-2], high=[2])"));
        Assert.That(new Box([-1f, 0f], [1f, float.PositiveInfinity]).ToString(), Is.EqualTo("Box(2, low=[-1, 0], high=[1, inf])"));
        var unbounded = Enumerable.Repeat(float.NegativeInfinity, 17).ToArray();
        Assert.That(new Box(unbounded, unbounded.Select(v => -v).ToArray()).ToString(), Is.EqualTo("Box(17, low=-inf, high=inf)"));
        // Unequal bounds are all listed, however many.
        float[] low = [0f, 0f, 0f, 0f, -1f];
        Assert.That(new Box(low, [1f, 1f, 1f, 1f, 1f]).ToString(), Is.EqualTo("Box(5, low=[0, 0, 0, 0, -1], high=1)"));
    }
}
