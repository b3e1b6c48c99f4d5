using Sac.Core.Environments;
using SkiaSharp;

namespace Sac.Render.Scenes;

/// <summary>
/// Any other environment (one registered by a user, with no picture of its own): its observation as a bar chart, one
/// bar per element, scaled to the observation space's bounds where they are finite and by tanh where they are not.
/// </summary>
/// <param name="environment">The environment (its id and observation space).</param>
public sealed class ObservationScene(IEnvironment environment) : Scene
{
    private readonly Box _space = environment.ObservationSpace;

    /// <inheritdoc/>
    public override string EnvironmentId { get; } = environment.Id;

    /// <inheritdoc/>
    public override FrameRate FrameRate => new(30, 1);

    /// <inheritdoc/>
    public override double[] CaptureState(ReadOnlySpan<float> observation)
    {
        var state = new double[Math.Max(1, observation.Length)];
        for (int i = 0; i < observation.Length; i++)
            state[i] = observation[i];
        return state;
    }

    /// <inheritdoc/>
    public override void Draw(SKBitmap target, SceneFrame frame, RenderSettings settings)
    {
        using var canvas = new SKCanvas(target);
        canvas.Clear(SKColors.White);
        int n = frame.Observation.Length;
        if (n == 0)
            return;
        float w = target.Width, h = target.Height, slot = w / n, middle = h / 2;
        using var axis = new SKPaint { Color = SKColors.Gray, StrokeWidth = 1 };
        canvas.DrawLine(0, middle, w, middle, axis);
        using var bar = new SKPaint { Color = new SKColor(60, 110, 180), IsAntialias = true };
        for (int i = 0; i < n; i++)
        {
            float value = (float)Normalized(i, frame.State[i]);
            canvas.DrawRect(i * slot + slot * 0.15f, middle, slot * 0.7f, -value * middle * 0.9f, bar);
        }
    }

    /// <summary>The element in [−1, 1]: its place between finite bounds, else tanh of it.</summary>
    private double Normalized(int i, double value)
    {
        double low = _space.Low[i], high = _space.High[i];
        return double.IsFinite(low) && double.IsFinite(high) && high > low
            ? Math.Clamp(2 * (value - low) / (high - low) - 1, -1, 1)
            : Math.Tanh(value);
    }
}
