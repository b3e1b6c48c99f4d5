using Sac.Core.Environments;
using SkiaSharp;

namespace Sac.Render.Scenes;

/// <summary>
/// Pendulum-v1 as Gymnasium draws it: a red rod of length l = 1 turning about a black axle at the centre of a world
/// 2.2 units in half-width, upright at θ = 0 and turning counter-clockwise as θ grows, with the torque drawn as an arc
/// arrow around the axle (its length grows with |u|, its head points the way the torque turns).
/// </summary>
public sealed class PendulumScene : Scene
{
    /// <summary>Half the world's width and height shown, in units of the rod's length (Gymnasium's <c>bound</c>).</summary>
    public const double Bound = 2.2;

    /// <summary>The rod's colour, Gymnasium's (204, 77, 77).</summary>
    public static readonly SKColor RodColour = new(204, 77, 77);

    /// <inheritdoc/>
    public override string EnvironmentId => Pendulum.EnvironmentId;

    /// <inheritdoc/>
    public override FrameRate FrameRate => FrameRate.RealTime(Pendulum.Dt);

    /// <inheritdoc/>
    /// <remarks>θ = atan2(sin θ, cos θ) from the observation [cos θ, sin θ, θ̇].</remarks>
    public override double[] CaptureState(ReadOnlySpan<float> observation) => [Math.Atan2(observation[1], observation[0])];

    /// <summary>Pixels per world unit in a picture of <paramref name="width"/> × <paramref name="height"/>.</summary>
    public static double Scale(int width, int height) => Math.Min(width, height) / (2 * Bound);

    /// <summary>Where the rod's tip is drawn for angle <paramref name="theta"/>: (−sin θ, cos θ)·l from the centre, y down on screen.</summary>
    public static (double X, double Y) Tip(double theta, int width, int height)
    {
        double scale = Scale(width, height);
        return (width / 2.0 - Math.Sin(theta) * Pendulum.Length * scale, height / 2.0 - Math.Cos(theta) * Pendulum.Length * scale);
    }

    /// <inheritdoc/>
    public override void Draw(SKBitmap target, SceneFrame frame, RenderSettings settings)
    {
        double theta = frame.State[0];
        int w = target.Width, h = target.Height;
        float scale = (float)Scale(w, h);
        using var canvas = new SKCanvas(target);
        canvas.Clear(SKColors.White);
        var centre = new SKPoint(w / 2f, h / 2f);
        var (tipX, tipY) = Tip(theta, w, h);

        using var rod = new SKPaint { Color = RodColour, IsAntialias = true, StrokeWidth = 0.2f * scale, StrokeCap = SKStrokeCap.Round, Style = SKPaintStyle.Stroke };
        canvas.DrawLine(centre, new SKPoint((float)tipX, (float)tipY), rod);

        if (frame.Action.Length > 0 && frame.Action[0] != 0)
            DrawTorque(canvas, centre, scale, Math.Clamp(frame.Action[0], -Pendulum.MaxTorque, Pendulum.MaxTorque));

        using var axle = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        canvas.DrawCircle(centre, 0.05f * scale, axle);
    }

    /// <summary>An arc around the axle, a quarter turn at full torque, with an arrow head; counter-clockwise for u &gt; 0.</summary>
    private static void DrawTorque(SKCanvas canvas, SKPoint centre, float scale, double u)
    {
        float radius = 0.35f * scale;
        float sweep = (float)(-90 * u / Pendulum.MaxTorque); // Skia's angles turn clockwise on screen
        using var paint = new SKPaint { Color = new SKColor(40, 40, 40), IsAntialias = true, StrokeWidth = 0.04f * scale, Style = SKPaintStyle.Stroke };
        var oval = new SKRect(centre.X - radius, centre.Y - radius, centre.X + radius, centre.Y + radius);
        const float start = 90; // below the axle
        using (var arc = new SKPath())
        {
            arc.AddArc(oval, start, sweep);
            canvas.DrawPath(arc, paint);
        }
        double end = (start + sweep) * Math.PI / 180;
        var tip = new SKPoint(centre.X + radius * (float)Math.Cos(end), centre.Y + radius * (float)Math.Sin(end));
        // The tangent at the arc's end, in the direction of travel.
        double direction = end + Math.Sign(sweep) * Math.PI / 2;
        float size = 0.12f * scale;
        using var head = new SKPath();
        head.MoveTo(tip.X + size * (float)Math.Cos(direction), tip.Y + size * (float)Math.Sin(direction));
        head.LineTo(tip.X + size * 0.6f * (float)Math.Cos(direction + 2.2), tip.Y + size * 0.6f * (float)Math.Sin(direction + 2.2));
        head.LineTo(tip.X + size * 0.6f * (float)Math.Cos(direction - 2.2), tip.Y + size * 0.6f * (float)Math.Sin(direction - 2.2));
        head.Close();
        using var fill = new SKPaint { Color = paint.Color, IsAntialias = true, Style = SKPaintStyle.Fill };
        canvas.DrawPath(head, fill);
    }
}
