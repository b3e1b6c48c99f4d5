using System.Globalization;
using System.Numerics;

namespace Sac.Autodiff;

/// <summary>Tolerances for <see cref="GradCheck"/>: an element passes when |analytic − numeric| ≤ atol + rtol·|numeric|.</summary>
/// <param name="Epsilon">The central-difference step h: numeric = (f(x + h) − f(x − h)) / 2h.</param>
/// <param name="AbsoluteTolerance">atol.</param>
/// <param name="RelativeTolerance">rtol.</param>
public sealed record GradCheckOptions(double Epsilon, double AbsoluteTolerance, double RelativeTolerance)
{
    /// <summary>torch.autograd.gradcheck's defaults, for float64: h = 1e-6, atol = 1e-5, rtol = 1e-3.</summary>
    public static GradCheckOptions Float64 { get; } = new(1e-6, 1e-5, 1e-3);

    /// <summary>
    /// Looser settings for float32 graphs: h = 1e-3, atol = 1e-2, rtol = 1e-2. Why: a float32 loss carries rounding
    /// errors of ~1e-7 relative (more after long sums), which a central difference divides by 2h; h = 1e-3 keeps that
    /// near 1e-4 while the truncation error (∝ h²) stays below it. Use float64 to check a rule; float32 to check that the
    /// float32 path computes the same thing.
    /// </summary>
    public static GradCheckOptions Float32 { get; } = new(1e-3, 1e-2, 1e-2);
}

/// <summary>The outcome of a <see cref="GradCheck"/>: pass/fail, the largest errors and the worst element.</summary>
/// <param name="Passed">True when every element of every input is within tolerance.</param>
/// <param name="MaxAbsoluteError">max |analytic − numeric| over all elements.</param>
/// <param name="MaxRelativeError">max |analytic − numeric| / max(|numeric|, atol) over all elements.</param>
/// <param name="WorstInput">Index of the input holding the worst element (the one furthest past its tolerance).</param>
/// <param name="WorstInputName">That input's name, if it has one.</param>
/// <param name="WorstRow">Row of the worst element.</param>
/// <param name="WorstCol">Column of the worst element.</param>
/// <param name="Analytic">The tape's gradient there.</param>
/// <param name="Numeric">The central difference there.</param>
/// <param name="Elements">How many elements were checked.</param>
public sealed record GradCheckResult(bool Passed, double MaxAbsoluteError, double MaxRelativeError,
    int WorstInput, string? WorstInputName, int WorstRow, int WorstCol, double Analytic, double Numeric, int Elements)
{
    /// <summary>One line: pass/fail, errors, and where the worst element is.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{(Passed ? "passed" : "FAILED")}: {Elements} elements, max abs err {MaxAbsoluteError:E3}, max rel err {MaxRelativeError:E3}; " +
        $"worst: input {WorstInput}{(WorstInputName is null ? "" : $" ({WorstInputName})")}[{WorstRow}, {WorstCol}] analytic {Analytic:G10} vs numeric {Numeric:G10}");
}

/// <summary>
/// Checks a tape's gradients against central finite differences, like torch.autograd.gradcheck.
/// Give it a scalar function of some input tensors (leaves that require a gradient) that builds its graph on the tape
/// it is handed; GradCheck runs it once with recording for the analytic gradients and twice per input element under
/// <see cref="Tape{T}.NoGrad"/> for the numeric ones. The function must be deterministic (draw any noise outside it).
/// </summary>
public static class GradCheck
{
    /// <summary>Checks a float64 graph, by default at torch's tolerances (<see cref="GradCheckOptions.Float64"/>).</summary>
    public static GradCheckResult Run(Func<Tape<double>, Tensor<double>> function, IReadOnlyList<Tensor<double>> inputs, GradCheckOptions? options = null)
        => RunCore(function, inputs, options ?? GradCheckOptions.Float64);

    /// <summary>Checks a float32 graph, by default at <see cref="GradCheckOptions.Float32"/>'s looser tolerances.</summary>
    public static GradCheckResult Run(Func<Tape<float>, Tensor<float>> function, IReadOnlyList<Tensor<float>> inputs, GradCheckOptions? options = null)
        => RunCore(function, inputs, options ?? GradCheckOptions.Float32);

    private static GradCheckResult RunCore<T>(Func<Tape<T>, Tensor<T>> function, IReadOnlyList<Tensor<T>> inputs, GradCheckOptions options)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(inputs);
        for (int i = 0; i < inputs.Count; i++)
            if (!inputs[i].RequiresGrad || !inputs[i].IsLeaf)
                throw new ArgumentException($"GradCheck input {i} ({inputs[i]}) must be a leaf that requires a gradient.", nameof(inputs));

        var tape = new Tape<T>();

        // Analytic: one recorded forward pass and its backward.
        foreach (var input in inputs)
            input.ZeroGrad();
        var loss = function(tape);
        if (loss.Length != 1)
            throw new ArgumentException($"GradCheck needs a scalar (1×1) function, got {loss.Rows}×{loss.Cols}.", nameof(function));
        tape.Backward(loss);
        var analytic = inputs.Select(input => input.Grad.ToArray()).ToArray();

        double h = options.Epsilon;
        double maxAbs = 0, maxRel = 0, worstExcess = double.NegativeInfinity;
        int worstInput = -1, worstIndex = -1, elements = 0;
        double worstAnalytic = 0, worstNumeric = 0;
        for (int i = 0; i < inputs.Count; i++)
        {
            var x = inputs[i].Span;
            for (int j = 0; j < x.Length; j++)
            {
                T original = x[j];
                x[j] = original + T.CreateChecked(h);
                double plus = Evaluate(tape, function);
                x[j] = original - T.CreateChecked(h);
                double minus = Evaluate(tape, function);
                x[j] = original;

                double numeric = (plus - minus) / (2 * h);
                double a = double.CreateChecked(analytic[i][j]);
                double error = Math.Abs(a - numeric);
                double excess = error - (options.AbsoluteTolerance + options.RelativeTolerance * Math.Abs(numeric));
                if (double.IsNaN(error))
                    excess = double.PositiveInfinity;
                maxAbs = Math.Max(maxAbs, error);
                maxRel = Math.Max(maxRel, error / Math.Max(Math.Abs(numeric), options.AbsoluteTolerance));
                if (excess > worstExcess)
                    (worstExcess, worstInput, worstIndex, worstAnalytic, worstNumeric) = (excess, i, j, a, numeric);
                elements++;
            }
        }
        if (worstInput < 0)
            return new GradCheckResult(true, 0, 0, -1, null, -1, -1, 0, 0, 0);
        int cols = Math.Max(inputs[worstInput].Cols, 1);
        return new GradCheckResult(worstExcess <= 0, maxAbs, maxRel, worstInput, inputs[worstInput].Name,
            worstIndex / cols, worstIndex % cols, worstAnalytic, worstNumeric, elements);
    }

    private static double Evaluate<T>(Tape<T> tape, Func<Tape<T>, Tensor<T>> function) where T : unmanaged, IFloatingPointIeee754<T>
    {
        tape.Reset();
        using (tape.NoGrad())
            return double.CreateChecked(function(tape).Span[0]);
    }
}
