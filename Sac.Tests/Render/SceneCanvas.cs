using Sac.Render;
using Sac.Render.Recording;
using SkiaSharp;

namespace Sac.Tests.Render;

/// <summary>
/// What a scene test draws on: <see cref="W"/> × <see cref="H"/> pixels without the text overlay, so every pixel is the
/// scene's. The test computes where things should appear from the same W and H.
/// </summary>
/// <param name="W">The width in pixels.</param>
/// <param name="H">The height in pixels.</param>
internal sealed record SceneCanvas(int W, int H)
{
    private readonly RenderSettings _settings = new() { Width = W, Height = H, Overlay = false };

    /// <summary>A new bitmap, for the caller to dispose, with <paramref name="scene"/>'s picture of <paramref name="state"/> drawn on it.</summary>
    public SKBitmap Draw(Scene scene, double[] state)
    {
        var bitmap = EpisodeVideo.NewBitmap(_settings);
        scene.Draw(bitmap, SceneFrames.Frame(state), _settings);
        return bitmap;
    }
}
