using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SkiaSharp;

namespace Sac.Render.Raster;

/// <summary>A vertex on screen: its position in pixels, 1/depth (which is affine in screen space) and its shaded colour.</summary>
public readonly record struct ScreenVertex(float X, float Y, float InverseDepth, float R, float G, float B);

/// <summary>
/// A z-buffered triangle rasterizer over a colour buffer (packed RGBA, one uint per pixel) and a depth buffer of 1/depth
/// (0 = nothing drawn yet; larger is nearer). Unlike the painter's algorithm it gets intersecting shapes right (a
/// capsule entering its neighbour at a joint). Colours are interpolated linearly in screen space (Gouraud shading).
/// </summary>
public sealed class Rasterizer
{
    private readonly uint[] _colour;
    private readonly float[] _inverseDepth;
    private readonly byte[] _shadow;
    private int[] _downsampled = [];
    private int _shadowTop = int.MaxValue, _shadowBottom = -1;

    /// <summary>A <paramref name="width"/> × <paramref name="height"/> pair of buffers.</summary>
    public Rasterizer(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        (Width, Height) = (width, height);
        _colour = new uint[width * height];
        _inverseDepth = new float[width * height];
        _shadow = new byte[width * height];
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>The colour buffer, row by row: byte 0 of each uint is red, then green, blue and alpha (Skia's RGBA8888 in memory).</summary>
    public ReadOnlySpan<uint> Colour => _colour;

    /// <summary>1/depth per pixel; 0 where nothing was drawn.</summary>
    public ReadOnlySpan<float> InverseDepth => _inverseDepth;

    /// <summary>Packs a colour with components in [0, 1] (clamped) into a pixel.</summary>
    public static uint Pack(float r, float g, float b) =>
        (uint)(Byte(r) | Byte(g) << 8 | Byte(b) << 16 | 0xFF << 24);

    /// <summary>Fills row <paramref name="y"/> with <paramref name="colour"/> at infinite depth (the sky).</summary>
    public void ClearRow(int y, uint colour)
    {
        if (y == 0)
            (_shadowTop, _shadowBottom) = (int.MaxValue, -1);
        _colour.AsSpan(y * Width, Width).Fill(colour);
        _inverseDepth.AsSpan(y * Width, Width).Clear();
        _shadow.AsSpan(y * Width, Width).Clear();
    }

    /// <summary>Writes one pixel if it is nearer than what is there (a z-test).</summary>
    public void Plot(int x, int y, float inverseDepth, uint colour)
    {
        int i = y * Width + x;
        if (inverseDepth <= _inverseDepth[i])
            return;
        _inverseDepth[i] = inverseDepth;
        _colour[i] = colour;
    }

    /// <summary>
    /// Fills a triangle: every pixel whose centre lies inside it (edges included) and that is nearer than what the
    /// depth buffer holds gets the interpolated colour and depth.
    /// </summary>
    public void FillTriangle(in ScreenVertex a, in ScreenVertex b, in ScreenVertex c)
    {
        var fill = new Fill(a, b, c, _inverseDepth, _colour);
        Scan(a, b, c, ref fill, out _, out _);
    }

    /// <summary>Marks the pixels a triangle covers where something (the floor) is already drawn, for <see cref="ApplyShadow"/>.</summary>
    public void MarkShadow(in ScreenVertex a, in ScreenVertex b, in ScreenVertex c)
    {
        var mark = new MarkShadowed(_inverseDepth, _shadow);
        if (Scan(a, b, c, ref mark, out int minY, out int maxY))
            (_shadowTop, _shadowBottom) = (Math.Min(_shadowTop, minY), Math.Max(_shadowBottom, maxY));
    }

    /// <summary>What a triangle does to one pixel of <see cref="Scan"/>'s, given the pixel centre's barycentric weights.</summary>
    private interface IPixelVisitor
    {
        /// <summary>
        /// Whether the centre, of weights <paramref name="wa"/> and <paramref name="wb"/> (c's is the rest), lies inside
        /// the triangle; when it does, does to pixel <paramref name="i"/> what the triangle does.
        /// </summary>
        bool Visit(int i, float wa, float wb);
    }

    /// <summary>
    /// Visits every pixel of the triangle's bounding box, row by row, with its centre's barycentric weights; false (and
    /// no visit) for a degenerate triangle or one off the screen. The visitor is a struct, so each visit is inlined
    /// into the loop: no call or allocation per pixel.
    /// </summary>
    private bool Scan<TVisitor>(in ScreenVertex a, in ScreenVertex b, in ScreenVertex c, ref TVisitor visitor, out int minY, out int maxY)
        where TVisitor : struct, IPixelVisitor
    {
        if (!Bounds(a, b, c, out int minX, out int maxX, out minY, out maxY, out float inverseArea))
            return false;
        // Barycentric weights of a and b (c's is the rest): the signed areas of the sub-triangles over the whole, which
        // change by a constant from one pixel to the next along a row.
        float stepA = -(c.Y - b.Y) * inverseArea, stepB = -(a.Y - c.Y) * inverseArea;
        for (int y = minY; y <= maxY; y++)
        {
            float py = y + 0.5f, px = minX + 0.5f;
            float wa = Edge(b, c, px, py) * inverseArea, wb = Edge(c, a, px, py) * inverseArea;
            int row = y * Width;
            bool entered = false;
            for (int x = minX; x <= maxX; x++, wa += stepA, wb += stepB)
            {
                if (visitor.Visit(row + x, wa, wb))
                    entered = true;
                else if (entered)
                    break; // a triangle is convex: once left, the row is done
            }
        }
        return true;
    }

    /// <summary><see cref="FillTriangle"/>'s pixel: the z-test, then the interpolated depth and colour.</summary>
    private readonly struct Fill(ScreenVertex a, ScreenVertex b, ScreenVertex c, float[] inverseDepth, uint[] colour) : IPixelVisitor
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool Visit(int i, float wa, float wb)
        {
            float wc = 1 - wa - wb;
            if (wa < 0 || wb < 0 || wc < 0)
                return false;
            float depth = wa * a.InverseDepth + wb * b.InverseDepth + wc * c.InverseDepth;
            if (depth <= inverseDepth[i])
                return true;
            inverseDepth[i] = depth;
            colour[i] = Pack(wa * a.R + wb * b.R + wc * c.R, wa * a.G + wb * b.G + wc * c.G, wa * a.B + wb * b.B + wc * c.B);
            return true;
        }
    }

    /// <summary><see cref="MarkShadow"/>'s pixel: marked where something is drawn.</summary>
    private readonly struct MarkShadowed(float[] inverseDepth, byte[] shadow) : IPixelVisitor
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool Visit(int i, float wa, float wb)
        {
            // NOTE: not FillTriangle's 1 − wa − wb < 0, which can round the other way at an edge; the shadows were
            // always drawn with this test, and keep their pixels.
            if (wa < 0 || wb < 0 || wa + wb > 1)
                return false;
            if (inverseDepth[i] > 0)
                shadow[i] = 1;
            return true;
        }
    }

