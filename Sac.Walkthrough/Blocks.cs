using System.Globalization;
using System.Text;

namespace Sac.Walkthrough;

/// <summary>One section of the worked example: its number, title and the blocks it renders.</summary>
internal sealed record WalkthroughSection(int Number, string Title, IReadOnlyList<Block> Blocks)
{
    /// <summary>The blocks as Markdown, separated by blank lines, '\n' line endings, no trailing newline.</summary>
    public string Render() => string.Join("\n\n", Blocks.Select(b => b.Render()));
}

/// <summary>A piece of a section's text: a paragraph or a table, rendered as Markdown that also reads well in a terminal.</summary>
internal abstract record Block
{
    public abstract string Render();
}

/// <summary>A line of prose.</summary>
internal sealed record Paragraph(string Text) : Block
{
    public override string Render() => Text;
}

/// <summary>A table of preformatted cells.</summary>
internal sealed record TextTable(string Caption, string[] Headers, IReadOnlyList<string[]> Rows) : Block
{
    public override string Render() => Format.Captioned(Caption, Format.Table(Headers, Rows));
}

/// <summary>One gradient three ways: the doc's formula evaluated by hand, the engine's autodiff, a central difference.</summary>
/// <param name="Entry">What is differentiated with respect to what, e.g. a parameter's engine name.</param>
/// <param name="Hand">The formula of docs/walkthrough.md, evaluated by the plain loops of HandMlp/HandPolicy/HandSac.</param>
/// <param name="Autodiff">The engine's value (a real update's gradient buffer, or a tape's backward pass).</param>
/// <param name="FiniteDifference">(J(x + h) − J(x − h))/2h with h = 1e-6, on the hand forward pass.</param>
/// <param name="Reference">An optional fourth number the row must equal (e.g. section 5's gradient in section 6's equivalence).</param>
internal sealed record GradientRow(string Entry, double Hand, double Autodiff, double FiniteDifference, double? Reference = null);

/// <summary>Gradients three ways, with a line saying whether they agree to the walkthrough's tolerances.</summary>
internal sealed record GradientTable(string Caption, IReadOnlyList<GradientRow> Rows, string? ReferenceHeader = null) : Block
{
    public override string Render()
    {
        var headers = new List<string> { "gradient", "hand formula", "autodiff", "finite difference" };
        if (ReferenceHeader is not null)
            headers.Insert(1, ReferenceHeader);
        var rows = Rows.Select(r =>
        {
            var cells = new List<string> { r.Entry, Format.Number(r.Hand), Format.Number(r.Autodiff), Format.Number(r.FiniteDifference) };
            if (ReferenceHeader is not null)
                cells.Insert(1, r.Reference is double v ? Format.Number(v) : "—");
            return cells.ToArray();
        }).ToList();
        var handBad = Rows.FirstOrDefault(r => !Tolerance.HandAgrees(r.Hand, r.Autodiff) || (r.Reference is double v && !Tolerance.HandAgrees(r.Hand, v)));
        var fdBad = Rows.FirstOrDefault(r => !Tolerance.FiniteDifferenceAgrees(r.FiniteDifference, r.Autodiff));
        string check = $"Check: hand formula vs autodiff within {Tolerance.HandRelativeText} relative {Verdict(handBad)}; " +
                       $"finite difference vs autodiff within {Tolerance.FiniteDifferenceRelativeText} relative {Verdict(fdBad)}.";
        return Format.Captioned(Caption, Format.Table(headers.ToArray(), rows)) + "\n\n" + check;
    }

    private static string Verdict(GradientRow? bad) => bad is null ? "✓" : $"✗ (first at {bad.Entry})";
}

/// <summary>A value computed by hand and, where the engine exposes it, by the engine.</summary>
internal sealed record ValueRow(string Quantity, double Hand, double? Engine);

/// <summary>Values by hand and from the engine.</summary>
internal sealed record ValueTable(string Caption, IReadOnlyList<ValueRow> Rows) : Block
{
    public override string Render()
    {
        var rows = Rows.Select(r => new[] { r.Quantity, Format.Number(r.Hand), r.Engine is double e ? Format.Number(e) : "—" }).ToList();
        var text = Format.Captioned(Caption, Format.Table(["quantity", "hand formula", "engine"], rows));
        if (Rows.Any(r => r.Engine is not null))
        {
            var bad = Rows.FirstOrDefault(r => r.Engine is double e && !Tolerance.HandAgrees(r.Hand, e));
            text += $"\n\nCheck: hand formula vs engine within {Tolerance.HandRelativeText} relative " +
                    (bad is null ? "✓." : $"✗ (first at {bad.Quantity}).");
        }
        return text;
    }
}

/// <summary>One parameter through an optimizer step: before, the step's input, after by hand and after in the engine.</summary>
internal sealed record StepRow(string Entry, double Before, double Input, double HandAfter, double EngineAfter);

/// <summary>An optimizer step (Adam or Polyak) for a few entries.</summary>
internal sealed record StepTable(string Caption, string[] Headers, IReadOnlyList<StepRow> Rows) : Block
{
    public override string Render()
    {
        var rows = Rows.Select(r => new[] { r.Entry, Format.Number(r.Before), Format.Number(r.Input), Format.Number(r.HandAfter), Format.Number(r.EngineAfter) }).ToList();
        var bad = Rows.FirstOrDefault(r => !Tolerance.HandAgrees(r.HandAfter, r.EngineAfter));
        return Format.Captioned(Caption, Format.Table(Headers, rows)) +
               $"\n\nCheck: hand formula vs engine within {Tolerance.HandRelativeText} relative " + (bad is null ? "✓." : $"✗ (first at {bad.Entry}).");
    }
}

