namespace Sac.Render;

/// <summary>How frames are drawn: their size, the 3-D scenes' supersampling, and whether the text overlay is drawn.</summary>
public sealed record RenderSettings
{
    /// <summary>The smallest width or height, in pixels.</summary>
    public const int MinSize = 32;

    /// <summary>The largest width or height, in pixels.</summary>
    public const int MaxSize = 4096;

    /// <summary>Frame width in pixels (even: the video encoders subsample colour by 2). 480.</summary>
    public int Width { get; init; } = 480;

    /// <summary>Frame height in pixels (even). 360.</summary>
    public int Height { get; init; } = 360;

    /// <summary>The 3-D scenes are rasterized at this many times the size in each direction and averaged down, which
    /// smooths their edges (2: four samples per pixel).</summary>
    public int Supersampling { get; init; } = 2;

    /// <summary>Draw the step, the return so far and the reward terms over the picture. True.</summary>
    public bool Overlay { get; init; } = true;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting and what is valid.</summary>
    public void Validate()
    {
        if (Width is < MinSize or > MaxSize || Width % 2 != 0)
            throw new ArgumentException($"Invalid Width = {Width}: must be an even number of pixels from {MinSize} to {MaxSize}.", nameof(Width));
        if (Height is < MinSize or > MaxSize || Height % 2 != 0)
            throw new ArgumentException($"Invalid Height = {Height}: must be an even number of pixels from {MinSize} to {MaxSize}.", nameof(Height));
        if (Supersampling is < 1 or > 4)
            throw new ArgumentException($"Invalid Supersampling = {Supersampling}: must be between 1 and 4.", nameof(Supersampling));
    }
}
