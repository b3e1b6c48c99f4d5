using Sac.Walkthrough;

namespace Sac.Tests.Walkthrough;

/// <summary>
/// The walkthrough's three columns agree: the hand formulas (plain loops in Sac.Walkthrough) with the engine's
/// autodiff to float64 rounding, and the central finite differences with both to their expected error. Run on the
/// doc's seed and on others, so the agreement is not a property of one lucky example.
/// </summary>
public class WorkedExampleTests
{
    private static readonly int[] Seeds = [WorkedExample.DefaultSeed, 0, 1, 2, 3, 13, 58, 1234];

    /// <summary>|x − y| / max(|x|, |y|), with 0/0 = 0.</summary>
    private static double Relative(double x, double y)
    {
        double scale = Math.Max(Math.Abs(x), Math.Abs(y));
        return scale == 0 ? 0 : Math.Abs(x - y) / scale;
    }

    private static IEnumerable<(int Section, GradientTable Table)> GradientTables(WorkedExample example) =>
        example.Sections.SelectMany(s => s.Blocks.OfType<GradientTable>().Select(t => (s.Number, t)));

    [Test]
    public void GradientTables_HandFormula_MatchesAutodiffToFloat64Rounding([ValueSource(nameof(Seeds))] int seed)
    {
        var example = WorkedExample.Compute(seed);
        foreach (var (section, table) in GradientTables(example))
            foreach (var row in table.Rows)
            {
                // Both columns compute the same formula in a different order: they may differ in the last bits only.
                // The 1e-16 floor covers entries that are sums of terms cancelling to nearly 0.
                Assert.That(Math.Abs(row.Hand - row.Autodiff), Is.LessThanOrEqualTo(1e-12 * Math.Max(Math.Abs(row.Hand), Math.Abs(row.Autodiff)) + 1e-16),
                    $"seed {seed}, section {section}, {row.Entry}: hand {row.Hand:R} vs autodiff {row.Autodiff:R}");
                if (row.Reference is double reference)
                    Assert.That(Relative(row.Hand, reference), Is.LessThanOrEqualTo(1e-12), $"seed {seed}, section {section}, {row.Entry}: hand vs reference {reference:R}");
            }
    }

    [Test]
    public void GradientTables_FiniteDifference_MatchesAutodiffToItsError([ValueSource(nameof(Seeds))] int seed)
    {
        var example = WorkedExample.Compute(seed);
        foreach (var (section, table) in GradientTables(example))
            foreach (var row in table.Rows)
            {
                // h = 1e-6: truncation ~h²·J''' ≈ 1e-12, rounding ~1e-16·|J|/h ≈ 1e-10; 1e-6 relative leaves ample room, while a
                // wrong rule (a missing factor, a wrong sign, a dropped path) is off by O(1).
                Assert.That(Math.Abs(row.FiniteDifference - row.Autodiff),
                    Is.LessThanOrEqualTo(1e-6 * Math.Max(Math.Abs(row.FiniteDifference), Math.Abs(row.Autodiff)) + 1e-9),
                    $"seed {seed}, section {section}, {row.Entry}: finite difference {row.FiniteDifference:R} vs autodiff {row.Autodiff:R}");
            }
    }

    [Test]
    public void GradientTables_EverySectionFrom3To6_HasGradients()
    {
        var example = WorkedExample.Compute();
        var sections = GradientTables(example).Select(t => t.Section).Distinct().Order().ToArray();
        Assert.That(sections, Is.EqualTo(new[] { 3, 4, 5, 6 }));
        Assert.That(GradientTables(example).SelectMany(t => t.Table.Rows).Select(r => new[] { r.Hand, r.Autodiff, r.FiniteDifference }),
            Is.All.All.Matches<double>(double.IsFinite));
    }

