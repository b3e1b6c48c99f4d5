using Sac.Autodiff;

namespace Sac.Tests.Autodiff;

/// <summary>Tier 1: hand-derived gradients, each derivative written next to its assert.</summary>
public class ClosedFormTests
{
    [Test]
    public void Linear_Backward_MatchesHandDerivedGradients()
    {
        // L = Σ_ij R_ij·Y_ij with Y = X·W + b  ⇒  dL/dY = R,  dX = R·Wᵀ,  dW = Xᵀ·R,  db_j = Σ_i R_ij.
        var x = Tensor<double>.FromValues(2, 3, [1, 2, 3, -1, 0, 2], requiresGrad: true);
        var w = Tensor<double>.FromValues(3, 2, [0.5, -1, 2, 0, 1, 1], requiresGrad: true);
        var b = Tensor<double>.FromValues(1, 2, [0.1, -0.2], requiresGrad: true);
        var r = Tensor<double>.FromValues(2, 2, [1, 2, 3, 4]);
        var tape = new Tape<double>();
        tape.Backward(tape.Sum(tape.Mul(tape.Linear(x, w, b), r)));

        // dX = R·Wᵀ = [[1,2],[3,4]]·[[0.5,2,1],[-1,0,1]] = [[-1.5, 2, 3], [-2.5, 6, 7]]
        Assert.That(x.Grad.ToArray(), Is.EqualTo(new[] { -1.5, 2, 3, -2.5, 6, 7 }).Within(1e-15));
        // dW = Xᵀ·R = [[1,-1],[2,0],[3,2]]·[[1,2],[3,4]] = [[-2,-2],[2,4],[9,14]]
        Assert.That(w.Grad.ToArray(), Is.EqualTo(new[] { -2.0, -2, 2, 4, 9, 14 }).Within(1e-15));
        // db = column sums of R = [4, 6]
        Assert.That(b.Grad.ToArray(), Is.EqualTo(new[] { 4.0, 6 }).Within(1e-15));
    }

    [Test]
    public void Tanh_Backward_IsOneMinusResultSquared()
    {
        // d/dx Σ tanh(x) = 1 − tanh²(x)
        double[] values = [-3, -0.5, 0, 0.25, 2];
        var x = Tensor<double>.FromValues(1, 5, values, requiresGrad: true);
        var tape = new Tape<double>();
        tape.Backward(tape.Sum(tape.Tanh(x)));
        for (int i = 0; i < values.Length; i++)
            Assert.That(x.Grad[i], Is.EqualTo(1 - Math.Tanh(values[i]) * Math.Tanh(values[i])).Within(1e-15));
    }

    [Test]
    public void Relu_Backward_IsStepFunctionWithZeroAtZero()
    {
        // d/dx Σ relu(x) = [x > 0]; at exactly 0 the subgradient chosen is 0 (as PyTorch).
        var x = Tensor<double>.FromValues(1, 4, [-1, 0, 1e-9, 3], requiresGrad: true);
        var tape = new Tape<double>();
        tape.Backward(tape.Sum(tape.Relu(x)));
        Assert.That(x.Grad.ToArray(), Is.EqualTo(new[] { 0.0, 0, 1, 1 }));
    }

    [Test]
    public void HalfMeanSquaredError_Backward_IsResidualOverN()
    {
        // L = ½·mean((q − y)²) over N elements ⇒ dL/dq = (q − y)/N, and y (detached) gets nothing.
        var q = Tensor<double>.FromValues(4, 1, [1, 2, 3, 4], requiresGrad: true);
        var y = Tensor<double>.FromValues(4, 1, [0, 2, 5, 3], requiresGrad: true);
        var tape = new Tape<double>();
        var loss = tape.Scale(tape.Mean(tape.Square(tape.Sub(q, y.Detach()))), 0.5);
        Assert.That(loss.Span[0], Is.EqualTo(0.5 * (1 + 0 + 4 + 1) / 4));
        tape.Backward(loss);
        Assert.That(q.Grad.ToArray(), Is.EqualTo(new[] { 0.25, 0, -0.5, 0.25 }).Within(1e-15));
        Assert.That(y.Grad.ToArray(), Is.EqualTo(new[] { 0.0, 0, 0, 0 }), "a detached target receives no gradient");
    }

