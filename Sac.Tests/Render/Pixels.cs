using SkiaSharp;

namespace Sac.Tests.Render;

/// <summary>Reading pixels back from a drawn frame, and telling colours apart by hue (shading changes brightness, not hue).</summary>
internal static class Pixels
{
    /// <summary>The pixel at (x, y), rounded to the nearest pixel.</summary>
    public static SKColor At(SKBitmap bitmap, double x, double y) => bitmap.GetPixel((int)Math.Floor(x), (int)Math.Floor(y));

    /// <summary>Hue in degrees [0, 360), saturation and value in [0, 1] (the HSV model).</summary>
    public static (double Hue, double Saturation, double Value) Hsv(SKColor c) => Hsv(c.Red / 255.0, c.Green / 255.0, c.Blue / 255.0);

    /// <summary>The same, of an RGB colour with components in [0, 1].</summary>
    public static (double Hue, double Saturation, double Value) Hsv(double r, double g, double b)
    {
        double max = Math.Max(r, Math.Max(g, b)), min = Math.Min(r, Math.Min(g, b)), delta = max - min;
        double hue = delta == 0 ? 0
            : max == r ? 60 * ((g - b) / delta % 6)
            : max == g ? 60 * ((b - r) / delta + 2)
            : 60 * ((r - g) / delta + 4);
        return ((hue + 360) % 360, max == 0 ? 0 : delta / max, max);
    }

    /// <summary>The distance between two hues on the colour circle, in degrees (0 … 180).</summary>
    public static double HueDistance(double a, double b)
    {
        double d = Math.Abs(a - b) % 360;
        return d > 180 ? 360 - d : d;
    }

    /// <summary>True when <paramref name="pixel"/> has the hue of <paramref name="colour"/> (within 15°) and is clearly coloured.</summary>
    public static bool SameColourFamily(SKColor pixel, double r, double g, double b)
    {
        var (hue, saturation, _) = Hsv(pixel);
        var (expected, _, _) = Hsv(r, g, b);
        return saturation > 0.2 && HueDistance(hue, expected) < 15;
    }
}