    /// <summary>Darkens every marked pixel once by <paramref name="factor"/> (so overlapping shadows do not add up).</summary>
    public void ApplyShadow(float factor)
    {
        // Only the rows a shadow triangle reached (the rest is unmarked since ClearRow).
        int end = Math.Min(_colour.Length, (_shadowBottom + 1) * Width);
        for (int i = Math.Max(0, _shadowTop) * Width; i < end; i++)
        {
            if (_shadow[i] == 0)
                continue;
            uint c = _colour[i];
            _colour[i] = Pack((c & 0xFF) / 255f * factor, (c >> 8 & 0xFF) / 255f * factor, (c >> 16 & 0xFF) / 255f * factor);
        }
    }

    /// <summary>
    /// Averages each <paramref name="factor"/> × <paramref name="factor"/> block into one pixel of
    /// <paramref name="target"/> (RGBA8888, this size divided by the factor), opaque.
    /// </summary>
    public void DownsampleInto(SKBitmap target, int factor)
    {
        if (target.ColorType != SKColorType.Rgba8888 || target.Width * factor != Width || target.Height * factor != Height)
            throw new ArgumentException($"The target must be an RGBA8888 bitmap of {Width / factor} × {Height / factor} pixels.", nameof(target));
        int width = target.Width, height = target.Height, samples = factor * factor;
        if (_downsampled.Length != width * height)
            _downsampled = new int[width * height];
        int[] pixels = _downsampled;
        // Two channels at a time: red and blue in the 16-bit halves of (c & 0x00FF00FF), green in those of
        // (c >> 8 & 0x00FF00FF); at most 16 samples of 255 fit in 16 bits.
        // sum → round(sum / samples), looked up (a division per channel would cost more than the rest of the loop).
        var average = new byte[255 * samples + 1];
        for (int sum = 0; sum < average.Length; sum++)
            average[sum] = (byte)((sum + samples / 2) / samples);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                uint redBlue = 0, green = 0;
                for (int dy = 0; dy < factor; dy++)
                {
                    int row = (y * factor + dy) * Width + x * factor;
                    for (int dx = 0; dx < factor; dx++)
                    {
                        uint c = _colour[row + dx];
                        redBlue += c & 0x00FF00FF;
                        green += c >> 8 & 0x00FF00FF;
                    }
                }
                uint r = average[redBlue & 0xFFFF], g = average[green & 0xFFFF], b = average[redBlue >> 16];
                pixels[y * width + x] = unchecked((int)(r | g << 8 | b << 16 | 0xFFu << 24));
            }
        }
        Marshal.Copy(pixels, 0, target.GetPixels(), pixels.Length);
        target.NotifyPixelsChanged();
    }

    private bool Bounds(in ScreenVertex a, in ScreenVertex b, in ScreenVertex c, out int minX, out int maxX, out int minY, out int maxY, out float inverseArea)
    {
        float area = Edge(a, b, c.X, c.Y);
        minX = Math.Max(0, (int)MathF.Floor(MathF.Min(a.X, MathF.Min(b.X, c.X))));
        maxX = Math.Min(Width - 1, (int)MathF.Ceiling(MathF.Max(a.X, MathF.Max(b.X, c.X))));
        minY = Math.Max(0, (int)MathF.Floor(MathF.Min(a.Y, MathF.Min(b.Y, c.Y))));
        maxY = Math.Min(Height - 1, (int)MathF.Ceiling(MathF.Max(a.Y, MathF.Max(b.Y, c.Y))));
        inverseArea = 1 / area;
        // A degenerate (or NaN) triangle covers nothing.
        return MathF.Abs(area) > 1e-6f && float.IsFinite(inverseArea) && minX <= maxX && minY <= maxY;
    }

    /// <summary>Twice the signed area of (u, v, p): positive when p is on one side of the line u → v.</summary>
    private static float Edge(in ScreenVertex u, in ScreenVertex v, float px, float py) => (v.X - u.X) * (py - u.Y) - (v.Y - u.Y) * (px - u.X);

    private static int Byte(float value) => (int)(Math.Clamp(value, 0f, 1f) * 255f + 0.5f);
}
