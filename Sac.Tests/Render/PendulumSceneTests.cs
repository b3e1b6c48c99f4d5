using Sac.Render.Scenes;
using SkiaSharp;

namespace Sac.Tests.Render;

/// <summary>
/// Pendulum-v1's picture against Gymnasium's geometry, written out here: the rod of length l = 1 turns about the centre
/// of a world of half-width 2.2 (so min(W, H)/4.4 pixels per unit), upright at θ = 0, counter-clockwise for θ &gt; 0,
/// i.e. its tip at (−sin θ, cos θ) with y up.
/// </summary>
public class PendulumSceneTests
{
    private static readonly SceneCanvas Canvas = new(W: 400, H: 300);

    /// <summary>The screen point at distance r (in rod lengths) from the axle in the direction of angle θ.</summary>
    private static (double X, double Y) Along(double theta, double r)
    {
        double scale = Math.Min(Canvas.W, Canvas.H) / 4.4;
        return (Canvas.W / 2.0 - Math.Sin(theta) * r * scale, Canvas.H / 2.0 - Math.Cos(theta) * r * scale);
    }

    private static bool IsRod(SKColor c) => Math.Abs(c.Red - 204) < 30 && Math.Abs(c.Green - 77) < 30 && Math.Abs(c.Blue - 77) < 30;

    [TestCase(0.0)]
    [TestCase(0.5)]
    [TestCase(Math.PI / 2)]
    [TestCase(2.5)]
    [TestCase(Math.PI)]
    [TestCase(-2.0)]
    [TestCase(-0.3)]
    public void Frame_AtAngleTheta_HasTheRodAtTheta(double theta)
    {
        var scene = new PendulumScene();
        // The angle comes in the way the environment reports it: [cos θ, sin θ, θ̇].
        using SKBitmap bitmap = Canvas.Draw(scene, scene.CaptureState([(float)Math.Cos(theta), (float)Math.Sin(theta), 0.3f]));

        // Along θ, from near the axle to near the tip: the rod. Half a rod-width off the line on either side at mid-length
        // is still rod; well off it, at θ ± 50° and behind the axle (θ + π), is the white background.
        foreach (double r in new[] { 0.15, 0.3, 0.5, 0.7, 0.9, 1.0 })
        {
            var (x, y) = Along(theta, r);
            Assert.That(IsRod(Pixels.At(bitmap, x, y)), Is.True, $"θ = {theta}: the rod at {r} of its length, pixel ({x:F0}, {y:F0}) is {Pixels.At(bitmap, x, y)}");
        }
        foreach (double off in new[] { 50 * Math.PI / 180, -50 * Math.PI / 180, Math.PI })
        {
            foreach (double r in new[] { 0.5, 0.8 })
            {
                var (x, y) = Along(theta + off, r);
                Assert.That(Pixels.At(bitmap, x, y), Is.EqualTo(SKColors.White), $"θ = {theta}: no rod at θ{off:+0.00;-0.00} rad, {r} of its length");
            }
        }
        // Past the tip (the rod is 1 long, with a round cap of half its 0.2 width): background again.
        var (bx, by) = Along(theta, 1.25);
        Assert.That(Pixels.At(bitmap, bx, by), Is.EqualTo(SKColors.White), $"θ = {theta}: the rod ends at its length");
    }

    [Test]
    public void CaptureState_IsTheAngleOfTheObservation()
    {
        // atan2(sin θ, cos θ) in (−π, π]: the same angle as θ = 4 (wrapped), from the float32 observation.
        double[] state = new PendulumScene().CaptureState([(float)Math.Cos(4.0), (float)Math.Sin(4.0), 0f]);
        Assert.That(state, Has.Length.EqualTo(1));
        Assert.That(state[0], Is.EqualTo(4.0 - 2 * Math.PI).Within(1e-6));
    }
}
