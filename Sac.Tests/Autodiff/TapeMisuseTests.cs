using Sac.Autodiff;

namespace Sac.Tests.Autodiff;

/// <summary>
/// Uses of the public API where a tape could silently return a wrong gradient (PyTorch raises on each): a second
/// Backward on a consumed graph, a loss whose ops an earlier Backward consumed, and a new loss built on an intermediate
/// of a consumed graph. Each must throw one clear error before any gradient is written; the supported patterns give the
/// closed-form gradient.
/// </summary>
public class TapeMisuseTests
{
    /// <summary>
    /// h = x² at x = 2, and l₁ = Σh back-propagated: x.Grad = 2x = 4, and the ops that led to h consumed. The cases
    /// that build a second loss on that graph start here.
    /// </summary>
    private static (Tensor<double> X, Tape<double> Tape, Tensor<double> H) ConsumedGraphThroughSquare()
    {
        var x = Tensor<double>.FromValues(1, 1, [2], requiresGrad: true);
        var tape = new Tape<double>();
        var h = tape.Square(x);
        tape.Backward(tape.Sum(h));
        return (x, tape, h);
    }

    [Test]
    public void Backward_TwiceOnSameLoss_ThrowsAndLeavesGradientAtFirstPass()
    {
        // l = Σx², x = 2 ⇒ dl/dx = 2x = 4 after one pass. A silent second pass would leave 4 where 8 is owed.
        var x = Tensor<double>.FromValues(1, 1, [2], requiresGrad: true);
        var tape = new Tape<double>();
        var loss = tape.Sum(tape.Square(x));
        tape.Backward(loss);
        var error = Assert.Throws<InvalidOperationException>(() => tape.Backward(loss))!;
        Assert.That(error.Message, Does.Contain("Call Backward once per loss"));
        Assert.That(x.Grad[0], Is.EqualTo(4.0), "the refused pass wrote nothing");
    }

    [Test]
    public void Backward_SecondLossBuiltBeforeFirstBackward_ThrowsAndWritesNothing()
    {
        // l₁ = Σx², l₂ = Σ3x, both recorded, then Backward(l₁); Backward(l₂): l₂'s ops were consumed by the first call.
        var x = Tensor<double>.FromValues(1, 1, [2], requiresGrad: true);
        var tape = new Tape<double>();
        var l1 = tape.Sum(tape.Square(x));
        var l2 = tape.Sum(tape.Scale(x, 3.0));
        tape.Backward(l1);
        var error = Assert.Throws<InvalidOperationException>(() => tape.Backward(l2))!;
        Assert.That(error.Message, Does.Contain("add them and call Backward once on the sum"));
        Assert.That(x.Grad[0], Is.EqualTo(4.0));
    }

    [Test]
    public void Backward_SumOfTwoLosses_GivesBothContributions()
    {
        // The documented way to combine losses: d(Σx² + Σ3x)/dx = 2x + 3 = 7 at x = 2.
        var x = Tensor<double>.FromValues(1, 1, [2], requiresGrad: true);
        var tape = new Tape<double>();
        tape.Backward(tape.Add(tape.Sum(tape.Square(x)), tape.Sum(tape.Scale(x, 3.0))));
        Assert.That(x.Grad[0], Is.EqualTo(7.0));
    }

    [Test]
    public void Backward_LossOnIntermediateOfConsumedGraph_ThrowsAndWritesNothing()
    {
        // h = x², l₁ = Σh, Backward(l₁); then l₂ = Σ(5h) reaches x only through h's freed op: its share 5·2x = 20 would be lost.
        var (x, tape, h) = ConsumedGraphThroughSquare();
        var l2 = tape.Sum(tape.Scale(h, 5.0));
        var error = Assert.Throws<InvalidOperationException>(() => tape.Backward(l2))!;
        Assert.That(error.Message, Does.Contain("Rebuild that intermediate").And.Contain("Detach()"));
        Assert.That(x.Grad[0], Is.EqualTo(4.0));
    }

    [Test]
    public void Backward_LossOnRebuiltIntermediate_AccumulatesIntoLeaf()
    {
        // Rebuilding h in the new graph is the fix: 4 (first pass) + 5·2x = 4 + 20 = 24.
        var (x, tape, _) = ConsumedGraphThroughSquare();
        tape.Backward(tape.Sum(tape.Scale(tape.Square(x), 5.0)));
        Assert.That(x.Grad[0], Is.EqualTo(24.0));
    }

    [Test]
    public void Backward_LossOnDetachedIntermediateOfConsumedGraph_IsAllowed()
    {
        // A detached intermediate carries no gradient by intent: l₂ = Σ(h.detach()·x) ⇒ dl₂/dx = h = 4, added to the first 4.
        var (x, tape, h) = ConsumedGraphThroughSquare();
        tape.Backward(tape.Sum(tape.Mul(h.Detach(), x)));
        Assert.That(x.Grad[0], Is.EqualTo(8.0));
    }

    [Test]
    public void Backward_LossRecordedBeforeReset_Throws()
    {
        var x = Tensor<double>.FromValues(1, 1, [2], requiresGrad: true);
        var tape = new Tape<double>();
        var loss = tape.Sum(tape.Square(x));
        tape.Reset();
        Assert.Throws<InvalidOperationException>(() => tape.Backward(loss));
        Assert.That(x.Grad[0], Is.Zero);
    }
}
