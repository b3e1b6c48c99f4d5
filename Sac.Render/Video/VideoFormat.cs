namespace Sac.Render.Video;

/// <summary>The containers and codecs a video is written in; each plays in a browser (Chromium, Firefox, Safari for MP4).</summary>
public enum VideoFormat
{
    /// <summary>WebM with VP9: open, and what every run page uses (Chromium and Firefox play it without proprietary codecs).</summary>
    WebM,

    /// <summary>MP4 with H.264 (yuv420p, the moov atom first so it streams).</summary>
    Mp4,

    /// <summary>An animated GIF with a palette made for the video (large; for places that show no video).</summary>
    Gif,
}

/// <summary>File extensions and ffmpeg settings of each <see cref="VideoFormat"/>.</summary>
public static class VideoFormats
{
    /// <summary>The file extension, with its dot: ".webm", ".mp4", ".gif".</summary>
    public static string Extension(this VideoFormat format) => format switch
    {
        VideoFormat.WebM => ".webm",
        VideoFormat.Mp4 => ".mp4",
        VideoFormat.Gif => ".gif",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
    };

    /// <summary>The format whose extension <paramref name="path"/> has (case-insensitive), or null.</summary>
    public static VideoFormat? FromPath(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".webm" => VideoFormat.WebM,
        ".mp4" => VideoFormat.Mp4,
        ".gif" => VideoFormat.Gif,
        _ => null,
    };

    /// <summary>The ffmpeg encoder each format is written with (as <c>ffmpeg -encoders</c> names it).</summary>
    internal static string Encoder(this VideoFormat format) => format switch
    {
        VideoFormat.WebM => "libvpx-vp9",
        VideoFormat.Mp4 => "libx264",
        VideoFormat.Gif => "gif",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
    };

    /// <summary>The format named <paramref name="name"/> ("webm", "mp4", "gif"), or null.</summary>
    public static VideoFormat? Parse(string name) => name.ToLowerInvariant() switch
    {
        "webm" => VideoFormat.WebM,
        "mp4" => VideoFormat.Mp4,
        "gif" => VideoFormat.Gif,
        _ => null,
    };

    /// <summary>
    /// ffmpeg's output options. VP9 in its realtime mode (about 400 frames/s of 480 × 360 on one core here) at constant
    /// quality; H.264 "veryfast"; GIF through a palette computed from the whole video. One encoder thread each, so
    /// recording beside training takes one core at most.
    /// </summary>
    internal static string[] EncoderArguments(this VideoFormat format) => format switch
    {
        VideoFormat.WebM => ["-c:v", format.Encoder(), "-pix_fmt", "yuv420p", "-deadline", "realtime", "-cpu-used", "8", "-row-mt", "1",
            "-b:v", "0", "-crf", "40", "-threads", "1", "-f", "webm"],
        VideoFormat.Mp4 => ["-c:v", format.Encoder(), "-pix_fmt", "yuv420p", "-preset", "veryfast", "-crf", "26", "-threads", "1",
            "-movflags", "+faststart", "-f", "mp4"],
        VideoFormat.Gif => ["-c:v", format.Encoder(), "-filter_complex", "split[a][b];[a]palettegen=stats_mode=diff[p];[b][p]paletteuse=dither=bayer", "-threads", "1",
            "-loop", "0", "-f", "gif"],
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
    };
}
