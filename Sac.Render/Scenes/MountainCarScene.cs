using Sac.Core.Environments;
using SkiaSharp;

namespace Sac.Render.Scenes;

/// <summary>
/// MountainCarContinuous-v0 as Gymnasium draws it: the hill y = 0.45·sin(3x) + 0.55 over x ∈ [−1.2, 0.6], the car
/// standing on it at its position, tilted with the slope, and the flag at the goal x = 0.45.
/// </summary>
public sealed class MountainCarScene : Scene
{
    /// <summary>The car body's colour.</summary>
    public static readonly SKColor CarColour = new(30, 30, 30);

    /// <summary>The car's length and height and its wheels' lift above the track, in world units.</summary>
    public const double CarLength = 0.12, CarHeight = 0.06, Clearance = 0.03;

    /// <inheritdoc/>
    public override string EnvironmentId => MountainCarContinuous.EnvironmentId;

    /// <inheritdoc/>
    /// <remarks>Gymnasium's <c>render_fps</c>, 30 (the task has no time step).</remarks>
    public override FrameRate FrameRate => new(30, 1);

    /// <inheritdoc/>
    /// <remarks>The position, from the observation [position, velocity].</remarks>
    public override double[] CaptureState(ReadOnlySpan<float> observation) => [observation[0]];

    /// <summary>The hill's height at <paramref name="x"/>.</summary>
    public static double HillHeight(double x) => Math.Sin(3 * x) * 0.45 + 0.55;

    /// <summary>Pixels per world unit: the track's width fills the picture, and its height (0 … 1.2) fits.</summary>
    public static double Scale(int width, int height) =>
        Math.Min(width / (MountainCarContinuous.MaxPosition - MountainCarContinuous.MinPosition), height / 1.2);

    /// <summary>The screen point of world point (x, y): x from the track's left end, y up from the picture's bottom edge.</summary>
    public static (double X, double Y) ToScreen(double x, double y, int width, int height)
    {
        double scale = Scale(width, height);
        double left = (width - scale * (MountainCarContinuous.MaxPosition - MountainCarContinuous.MinPosition)) / 2;
        return (left + (x - MountainCarContinuous.MinPosition) * scale, height - y * scale);
    }

    /// <summary>The centre of the car's body on screen at <paramref name="position"/>: above the track by the clearance and half the body, along the slope's normal.</summary>
    public static (double X, double Y) CarCentre(double position, int width, int height)
    {
        double slope = Math.Atan(1.35 * Math.Cos(3 * position)); // dy/dx of the hill
        double lift = Clearance + CarHeight / 2;
        return ToScreen(position - lift * Math.Sin(slope), HillHeight(position) + lift * Math.Cos(slope), width, height);
    }

    /// <inheritdoc/>
    public override void Draw(SKBitmap target, SceneFrame frame, RenderSettings settings)
    {
        int w = target.Width, h = target.Height;
        float scale = (float)Scale(w, h);
        using var canvas = new SKCanvas(target);
        canvas.Clear(SKColors.White);

        using var track = new SKPaint { Color = SKColors.Black, IsAntialias = true, StrokeWidth = Math.Max(1.5f, 0.008f * scale), Style = SKPaintStyle.Stroke };
        using (var hill = new SKPath())
        {
            for (int i = 0; i <= 200; i++)
            {
                double x = MountainCarContinuous.MinPosition + (MountainCarContinuous.MaxPosition - MountainCarContinuous.MinPosition) * i / 200;
                var (sx, sy) = ToScreen(x, HillHeight(x), w, h);
                if (i == 0)
                    hill.MoveTo((float)sx, (float)sy);
                else
                    hill.LineTo((float)sx, (float)sy);
            }
            canvas.DrawPath(hill, track);
        }

        // The flag at the goal.
        var (fx, fy) = ToScreen(MountainCarContinuous.GoalPosition, HillHeight(MountainCarContinuous.GoalPosition), w, h);
        using var pole = new SKPaint { Color = SKColors.Black, IsAntialias = true, StrokeWidth = Math.Max(1, 0.006f * scale) };
        canvas.DrawLine((float)fx, (float)fy, (float)fx, (float)fy - 0.12f * scale, pole);
        using (var flag = new SKPath())
        {
            flag.MoveTo((float)fx, (float)fy - 0.12f * scale);
            flag.LineTo((float)fx, (float)fy - 0.08f * scale);
            flag.LineTo((float)fx + 0.07f * scale, (float)fy - 0.10f * scale);
            flag.Close();
            using var yellow = new SKPaint { Color = new SKColor(204, 204, 0), IsAntialias = true };
            canvas.DrawPath(flag, yellow);
        }

        // The car: a body tilted with the slope, on two wheels.
        double position = frame.State[0];
        var (cx, cy) = CarCentre(position, w, h);
        float degrees = (float)(-Math.Atan(1.35 * Math.Cos(3 * position)) * 180 / Math.PI);
        canvas.Save();
        canvas.Translate((float)cx, (float)cy);
        canvas.RotateDegrees(degrees);
        float length = (float)CarLength * scale, height = (float)CarHeight * scale;
        using var body = new SKPaint { Color = CarColour, IsAntialias = true };
        canvas.DrawRect(-length / 2, -height / 2, length, height, body);
        using var wheel = new SKPaint { Color = new SKColor(128, 128, 128), IsAntialias = true };
        float wheelRadius = height * 0.45f;
        canvas.DrawCircle(-length / 3, height / 2 + wheelRadius * 0.5f, wheelRadius, wheel);
        canvas.DrawCircle(length / 3, height / 2 + wheelRadius * 0.5f, wheelRadius, wheel);
        canvas.Restore();
    }
}