    [Test]
    public void Min_Backward_RoutesGradientToTheSmallerAndTiesToTheFirst()
    {
        // d min(a, b)/da = [a ≤ b], d/db = [b < a]: the tie at index 1 goes wholly to a.
        var a = Tensor<double>.FromValues(1, 3, [1, 2, 5], requiresGrad: true);
        var b = Tensor<double>.FromValues(1, 3, [3, 2, 4], requiresGrad: true);
        var tape = new Tape<double>();
        tape.Backward(tape.Sum(tape.Min(a, b)));
        Assert.That(a.Grad.ToArray(), Is.EqualTo(new[] { 1.0, 1, 0 }));
        Assert.That(b.Grad.ToArray(), Is.EqualTo(new[] { 0.0, 0, 1 }));
    }

    [Test]
    public void Clamp_Backward_PassesInsideAndAtBoundsOnly()
    {
        // d clamp(x, −1, 1)/dx = [−1 ≤ x ≤ 1]: the bounds pass the gradient, strictly outside does not.
        var x = Tensor<double>.FromValues(1, 5, [-2, -1, 0, 1, 2], requiresGrad: true);
        var tape = new Tape<double>();
        tape.Backward(tape.Sum(tape.Clamp(x, -1, 1)));
        Assert.That(x.Grad.ToArray(), Is.EqualTo(new[] { 0.0, 1, 1, 1, 0 }));
    }

    [Test]
    public void Softplus_Backward_IsSigmoid()
    {
        // d softplus(x)/dx = σ(x) = 1/(1 + e^−x); at x = 0 that is ½.
        var x = Tensor<double>.FromValues(1, 3, [0, 30, -30], requiresGrad: true);
        var tape = new Tape<double>();
        tape.Backward(tape.Sum(tape.Softplus(x)));
        Assert.That(x.Grad[0], Is.EqualTo(0.5));
        Assert.That(x.Grad[1], Is.EqualTo(1 / (1 + Math.Exp(-30))).Within(1e-15));
        Assert.That(x.Grad[2], Is.EqualTo(1 / (1 + Math.Exp(30))).Within(1e-28));
    }

    [Test]
    public void TensorUsedTwice_ReceivesBothContributions()
    {
        // L = Σ(x ⊙ x) + Σ 3x  ⇒  dL/dx = 2x + 3: x feeds Mul twice (as both operands) and Scale once.
        var x = Tensor<double>.FromValues(1, 3, [1, -2, 0.5], requiresGrad: true);
        var tape = new Tape<double>();
        tape.Backward(tape.Add(tape.Sum(tape.Mul(x, x)), tape.Sum(tape.Scale(x, 3))));
        Assert.That(x.Grad.ToArray(), Is.EqualTo(new[] { 5.0, -1, 4 }).Within(1e-15));
    }

    [Test]
    public void IntermediateUsedTwice_ReceivesBothContributions()
    {
        // h = tanh(x); L = Σ h² + Σ h  ⇒  dL/dh = 2h + 1, dL/dx = (2h + 1)(1 − h²).
        double[] values = [0.3, -1.2];
        var x = Tensor<double>.FromValues(1, 2, values, requiresGrad: true);
        var tape = new Tape<double>();
        var h = tape.Tanh(x);
        tape.Backward(tape.Add(tape.Sum(tape.Square(h)), tape.Sum(h)));
        for (int i = 0; i < 2; i++)
        {
            double t = Math.Tanh(values[i]);
            Assert.That(x.Grad[i], Is.EqualTo((2 * t + 1) * (1 - t * t)).Within(1e-15));
        }
    }

    [Test]
    public void Leaf_TwoBackwardPasses_AccumulateUntilZeroGrad()
    {
        // PyTorch semantics: a leaf's .grad sums over backward passes; ZeroGrad resets it.
        var x = Tensor<double>.FromValues(1, 2, [1, 2], requiresGrad: true);
        var tape = new Tape<double>();
        tape.Backward(tape.Sum(tape.Scale(x, 2)));
        tape.Reset();
        tape.Backward(tape.Sum(tape.Scale(x, 5)));
        Assert.That(x.Grad.ToArray(), Is.EqualTo(new[] { 7.0, 7 }));
        x.ZeroGrad();
        Assert.That(x.Grad.ToArray(), Is.EqualTo(new[] { 0.0, 0 }));
    }

