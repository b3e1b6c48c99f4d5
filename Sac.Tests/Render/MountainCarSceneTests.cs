using Sac.Render.Scenes;
using SkiaSharp;

namespace Sac.Tests.Render;

/// <summary>
/// MountainCarContinuous-v0's picture against its geometry, written out here: the hill y = 0.45·sin(3x) + 0.55 over
/// x ∈ [−1.2, 0.6], scaled so the track fills the width, with the car standing on it at its position.
/// </summary>
public class MountainCarSceneTests
{
    private static readonly SceneCanvas Canvas = new(W: 600, H: 400);

    private static (double X, double Y) Screen(double x, double y)
    {
        double scale = Math.Min(Canvas.W / 1.8, Canvas.H / 1.2), left = (Canvas.W - 1.8 * scale) / 2;
        return (left + (x + 1.2) * scale, Canvas.H - y * scale);
    }

    /// <summary>A point a little above the hill at x, along its normal (inside the car's body when the car is there).</summary>
    private static (double X, double Y) AboveTrack(double x, double height)
    {
        double slope = Math.Atan(1.35 * Math.Cos(3 * x));
        return Screen(x - height * Math.Sin(slope), 0.45 * Math.Sin(3 * x) + 0.55 + height * Math.Cos(slope));
    }

    private static bool IsCar(SKColor c) => c.Red < 60 && c.Green < 60 && c.Blue < 60;

    [TestCase(-1.1)]
    [TestCase(-0.5236)] // the valley's bottom, −π/6
    [TestCase(-0.2)]
    [TestCase(0.3)]
    public void Frame_AtPosition_HasTheCarOnTheCurveThere(double position)
    {
        var scene = new MountainCarScene();
        using SKBitmap bitmap = Canvas.Draw(scene, scene.CaptureState([(float)position, 0f]));

        // The body's middle: the wheels' clearance (0.03) plus half the body's height (0.03) above the track.
        var (x, y) = AboveTrack(position, 0.06);
        Assert.That(IsCar(Pixels.At(bitmap, x, y)), Is.True, $"the car at x = {position}: pixel ({x:F0}, {y:F0}) is {Pixels.At(bitmap, x, y)}");
        // Well above the car: sky.
        var (ax, ay) = AboveTrack(position, 0.3);
        Assert.That(Pixels.At(bitmap, ax, ay), Is.EqualTo(SKColors.White), "nothing high above the car");
        // Elsewhere on the track, at the same height above it: no car.
        foreach (double other in new[] { -1.1, -0.5236, -0.2, 0.3 }.Where(p => Math.Abs(p - position) > 0.25))
        {
            var (ox, oy) = AboveTrack(other, 0.06);
            Assert.That(IsCar(Pixels.At(bitmap, ox, oy)), Is.False, $"no car at x = {other} when it is at {position}");
        }
    }

    [Test]
    public void Frame_HasTheTrackOnTheCurve()
    {
        var scene = new MountainCarScene();
        using SKBitmap bitmap = Canvas.Draw(scene, scene.CaptureState([0.55f, 0f]));
        foreach (double x in new[] { -1.0, -0.7, -0.3, 0.1 })
        {
            var (sx, sy) = Screen(x, 0.45 * Math.Sin(3 * x) + 0.55);
            // The line is a few pixels wide: the darkest pixel in a small vertical window on the curve is black.
            int darkest = Enumerable.Range(-2, 5).Min(dy => (int)Pixels.At(bitmap, sx, sy + dy).Red);
            Assert.That(darkest, Is.LessThan(100), $"the track at x = {x}");
            Assert.That(Pixels.At(bitmap, sx, sy - 25), Is.EqualTo(SKColors.White), $"above the track at x = {x}");
        }
    }
}
