using System.Runtime.InteropServices;
using Sac.Render.Video;
using SkiaSharp;

namespace Sac.Render.Recording;

/// <summary>What was written: the file, its frame count and size, and its frame rate.</summary>
/// <param name="Path">The video or picture.</param>
/// <param name="Frames">Frames in it.</param>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
/// <param name="Rate">Frames per second.</param>
public sealed record VideoInfo(string Path, int Frames, int Width, int Height, FrameRate Rate)
{
    /// <summary>Frames / rate, in seconds.</summary>
    public double DurationSeconds => Frames / Rate.PerSecond;
}

/// <summary>Recorded episodes drawn frame by frame (scene, then overlay) and encoded into a video, or one frame into a PNG.</summary>
public static class EpisodeVideo
{
    /// <summary>
    /// Draws every frame of <paramref name="episodes"/>, one after another, and encodes them at the scene's real-time rate
    /// into <paramref name="path"/> (its extension picks the format). The file appears only once complete.
    /// </summary>
    /// <exception cref="VideoException">ffmpeg is missing or failed.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; nothing was written.</exception>
    public static VideoInfo Write(string path, Scene scene, IReadOnlyList<RecordedEpisode> episodes, RenderSettings settings,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(scene);
        settings.Validate();
        if (episodes.Count == 0 || episodes.Any(e => !e.HasPictures))
            throw new ArgumentException("Every episode must be recorded with pictures.", nameof(episodes));
        VideoFormat format = VideoFormats.FromPath(path) ?? throw new ArgumentException($"{path}: the extension must be .webm, .mp4 or .gif.", nameof(path));
        using var bitmap = NewBitmap(settings);
        var bytes = new byte[4 * settings.Width * settings.Height];
        using var encoder = new FfmpegEncoder(path, format, settings.Width, settings.Height, scene.FrameRate);
        foreach (RecordedEpisode episode in episodes)
        {
            foreach (SceneFrame frame in episode.Frames)
            {
                cancellation.ThrowIfCancellationRequested();
                DrawFrame(bitmap, scene, episode, episodes.Count, frame, settings);
                Marshal.Copy(bitmap.GetPixels(), bytes, 0, bytes.Length);
                encoder.WriteFrame(bytes);
            }
        }
        int frames = encoder.Frames;
        encoder.Finish();
        return new VideoInfo(encoder.Path, frames, settings.Width, settings.Height, scene.FrameRate);
    }

    /// <summary>Draws frame <paramref name="step"/> of <paramref name="episode"/> into a PNG at <paramref name="path"/> (written to a temporary, then renamed).</summary>
    public static VideoInfo WriteStill(string path, Scene scene, RecordedEpisode episode, int episodes, int step, RenderSettings settings)
    {
        settings.Validate();
        if (step < 0 || step >= episode.Frames.Count)
            throw new ArgumentOutOfRangeException(nameof(step), step, $"The episode has frames 0 to {episode.Frames.Count - 1}.");
        using var bitmap = NewBitmap(settings);
        DrawFrame(bitmap, scene, episode, episodes, episode.Frames[step], settings);
        string full = System.IO.Path.GetFullPath(path);
        string temporary = System.IO.Path.ChangeExtension(full, ".tmp.png");
        try
        {
            using (var file = File.Create(temporary))
                bitmap.Encode(file, SKEncodedImageFormat.Png, 100);
            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            if (File.Exists(temporary))
                File.Delete(temporary);
            throw;
        }
        return new VideoInfo(full, 1, settings.Width, settings.Height, scene.FrameRate);
    }

    /// <summary>One frame: the scene, then (unless turned off) the overlay.</summary>
    public static void DrawFrame(SKBitmap target, Scene scene, RecordedEpisode episode, int episodes, SceneFrame frame, RenderSettings settings)
    {
        scene.Draw(target, frame, settings);
        if (settings.Overlay)
            FrameOverlay.Draw(target, episode, episodes, frame);
    }

    /// <summary>An opaque RGBA8888 bitmap of the settings' size (the layout ffmpeg is told to read).</summary>
    public static SKBitmap NewBitmap(RenderSettings settings) =>
        new(new SKImageInfo(settings.Width, settings.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
}
