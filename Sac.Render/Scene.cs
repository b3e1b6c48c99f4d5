using SkiaSharp;

namespace Sac.Render;

/// <summary>
/// A picture of one environment: what to copy of its state after each reset and step (on the thread that steps it),
/// and how to draw a frame from that copy (on any thread, later, without touching the environment).
/// </summary>
/// <remarks>
/// Capturing is cheap (a few arrays copied) so that recording an evaluation costs the training thread almost nothing;
/// drawing and encoding happen elsewhere, from the copies alone.
/// </remarks>
public abstract class Scene
{
    /// <summary>The environment id.</summary>
    public abstract string EnvironmentId { get; }

    /// <summary>Frames per second of a real-time video: one frame per environment step (1/dt).</summary>
    public abstract FrameRate FrameRate { get; }

    /// <summary>Copies what <see cref="Draw"/> needs of the environment's state, right after a reset or step that
    /// returned <paramref name="observation"/>. Never empty.</summary>
    public abstract double[] CaptureState(ReadOnlySpan<float> observation);

    /// <summary>Draws <paramref name="frame"/> (the picture only, no text) over the whole of <paramref name="target"/>.</summary>
    public abstract void Draw(SKBitmap target, SceneFrame frame, RenderSettings settings);
}
