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
    /// <param name="path">The video.</param>
    /// <param name="scene">What draws each frame.</param>
    /// <param name="episodes">The episodes, recorded with pictures.</param>
    /// <param name="settings">Frame size and overlay.</param>
    /// <param name="cancellation">Stops the encoding; nothing is written then.</param>
    /// <param name="overwrite">Replace an existing file; if false, it is kept and <see cref="OutputExistsException"/> thrown.</param>
    /// <exception cref="VideoException">ffmpeg is missing or failed.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; nothing was written.</exception>
    public static VideoInfo Write(string path, Scene scene, IReadOnlyList<RecordedEpisode> episodes, RenderSettings settings,
        CancellationToken cancellation = default, bool overwrite = true)
    {
        using FfmpegEncoder encoder = Encode(path, scene, episodes, settings, cancellation);
        int frames = encoder.Frames;
        encoder.Commit(overwrite);
        return new VideoInfo(encoder.Path, frames, settings.Width, settings.Height, scene.FrameRate);
    }

    /// <summary>
    /// Draws and encodes every frame into the returned encoder's temporary and waits for ffmpeg to finish it; the caller
    /// commits it (<see cref="FfmpegEncoder.Commit"/>) or disposes it, which deletes it.
    /// </summary>
    internal static FfmpegEncoder Encode(string path, Scene scene, IReadOnlyList<RecordedEpisode> episodes, RenderSettings settings,
        CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(scene);
        settings.Validate();
        if (episodes.Count == 0 || episodes.Any(e => !e.HasPictures))
            throw new ArgumentException("Every episode must be recorded with pictures.", nameof(episodes));
        VideoFormat format = VideoFormats.FromPath(path) ?? throw new ArgumentException($"{path}: the extension must be .webm, .mp4 or .gif.", nameof(path));
        using var bitmap = NewBitmap(settings);
        var bytes = new byte[4 * settings.Width * settings.Height];
        var encoder = new FfmpegEncoder(path, format, settings.Width, settings.Height, scene.FrameRate);
        try
        {
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
            encoder.Complete();
            return encoder;
        }
        catch
        {
            encoder.Dispose();
            throw;
        }
    }

    /// <summary>Draws frame <paramref name="step"/> of <paramref name="episode"/> into a PNG at <paramref name="path"/> (written to a temporary, then renamed).</summary>
    /// <param name="path">The picture.</param>
    /// <param name="scene">What draws the frame.</param>
    /// <param name="episode">The episode, recorded with pictures.</param>
    /// <param name="episodes">How many episodes the overlay says there are.</param>
    /// <param name="step">The frame: 0 is the reset.</param>
    /// <param name="settings">Frame size and overlay.</param>
    /// <param name="overwrite">Replace an existing file; if false, it is kept and <see cref="OutputExistsException"/> thrown.</param>
    public static VideoInfo WriteStill(string path, Scene scene, RecordedEpisode episode, int episodes, int step, RenderSettings settings, bool overwrite = true)
    {
        string full = System.IO.Path.GetFullPath(path);
        string temporary = TemporaryFiles.For(full);
        try
        {
            DrawPng(temporary, scene, episode, episodes, step, settings);
            TemporaryFiles.Commit(temporary, full, overwrite);
        }
        catch
        {
            TemporaryFiles.Discard(temporary);
            throw;
        }
        return new VideoInfo(full, 1, settings.Width, settings.Height, scene.FrameRate);
    }

    /// <summary>Draws frame <paramref name="step"/> of <paramref name="episode"/> and writes it as a PNG straight into <paramref name="path"/>.</summary>
    internal static void DrawPng(string path, Scene scene, RecordedEpisode episode, int episodes, int step, RenderSettings settings)
    {
        settings.Validate();
        if (step < 0 || step >= episode.Frames.Count)
            throw new ArgumentOutOfRangeException(nameof(step), step, $"The episode has frames 0 to {episode.Frames.Count - 1}.");
        using var bitmap = NewBitmap(settings);
        DrawFrame(bitmap, scene, episode, episodes, episode.Frames[step], settings);
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        bitmap.Encode(file, SKEncodedImageFormat.Png, 100);
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
