using System.Globalization;
using SkiaSharp;

namespace Sac.Render;

/// <summary>
/// The text drawn over a frame, on two translucent panels in the top corners (the tracking camera keeps the body in
/// the middle): on the left the environment and the policy's training step, the episode and its step, the return so
/// far and the step's reward; on the right every reward term of the step.
/// </summary>
public static class FrameOverlay
{
    private static readonly Lazy<SKTypeface> s_typeface = new(FindTypeface);

    /// <summary>The left panel's lines for <paramref name="frame"/> of <paramref name="episode"/> (one of <paramref name="episodes"/>).</summary>
    public static IReadOnlyList<string> Header(RecordedEpisode episode, int episodes, SceneFrame frame)
    {
        var c = CultureInfo.InvariantCulture;
        return
        [
            string.Create(c, $"{episode.EnvironmentId} · policy at step {episode.PolicyStep:N0}"),
            string.Create(c, $"episode {episode.Index + 1}/{episodes} · step {frame.EpisodeStep}/{episode.Length}"),
            string.Create(c, $"return {frame.Return:F2}"),
            $"reward {Signed(frame.Reward)}",
        ];
    }

    /// <summary>The right panel's lines: each reward term of the frame, "name value".</summary>
    public static IReadOnlyList<string> Terms(RecordedEpisode episode, SceneFrame frame)
    {
        int width = episode.TermNames.Count == 0 ? 0 : episode.TermNames.Max(n => n.Length);
        var lines = new List<string>();
        for (int i = 0; i < episode.TermNames.Count && i < frame.Terms.Length; i++)
            lines.Add($"{episode.TermNames[i].PadRight(width)} {Signed(frame.Terms[i]),8}");
        return lines;
    }

    /// <summary>"+1.234" or "-1.234" (a value that rounds to zero is "+0.000", never "-0.000").</summary>
    public static string Signed(double value)
    {
        string magnitude = Math.Abs(value).ToString("0.000", CultureInfo.InvariantCulture);
        return (value < 0 && magnitude != "0.000" ? "-" : "+") + magnitude;
    }

    /// <summary>Draws both panels over <paramref name="target"/>, the text sized to its height.</summary>
    public static void Draw(SKBitmap target, RecordedEpisode episode, int episodes, SceneFrame frame)
    {
        using var canvas = new SKCanvas(target);
        using var font = new SKFont(s_typeface.Value, Math.Max(8f, target.Height / 36f));
        Panel(canvas, font, Header(episode, episodes, frame), right: false, target.Width);
        Panel(canvas, font, Terms(episode, frame), right: true, target.Width);
    }

    private static void Panel(SKCanvas canvas, SKFont font, IReadOnlyList<string> lines, bool right, int width)
    {
        if (lines.Count == 0)
            return;
        using var text = new SKPaint { Color = SKColors.White, IsAntialias = true };
        using var panel = new SKPaint { Color = new SKColor(0, 0, 0, 130), IsAntialias = true };
        float lineHeight = font.Spacing, margin = font.Size * 0.5f;
        float textWidth = lines.Max(l => font.MeasureText(l));
        float left = right ? width - margin - textWidth - 2 * margin : margin;
        canvas.DrawRoundRect(left, margin, textWidth + 2 * margin, lines.Count * lineHeight + margin, margin, margin, panel);
        for (int i = 0; i < lines.Count; i++)
            canvas.DrawText(lines[i], left + margin, margin + (i + 1) * lineHeight - font.Metrics.Descent, SKTextAlign.Left, font, text);
    }

    /// <summary>
    /// A monospaced face, so the numbers line up: DejaVu Sans Mono or Liberation Mono by name, else one of their files
    /// (the Linux Skia build may come without fontconfig), else Skia's default.
    /// </summary>
    private static SKTypeface FindTypeface()
    {
        foreach (string family in new[] { "DejaVu Sans Mono", "Liberation Mono" })
        {
            var face = SKTypeface.FromFamilyName(family);
            if (face is not null && face.FamilyName == family)
                return face;
        }
        foreach (string file in new[]
        {
            "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf", "/usr/share/fonts/truetype/liberation/LiberationMono-Regular.ttf",
            "/usr/share/fonts/TTF/DejaVuSansMono.ttf",
        })
        {
            if (File.Exists(file) && SKTypeface.FromFile(file) is { } face)
                return face;
        }
        return SKTypeface.Default;
    }
}