    [Test]
    public void Section5_GradientRows_CoverEveryTrainedNetworkWithNonZeroEntries()
    {
        var rows = WorkedExample.Compute().Sections[4].Blocks.OfType<GradientTable>().SelectMany(t => t.Rows).ToList();
        foreach (var prefix in new[] { "v.0.weight", "v.0.bias", "v.1.weight", "v.1.bias", "q1.0.weight", "q1.1.bias", "q2.0.weight", "q2.1.bias", "pi.0.weight", "pi.1.bias" })
            Assert.That(rows.Any(r => r.Entry.StartsWith(prefix, StringComparison.Ordinal)), Is.True, $"section 5 shows no {prefix} entry");
        // The doc's seed was picked so that the representative entries are informative (not switched off by ReLU).
        Assert.That(rows.Count(r => r.Autodiff == 0), Is.EqualTo(0), "a section 5 entry of the doc's seed has a zero gradient");
    }

    [Test]
    public void ValueAndStepTables_HandFormula_MatchesEngine([ValueSource(nameof(Seeds))] int seed)
    {
        var example = WorkedExample.Compute(seed);
        foreach (var section in example.Sections)
        {
            foreach (var row in section.Blocks.OfType<ValueTable>().SelectMany(t => t.Rows).Where(r => r.Engine is not null))
                Assert.That(Relative(row.Hand, row.Engine!.Value), Is.LessThanOrEqualTo(1e-12), $"seed {seed}, section {section.Number}, {row.Quantity}");
            foreach (var row in section.Blocks.OfType<StepTable>().SelectMany(t => t.Rows))
                Assert.That(Relative(row.HandAfter, row.EngineAfter), Is.LessThanOrEqualTo(1e-12), $"seed {seed}, section {section.Number}, {row.Entry}");
        }
    }

    [Test]
    public void Section7_AdamFirstStep_IsLearningRateTimesSignOfGradient()
    {
        // Closed form, independent of both columns: with m₀ = v₀ = 0, m̂ = g and v̂ = g², so the step is −lr·g/(|g| + ε),
        // within lr·ε/|g| of −lr·sign(g) (and 0 when g = 0).
        var adam = WorkedExample.Compute().Sections[6].Blocks.OfType<StepTable>().First();
        foreach (var row in adam.Rows)
        {
            Assert.That(row.EngineAfter - row.Before, Is.EqualTo(-3e-4 * row.Input / (Math.Abs(row.Input) + 1e-8)).Within(1e-15), row.Entry);
            Assert.That(row.EngineAfter - row.Before, Is.EqualTo(-3e-4 * Math.Sign(row.Input)).Within(1e-9), row.Entry);
        }
    }

    [Test]
    public void Section7_Polyak_MovesTheTargetTauOfTheWayTowardTheSource()
    {
        var polyak = WorkedExample.Compute().Sections[6].Blocks.OfType<StepTable>().Last();
        foreach (var row in polyak.Rows)
        {
            Assert.That(row.EngineAfter - row.Before, Is.EqualTo(0.005 * (row.Input - row.Before)).Within(1e-15), row.Entry);
            // Direction: the source ψ was stepped by Adam; the target follows it, it does not pull ψ back.
            Assert.That(Math.Sign(row.EngineAfter - row.Before), Is.EqualTo(Math.Sign(row.Input - row.Before)), row.Entry);
        }
    }

    [Test]
    public void Section6_TemperatureGradient_IsMinusMeanLogProbPlusTargetEntropy()
    {
        // dJ/dlog α = −mean(log π + H̄) with H̄ = −dim(A) = −1, from the engine's log π of section 4's table.
        var example = WorkedExample.Compute();
        var logProbs = example.Sections[3].Blocks.OfType<ValueTable>().First().Rows
            .Where(r => r.Quantity.StartsWith("log π(", StringComparison.Ordinal)).Select(r => r.Engine!.Value).ToArray();
        Assert.That(logProbs, Has.Length.EqualTo(2));
        var row = example.Sections[5].Blocks.OfType<GradientTable>().First().Rows.Single();
        Assert.That(row.Autodiff, Is.EqualTo(-(logProbs.Average() - 1)).Within(1e-15));
    }

