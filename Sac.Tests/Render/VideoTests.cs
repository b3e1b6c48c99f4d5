using Sac.Render;
using Sac.Render.Recording;
using Sac.Render.Scenes;
using Sac.Render.Video;

namespace Sac.Tests.Render;

/// <summary>Encoded videos, read back by ffprobe (which decodes every frame): their frame count, size, rate and duration.</summary>
public class VideoTests
{
    private string _directory = null!;

    [SetUp]
    public void CreateDirectory() => _directory = System.IO.Directory.CreateTempSubdirectory("sac-video-").FullName;

    [TearDown]
    public void DeleteDirectory() => System.IO.Directory.Delete(_directory, recursive: true);

    /// <summary>A pendulum swinging through <paramref name="frames"/> frames, as a recorded episode.</summary>
    private static RecordedEpisode Swing(int frames, int index = 0)
    {
        var scene = new PendulumScene();
        var list = Enumerable.Range(0, frames).Select(t =>
        {
            double theta = 0.1 * t;
            return SceneFrames.Frame(scene.CaptureState([(float)Math.Cos(theta), (float)Math.Sin(theta), 0]), action: t == 0 ? [] : [1f], step: t);
        }).ToArray();
        return new RecordedEpisode { EnvironmentId = "Pendulum-v1", Index = index, PolicyStep = 100, TermNames = [], Frames = list };
    }

    [TestCase("swing.webm", "vp9")]
    [TestCase("swing.mp4", "h264")]
    [TestCase("swing.gif", "gif")]
    public void Write_Episodes_GiveAVideoOfEveryFrameAtTheScenesRate(string name, string codec)
    {
        string path = Path.Combine(_directory, name);
        var settings = new RenderSettings { Width = 320, Height = 240 };
        // Two episodes of 31 and 15 frames at Pendulum's 20 frames per second.
        VideoInfo info = EpisodeVideo.Write(path, new PendulumScene(), [Swing(31), Swing(15, 1)], settings);

        VideoProbe probe = VideoProbe.Of(path);
        Assert.That(probe.Codec, Is.EqualTo(codec));
        Assert.That(probe.Frames, Is.EqualTo(46), "every frame of both episodes");
        Assert.That((probe.Width, probe.Height), Is.EqualTo((320, 240)));
        Assert.That(probe.FrameRate, Is.EqualTo("20/1"), "one frame per dt = 0.05 s");
        Assert.That(probe.DurationSeconds, Is.EqualTo(46 / 20.0).Within(0.051), "46 frames at 20 per second (GIF stores centiseconds)");
        Assert.That(info.Frames, Is.EqualTo(46));
        Assert.That(Directory.GetFiles(_directory), Is.EqualTo(new[] { path }), "no temporary left beside it");
    }

    [TestCase("clip.csv")]
    [TestCase("clip.png")]
    [TestCase("clip.webm")]
    public void VideoFiles_WithoutOverwrite_KeepsAFileThatIsThere_AndLeavesNothingElse(string existing)
    {
        // The check at the rename itself (what a caller's earlier look cannot promise): the table is put in place first,
        // so with the poster or the video already there it must be taken back again.
        var files = new VideoFiles(Path.Combine(_directory, "clip.webm"));
        string theirs = Path.Combine(_directory, existing);
        File.WriteAllText(theirs, "someone else's");
        var error = Assert.Throws<OutputExistsException>(() =>
            files.Write(new PendulumScene(), [Swing(20)], new RenderSettings { Width = 64, Height = 48 }, overwrite: false))!;
        Assert.That(error.Path, Is.EqualTo(theirs));
        Assert.That(File.ReadAllText(theirs), Is.EqualTo("someone else's"), "not replaced");
        Assert.That(Directory.GetFiles(_directory), Is.EqualTo(new[] { theirs }), "no other file of the set, no temporary");
    }

    [Test]
    public void VideoFiles_Overwrite_ReplacesAllThree()
    {
        var files = new VideoFiles(Path.Combine(_directory, "clip.webm"));
        foreach (string file in files.All)
            File.WriteAllText(file, "old");
        files.Write(new PendulumScene(), [Swing(20)], new RenderSettings { Width = 64, Height = 48 }, overwrite: true);
        Assert.That(VideoProbe.Of(files.Video).Frames, Is.EqualTo(20));
        Assert.That(TermsTable.Read(files.Table).Rows, Is.EqualTo(20));
        using (var poster = SkiaSharp.SKBitmap.Decode(files.Poster))
            Assert.That(poster.Width, Is.EqualTo(64), "a picture now");
        Assert.That(Directory.GetFiles(_directory), Is.EquivalentTo(files.All), "no temporary left");
    }