/// <summary>A parameter's gradient as the update uses it next to the finite difference of the undetached sum of the losses.</summary>
internal sealed record ContrastRow(string Entry, double Used, double Undetached);

/// <summary>What detaching changes.</summary>
internal sealed record ContrastTable(string Caption, IReadOnlyList<ContrastRow> Rows) : Block
{
    public override string Render() => Format.Captioned(Caption, Format.Table(
        ["parameter", "gradient the update uses (autodiff)", "finite difference of J_V + J_Q + J_π, nothing held fixed"],
        Rows.Select(r => new[] { r.Entry, Format.Number(r.Used), Format.Number(r.Undetached) }).ToList()));
}

/// <summary>The walkthrough's agreement tolerances (see docs/walkthrough.md, "How to read the tables").</summary>
internal static class Tolerance
{
    /// <summary>Hand formula vs autodiff: float64 rounding, |x − y| ≤ 1e-12·max(|x|, |y|) + 1e-16.</summary>
    public const double HandRelative = 1e-12;
    public const double HandAbsolute = 1e-16;
    public const string HandRelativeText = "1e-12";

    /// <summary>Finite difference vs autodiff: |x − y| ≤ 1e-6·max(|x|, |y|) + 1e-9 (truncation ∝ h², rounding ∝ ε_mach/h).</summary>
    public const double FiniteDifferenceRelative = 1e-6;
    public const double FiniteDifferenceAbsolute = 1e-9;
    public const string FiniteDifferenceRelativeText = "1e-6";

    public static bool Agrees(double x, double y, double relative, double absolute) =>
        Math.Abs(x - y) <= relative * Math.Max(Math.Abs(x), Math.Abs(y)) + absolute;

    public static bool HandAgrees(double x, double y) => Agrees(x, y, HandRelative, HandAbsolute);

    public static bool FiniteDifferenceAgrees(double x, double y) => Agrees(x, y, FiniteDifferenceRelative, FiniteDifferenceAbsolute);
}

/// <summary>Deterministic text: invariant culture, ten significant digits, '\n' line endings.</summary>
internal static class Format
{
    /// <summary>G10 in the invariant culture; −0 prints as 0, infinities as ∞ and −∞.</summary>
    public static string Number(double x) => x switch
    {
        0 => "0",
        double.PositiveInfinity => "∞",
        double.NegativeInfinity => "−∞",
        _ => x.ToString("G10", CultureInfo.InvariantCulture),
    };

    /// <summary>A hyperparameter such as a learning rate, in the short scientific form: 3e-4, 1e-8.</summary>
    public static string Scientific(double x) => x.ToString("0.###e+0", CultureInfo.InvariantCulture);

    /// <summary>A row vector as [x, y, …].</summary>
    public static string Vector(IEnumerable<double> xs) => "[" + string.Join(", ", xs.Select(Number)) + "]";

    /// <summary>A matrix row by row: [a, b; c, d].</summary>
    public static string Matrix(double[,] m) =>
        "[" + string.Join("; ", Enumerable.Range(0, m.GetLength(0)).Select(r =>
            string.Join(", ", Enumerable.Range(0, m.GetLength(1)).Select(c => Number(m[r, c]))))) + "]";

    public static string Captioned(string caption, string table) => caption.Length == 0 ? table : caption + "\n\n" + table;

    /// <summary>A Markdown pipe table, padded so the columns also line up in a terminal (text left, numbers right).</summary>
    public static string Table(string[] headers, IReadOnlyList<string[]> rows)
    {
        int n = headers.Length;
        var widths = new int[n];
        for (int c = 0; c < n; c++)
            widths[c] = Math.Max(3, rows.Select(r => Width(r[c])).Append(Width(headers[c])).Max());
        // Numbers right-aligned (digits line up), text and vectors left-aligned; the first column is always a label.
        bool[] right = Enumerable.Range(0, n).Select(c => c > 0 && rows.All(r => IsNumber(r[c]))).ToArray();
        var lines = new List<string> { Line(headers, widths, right) };
        var rule = new StringBuilder("|");
        for (int c = 0; c < n; c++)
            rule.Append(right[c] ? new string('-', widths[c] + 1) + ":|" : ":" + new string('-', widths[c] + 1) + "|");
        lines.Add(rule.ToString());
        lines.AddRange(rows.Select(row => Line(row, widths, right)));
        return string.Join("\n", lines);
    }

    private static string Line(string[] cells, int[] widths, bool[] right)
    {
        var sb = new StringBuilder("|");
        for (int c = 0; c < cells.Length; c++)
        {
            string pad = new(' ', widths[c] - Width(cells[c]));
            sb.Append(' ').Append(right[c] ? pad + cells[c] : cells[c] + pad).Append(" |");
        }
        return sb.ToString();
    }

    private static bool IsNumber(string cell) =>
        cell is "—" or "∞" or "−∞" || double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    /// <summary>Columns a string takes in a terminal: combining marks (the bar of ψ̄) take none.</summary>
    private static int Width(string s) =>
        s.Count(ch => CharUnicodeInfo.GetUnicodeCategory(ch) != UnicodeCategory.NonSpacingMark);
}