    [Test]
    public void Section4_LogProbGradientWrtMean_IsTwiceTheAction()
    {
        // d/du [−log(1 − tanh² u)] = 2 tanh u, and ∂u/∂μ = 1: the closed form the doc states, against the engine's ã.
        var example = WorkedExample.Compute();
        var actions = example.Sections[3].Blocks.OfType<ValueTable>().First().Rows
            .Where(r => r.Quantity.StartsWith("ã", StringComparison.Ordinal)).Select(r => r.Engine!.Value).ToArray();
        var rows = example.Sections[3].Blocks.OfType<GradientTable>().First().Rows.Where(r => r.Entry.Contains("/∂μ", StringComparison.Ordinal) && r.Entry.StartsWith("∂log π", StringComparison.Ordinal)).ToArray();
        Assert.That(rows.Select(r => r.Autodiff), Is.EqualTo(actions.Select(a => 2 * a)).Within(1e-14));
    }

    [Test]
    public void Section5_Detach_ChangesTheGradientsOfTheCriticsAndThePolicy()
    {
        // Without the detaches the sum J_V + J_Q + J_π would also push θ through J_π and J_V's target, and φ through J_V's target.
        var contrast = WorkedExample.Compute().Sections[4].Blocks.OfType<ContrastTable>().Single();
        foreach (var row in contrast.Rows.Where(r => r.Entry.StartsWith("pi", StringComparison.Ordinal) || r.Entry.StartsWith("q1", StringComparison.Ordinal)))
            Assert.That(Math.Abs(row.Used - row.Undetached), Is.GreaterThan(1e-3), row.Entry);
    }

    [Test]
    public void GradientTable_CheckLine_FlagsAWrongRule()
    {
        // The check line a reader sees must be able to say ✗: the tanh rule with 1 − ã instead of 1 − ã² is caught.
        var good = new GradientRow("∂L/∂u", 0.3 * (1 - 0.5 * 0.5), 0.3 * (1 - 0.5 * 0.5), 0.3 * (1 - 0.5 * 0.5) + 1e-11);
        var wrong = good with { Hand = 0.3 * (1 - 0.5) };
        Assert.That(new GradientTable("", [good]).Render(), Does.Contain("relative ✓; finite difference").And.Not.Contain("✗"));
        Assert.That(new GradientTable("", [wrong]).Render(), Does.Contain("✗ (first at ∂L/∂u)"));
    }

    [Test]
    public void Render_IsDeterministicAndCultureInvariant()
    {
        var culture = Thread.CurrentThread.CurrentCulture;
        try
        {
            string invariant = WorkedExample.Compute().Render(5);
            // A culture with a decimal comma (built by hand: the solution runs with invariant globalization).
            var comma = (System.Globalization.CultureInfo)System.Globalization.CultureInfo.InvariantCulture.Clone();
            comma.NumberFormat.NumberDecimalSeparator = ",";
            comma.NumberFormat.NegativeSign = "~";
            Thread.CurrentThread.CurrentCulture = comma;
            Assert.That(WorkedExample.Compute().Render(5), Is.EqualTo(invariant));
            Assert.That(invariant, Does.Not.Contain("\r"));
        }
        finally
        {
            Thread.CurrentThread.CurrentCulture = culture;
        }
    }

    [Test]
    public void Compute_NegativeSeed_Throws() =>
        Assert.That(() => WorkedExample.Compute(-1), Throws.TypeOf<ArgumentOutOfRangeException>());

    [Test]
    public void Render_SectionOutOfRange_Throws([Values(0, 8)] int section) =>
        Assert.That(() => WorkedExample.Compute().Render(section), Throws.TypeOf<ArgumentOutOfRangeException>());
}