    [Test]
    public void ZeroGrad_IsDeferred_TheNextContributionOverwritesWhatTheBufferHeld()
    {
        // ZeroGrad writes nothing; the next backward contribution overwrites (β = 0). NaN left in the buffers shows
        // whether anything still adds to them: y = relu(x·W + b), L = Σ y·r, with "unused" reached by no op.
        var p = new FlatParameters<double>([("w", 3, 2), ("b", 1, 2), ("unused", 2, 2)]);
        double[] wValues = [0.5, -1, 2, 0, 1, 1], bValues = [0.1, -2.5];
        wValues.CopyTo(p.Tensors[0].Span);
        bValues.CopyTo(p.Tensors[1].Span);
        var x = Tensor<double>.FromValues(2, 3, [1, 2, 3, -1, 0, 2]);
        var r = Tensor<double>.FromValues(2, 2, [1, 2, 3, 4]);
        var tape = new Tape<double>();
        double[] Pass()
        {
            tape.Reset();
            tape.Backward(tape.Sum(tape.Mul(tape.Linear(x, p.Tensors[0], p.Tensors[1], Activation.Relu), r)));
            return p.Grads.ToArray();
        }
        double[] fresh = Pass();

        p.Grads.Fill(double.NaN);
        p.ZeroGrad();
        // Pre-activations [[7.6, -0.5], [1.6, 0.5]]: the mask drops (0, 1), so dW = Xᵀ·[[1, 0], [3, 4]], db = [4, 4].
        double[] expected = [-2, -4, 2, 0, 9, 8, 4, 4, 0, 0, 0, 0];
        Assert.That(fresh, Is.EqualTo(expected).Within(1e-14));
        Assert.That(Pass(), Is.EqualTo(fresh), "after ZeroGrad over NaN: exactly the fresh gradient, and zero where nothing reached");

        // Without ZeroGrad, a second pass adds to the first, as before.
        Assert.That(Pass(), Is.EqualTo(fresh.Select(g => 2 * g).ToArray()));

        // A pending ZeroGrad reads as zero through either view, before any backward pass writes.
        p.Grads.Fill(double.NaN);
        p.ZeroGrad();
        Assert.That(p.Tensors[2].Grad.ToArray(), Is.All.EqualTo(0.0));
        Assert.That(p.Grads.ToArray(), Is.All.EqualTo(0.0));
    }

    [Test]
    public void NoGrad_RecordsNothing_AndResultNeedsNoGradient()
    {
        var x = Tensor<double>.FromValues(1, 2, [1, 2], requiresGrad: true);
        var tape = new Tape<double>();
        Tensor<double> y;
        using (tape.NoGrad())
            y = tape.Sum(tape.Square(x));
        Assert.That(tape.RecordedOps, Is.Zero);
        Assert.That(y.RequiresGrad, Is.False);
        Assert.That(y.Span[0], Is.EqualTo(5.0));
        Assert.Throws<InvalidOperationException>(() => tape.Backward(y));
    }

    [Test]
    public void Detach_BlocksGradient_ButSharesValues()
    {
        // L = Σ(x ⊙ detach(x)) ⇒ dL/dx = detach(x) = x (one path only, not 2x).
        var x = Tensor<double>.FromValues(1, 3, [1, 2, 3], requiresGrad: true);
        var tape = new Tape<double>();
        var d = x.Detach();
        tape.Backward(tape.Sum(tape.Mul(x, d)));
        Assert.That(x.Grad.ToArray(), Is.EqualTo(new[] { 1.0, 2, 3 }));
        x.Span[0] = 10;
        Assert.That(d.Span[0], Is.EqualTo(10), "detach shares storage, like PyTorch");
        Assert.That(x.Detach(), Is.SameAs(d), "the detached view is created once and reused (no per-step allocation)");
    }

    [Test]
    public void Ops_WrongShapes_ThrowClearErrors()
    {
        var tape = new Tape<double>();
        var a = new Tensor<double>(2, 3);
        var ex = Assert.Throws<ArgumentException>(() => tape.MatMul(a, new Tensor<double>(4, 2)));
        Assert.That(ex!.Message, Does.Contain("MatMul").And.Contain("2×3").And.Contain("4×2"));
        Assert.Throws<ArgumentException>(() => tape.Add(a, new Tensor<double>(3, 3)));
        Assert.Throws<ArgumentException>(() => tape.Linear(a, new Tensor<double>(3, 4), new Tensor<double>(1, 3)));
        Assert.Throws<ArgumentException>(() => tape.SliceColumns(a, 2, 2));
        Assert.Throws<ArgumentException>(() => tape.Backward(a));
    }

    [Test]
    public void Linear_Relu_ForwardMatchesUnfusedOps()
    {
        var rng = new Random(3);
        var x = TestTensors.Random(rng, 5, 4);
        var w = TestTensors.Random(rng, 4, 6);
        var b = TestTensors.Random(rng, 1, 6);
        var tape = new Tape<double>();
        var fused = tape.Linear(x, w, b, Activation.Relu).Span.ToArray();
        var unfused = tape.Relu(tape.Add(tape.MatMul(x, w), b)).Span.ToArray();
        Assert.That(fused, Is.EqualTo(unfused).Within(1e-14));
    }
}
