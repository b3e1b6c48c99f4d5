using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using Sac.Autodiff;
using Sac.Kernels;

namespace Sac.Benchmarks;

/// <summary>
/// The autodiff's cost outside the kernels: 100 ops on 1×4 tensors (where the kernel work is a few ns) through the
/// tape, forward only and forward + backward, next to the same kernel calls made directly. (Mean / 100 = ns per op.)
/// </summary>
[MemoryDiagnoser]
public class AutodiffOverheadBenchmarks
{
    private const int Ops = 100;
    private readonly Tape<float> _tape = new();
    private readonly Tensor<float> _x = Tensor<float>.FromValues(1, 4, [0.1f, -0.2f, 0.3f, 0.4f], requiresGrad: true);
    private readonly Tensor<float> _y = Tensor<float>.FromValues(1, 4, [0.5f, 0.6f, -0.7f, 0.8f], requiresGrad: true);
    private readonly float[] _a = [0.1f, -0.2f, 0.3f, 0.4f], _b = [0.5f, 0.6f, -0.7f, 0.8f], _c = new float[4];

    /// <summary>Warms the arena so the measured runs reuse it.</summary>
    [GlobalSetup]
    public void Setup()
    {
        ForwardBackward();
        ForwardBackward();
    }

    /// <summary>100 bare kernel calls (alternating Add and Tanh), no tape: the floor.</summary>
    [Benchmark(Baseline = true)]
    public float BareKernels()
    {
        for (int i = 0; i < Ops / 2; i++)
        {
            Elementwise.Add<float>(_a, _b, _c);
            Elementwise.Tanh<float>(_c, _c);
        }
        return _c[0];
    }

    /// <summary>The same 100 ops through the tape, recorded (forward only).</summary>
    [Benchmark]
    public float TapeForward()
    {
        _tape.Reset();
        var h = _x;
        for (int i = 0; i < Ops / 2; i++)
            h = _tape.Tanh(_tape.Add(h, _y));
        return h.Span[0];
    }

    /// <summary>The same 100 ops recorded, then their backward rules (plus the final Sum and its rule).</summary>
    [Benchmark]
    public float ForwardBackward()
    {
        _tape.Reset();
        var h = _x;
        for (int i = 0; i < Ops / 2; i++)
            h = _tape.Tanh(_tape.Add(h, _y));
        _tape.Backward(_tape.Sum(h));
        return _x.Grad[0];
    }
}

/// <summary>
/// An MLP 17 → 256 → 256 → 1 (ReLU), batch 256, forward + backward of ½·mean((q − y)²), through the tape and as the
/// same GEMMs and elementwise kernels called by hand: the ratio is the autodiff's overhead on a realistic step.
/// FLOPs (2 per multiply-add): forward 2B(17·256 + 256·256 + 256·1); backward the same again for dW, plus
/// 2B(256·256 + 256·1) for dX of layers 2 and 3 (the input needs no gradient); elementwise work is not counted.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
public class AutodiffMlpBenchmarks : IFlopCounted
{
    private const int B = 256, In = 17, H = 256;

    /// <summary>Threads for the matrix products.</summary>
    [Params(1)]
    public int Threads { get; set; }

    private readonly Tape<float> _tape = new();
    private FlatParameters<float> _p = null!;
    private Tensor<float> _x = null!, _y = null!;
    private float[] _h1 = null!, _h2 = null!, _q = null!, _dq = null!, _dh2 = null!, _dh1 = null!;

    /// <inheritdoc/>
    public double FlopsPerInvocation(BenchmarkCase benchmark) =>
        2.0 * B * (In * H + H * H + H) * 2 + 2.0 * B * (H * H + H);

    /// <summary>Creates the network and batch and warms the tape.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        _p = new FlatParameters<float>([("W1", In, H), ("b1", 1, H), ("W2", H, H), ("b2", 1, H), ("W3", H, 1), ("b3", 1, 1)]);
        foreach (ref var v in _p.Values) v = (float)(rng.NextDouble() - 0.5) * 0.1f;
        _x = new Tensor<float>(B, In);
        _y = new Tensor<float>(B, 1);
        foreach (ref var v in _x.Span) v = (float)rng.NextDouble();
        foreach (ref var v in _y.Span) v = (float)rng.NextDouble();
        _h1 = new float[B * H]; _h2 = new float[B * H]; _q = new float[B]; _dq = new float[B]; _dh2 = new float[B * H]; _dh1 = new float[B * H];
        _tape.Threads = Threads;
        Tape();
        Tape();
    }

    /// <summary>The kernels called by hand: the floor the tape is measured against.</summary>
    [Benchmark(Baseline = true)]
    public float BareKernels()
    {
        var p = _p.Tensors;
        _p.ZeroGrad();
        Gemm.Multiply<float>(Transpose.No, Transpose.No, B, H, In, _x.Span, p[0].Span, _h1, GemmOutput.Overwrite, p[1].Span, Kernels.Activation.Relu, Threads);
        Gemm.Multiply<float>(Transpose.No, Transpose.No, B, H, H, _h1, p[2].Span, _h2, GemmOutput.Overwrite, p[3].Span, Kernels.Activation.Relu, Threads);
        Gemm.Multiply<float>(Transpose.No, Transpose.No, B, 1, H, _h2, p[4].Span, _q, GemmOutput.Overwrite, p[5].Span, Kernels.Activation.None, Threads);
        // dL/dq = (q − y)/B
        Elementwise.Subtract<float>(_q, _y.Span, _dq);
        Elementwise.Scale<float>(_dq, 1f / B, _dq);
        // layer 3
        Gemm.Multiply<float>(Transpose.Yes, Transpose.No, H, 1, B, _h2, _dq, p[4].Grad, GemmOutput.Accumulate, threads: Threads);
        Matrices.ColumnSums<float>(_dq, p[5].Grad, B, 1, true, 1f);
        Gemm.Multiply<float>(Transpose.No, Transpose.Yes, B, H, 1, _dq, p[4].Span, _dh2, threads: Threads);
        // layer 2
        Elementwise.ReluBackward<float>(_dh2, _h2, _dh2, false);
        Gemm.Multiply<float>(Transpose.Yes, Transpose.No, H, H, B, _h1, _dh2, p[2].Grad, GemmOutput.Accumulate, threads: Threads);
        Matrices.ColumnSums<float>(_dh2, p[3].Grad, B, H, true, 1f);
        Gemm.Multiply<float>(Transpose.No, Transpose.Yes, B, H, H, _dh2, p[2].Span, _dh1, threads: Threads);
        // layer 1
        Elementwise.ReluBackward<float>(_dh1, _h1, _dh1, false);
        Gemm.Multiply<float>(Transpose.Yes, Transpose.No, In, H, B, _x.Span, _dh1, p[0].Grad, GemmOutput.Accumulate, threads: Threads);
        Matrices.ColumnSums<float>(_dh1, p[1].Grad, B, H, true, 1f);
        return p[0].Grad[0];
    }

    /// <summary>The same step through the tape.</summary>
    [Benchmark]
    public float Tape()
    {
        var p = _p.Tensors;
        _tape.Reset();
        _p.ZeroGrad();
        var h1 = _tape.Linear(_x, p[0], p[1], Sac.Autodiff.Activation.Relu);
        var h2 = _tape.Linear(h1, p[2], p[3], Sac.Autodiff.Activation.Relu);
        var q = _tape.Linear(h2, p[4], p[5]);
        _tape.Backward(_tape.Scale(_tape.Mean(_tape.Square(_tape.Sub(q, _y))), 0.5f));
        return p[0].Grad[0];
    }
}
