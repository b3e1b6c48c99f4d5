using Sac.Render.Video;

namespace Sac.Render.Recording;

/// <summary>
/// A video and the two files written beside it, named after it: <c>name.csv</c>, the per-step rewards of its episodes
/// (<see cref="TermsTable"/>), and <c>name.png</c>, its poster (the middle frame of the first episode). `sac render`
/// and `sac train --record-every` write the three together.
/// </summary>
public sealed class VideoFiles
{
    /// <summary>The set for the video <paramref name="video"/> (.webm, .mp4 or .gif).</summary>
    public VideoFiles(string video)
    {
        Video = Path.GetFullPath(video);
        string stem = Path.Combine(Path.GetDirectoryName(Video) ?? "", Path.GetFileNameWithoutExtension(Video));
        Table = stem + ".csv";
        Poster = stem + ".png";
    }

    /// <summary>The video.</summary>
    public string Video { get; }

    /// <summary>Its per-step rewards, <c>name.csv</c>.</summary>
    public string Table { get; }

    /// <summary>Its poster, <c>name.png</c>.</summary>
    public string Poster { get; }

    /// <summary>The three paths: the video, then its table and poster.</summary>
    public IReadOnlyList<string> All => [Video, Table, Poster];

    /// <summary>
    /// Draws and encodes the video, then puts the three files in place: the table and the poster first and the video
    /// last, so that when a video appears (on the run page, say), what is beside it under its name is its own table and
    /// poster. Nothing appears until the video is encoded: a failure or a cancellation while encoding leaves no file and
    /// no temporary.
    /// </summary>
    /// <param name="scene">What draws each frame.</param>
    /// <param name="episodes">The episodes, recorded with pictures.</param>
    /// <param name="settings">Frame size and overlay.</param>
    /// <param name="overwrite">
    /// Replace existing files of these names. If false, none is replaced, even one that appeared while the video was
    /// encoded: then <see cref="OutputExistsException"/> is thrown and the files this call had already put in place (new
    /// ones, so nobody else's) are removed again.
    /// </param>
    /// <param name="cancellation">Abandons the video; nothing is written then.</param>
    /// <exception cref="VideoException">ffmpeg is missing or failed.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; nothing was written.</exception>
    public VideoInfo Write(Scene scene, IReadOnlyList<RecordedEpisode> episodes, RenderSettings settings, bool overwrite,
        CancellationToken cancellation = default)
    {
        using FfmpegEncoder encoder = EpisodeVideo.Encode(Video, scene, episodes, settings, cancellation);
        int frames = encoder.Frames;
        string table = TemporaryFiles.For(Table), poster = TemporaryFiles.For(Poster);
        var placed = new List<string>();
        try
        {
            TemporaryFiles.WriteNew(table, TermsTable.ToCsv(episodes));
            RecordedEpisode first = episodes[0];
            EpisodeVideo.DrawPng(poster, scene, first, episodes.Count, first.Length / 2, settings);
            cancellation.ThrowIfCancellationRequested();
            TemporaryFiles.Commit(table, Table, overwrite);
            placed.Add(Table);
            TemporaryFiles.Commit(poster, Poster, overwrite);
            placed.Add(Poster);
            encoder.Commit(overwrite);
        }
        catch
        {
            TemporaryFiles.Discard(table);
            TemporaryFiles.Discard(poster);
            // Without overwrite, what was placed is new (the rename refuses to replace), so taking it back loses nothing.
            // With overwrite it replaced an older file that cannot be brought back; it stays (only a failing disk fails
            // a rename within one directory after others there succeeded).
            if (!overwrite)
                placed.ForEach(TemporaryFiles.Discard);
            throw;
        }
        return new VideoInfo(Video, frames, settings.Width, settings.Height, scene.FrameRate);
    }
}