    [Test]
    public void VideoFiles_Cancelled_WritesNothing()
    {
        var files = new VideoFiles(Path.Combine(_directory, "clip.webm"));
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        Assert.Throws<OperationCanceledException>(() =>
            files.Write(new PendulumScene(), [Swing(20)], new RenderSettings { Width = 64, Height = 48 }, overwrite: true, cancel.Token));
        Assert.That(Directory.GetFiles(_directory), Is.Empty, "no table or poster without their video");
    }

    [TestCase("step-0000000300.webm")]
    [TestCase("clip.mp4")]
    [TestCase("clip.gif")]
    [TestCase("clip.png")]
    [TestCase("clip.csv")]
    public void TemporaryFiles_Names_AreUniqueAndWhatARunsCleanupRemoves(string name)
    {
        // A run directory deletes the temporaries a killed recording left (RunDirectory.IsVideoTemporary), and only those.
        string first = Path.GetFileName(TemporaryFiles.For(Path.Combine(_directory, name)));
        string second = Path.GetFileName(TemporaryFiles.For(Path.Combine(_directory, name)));
        Assert.That(global::Sac.Cli.Runs.RunDirectory.IsVideoTemporary(first), Is.True, first);
        Assert.That(global::Sac.Cli.Runs.RunDirectory.IsVideoTemporary(name), Is.False, "the file itself is not one");
        Assert.That(first, Is.Not.EqualTo(second), "two writers of one name get two temporaries");
        Assert.That(Path.GetExtension(first), Is.EqualTo(name.EndsWith(".csv", StringComparison.Ordinal) ? ".tmp" : Path.GetExtension(name)),
            "ffmpeg and Skia still see the format's extension");
    }

    [Test]
    public void Encoder_AbandonedMidVideo_LeavesNoFile()
    {
        string path = Path.Combine(_directory, "torn.webm");
        using (var encoder = new FfmpegEncoder(path, VideoFormat.WebM, 64, 48, new FrameRate(20, 1)))
        {
            for (int i = 0; i < 10; i++)
                encoder.WriteFrame(new byte[64 * 48 * 4]);
            // While it encodes, ffmpeg writes only its temporary.
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (!File.Exists(encoder.TemporaryPath) && clock.ElapsedMilliseconds < 10_000)
                Thread.Sleep(10);
            Assert.That(File.Exists(encoder.TemporaryPath), Is.True, "ffmpeg writes name.tmp.webm");
            Assert.That(File.Exists(path), Is.False, "and not the video itself");
        }
        Assert.That(Directory.GetFiles(_directory), Is.Empty, "neither the video nor ffmpeg's temporary");
    }

    [Test]
    public void Write_Cancelled_LeavesNoFile()
    {
        string path = Path.Combine(_directory, "cancelled.webm");
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        Assert.Throws<OperationCanceledException>(() =>
            EpisodeVideo.Write(path, new PendulumScene(), [Swing(30)], new RenderSettings { Width = 64, Height = 48 }, cancel.Token));
        Assert.That(Directory.GetFiles(_directory), Is.Empty);
    }

    [Test]
    public void Encoder_MissingFfmpeg_IsOneClearError()
    {
        string? saved = Environment.GetEnvironmentVariable("SAC_FFMPEG");
        Environment.SetEnvironmentVariable("SAC_FFMPEG", Path.Combine(_directory, "no-ffmpeg-here"));
        try
        {
            var error = Assert.Throws<VideoException>(FfmpegEncoder.RequireInstalled)!;
            Assert.That(error.Message, Does.Contain("apt-get install -y ffmpeg"));
            Assert.Throws<VideoException>(() => new FfmpegEncoder(Path.Combine(_directory, "x.webm"), VideoFormat.WebM, 64, 48, new FrameRate(20, 1)).Dispose());
        }
        finally
        {
            Environment.SetEnvironmentVariable("SAC_FFMPEG", saved);
        }
    }

    [TestCase(0.05, 20, 1)]      // Pendulum, HalfCheetah, Ant: 0.01 × 5
    [TestCase(0.008, 125, 1)]    // Hopper, Walker2d: 0.002 × 4
    [TestCase(0.015, 200, 3)]    // Humanoid: 0.003 × 5
    public void FrameRate_RealTime_IsOneFramePerStep(double dt, int numerator, int denominator)
    {
        Assert.That(FrameRate.RealTime(dt), Is.EqualTo(new FrameRate(numerator, denominator)));
    }
}
