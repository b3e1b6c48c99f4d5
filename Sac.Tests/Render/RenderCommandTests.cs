using System.Globalization;
using System.Runtime.Versioning;
using System.Text.RegularExpressions;
using Sac.Cli.Runs;
using Sac.Render.Recording;
using Sac.Tests.Cli;
using SkiaSharp;

namespace Sac.Tests.Render;

/// <summary>`sac render` on a trained run: the video holds every frame of the episodes `sac eval` plays, and bad input is one line.</summary>
[NonParallelizable]
public class RenderCommandTests : CliTestBase
{
    private string TrainedRun()
    {
        string run = Path.Combine(Root, "run");
        var result = Sac(TrainArgs(run, 300));
        Assert.That(result.Code, Is.Zero, result.Err);
        return run;
    }

    /// <summary>The arguments of `sac render` of <paramref name="run"/>'s episode at 64×48 (small, should it not be refused), with <paramref name="options"/>.</summary>
    private static string[] RenderSmallArgs(string run, params string[] options) => ["render", "--run", run, "--width", "64", "--height", "48", .. options];

    /// <summary>`sac render` with <see cref="RenderSmallArgs"/>.</summary>
    private static (int Code, string Out, string Err) RenderSmall(string run, params string[] options) => Sac(RenderSmallArgs(run, options));

    [Test]
    public void Render_TwoEpisodes_VideoHasEveryFrame_AndTheReturnsSacEvalReports()
    {
        string run = TrainedRun();
        var result = Sac("render", "--run", run, "--episodes", "2", "--width", "160", "--height", "120");
        Assert.That(result.Code, Is.Zero, result.Err);
        string video = Path.Combine(run, "videos", "render-step-0000000300-seed1000000.webm");
        Assert.That(result.Out, Does.Contain(video));

        // Pendulum-v1: 200 steps per episode, so 201 frames each (the reset, then every step), at 1/dt = 20 per second.
        VideoProbe probe = VideoProbe.Of(video);
        Assert.That(probe.Frames, Is.EqualTo(402));
        Assert.That((probe.Width, probe.Height), Is.EqualTo((160, 120)));
        Assert.That(probe.FrameRate, Is.EqualTo("20/1"));
        Assert.That(probe.DurationSeconds, Is.EqualTo(20.1).Within(0.051));

        // The episodes are the deterministic ones `sac eval` plays with the same (default) seed.
        var table = TermsTable.Read(Path.ChangeExtension(video, ".csv"));
        Assert.That(table.Rows, Is.EqualTo(402));
        double[] episode = table["episode"], total = table["return"];
        double[] returns = [total[Array.LastIndexOf(episode, 0.0)], total[^1]];
        var eval = Sac("eval", "--run", run, "--episodes", "2");
        var match = Regex.Match(eval.Out, @": (-?\d+\.\d+) ± (\d+\.\d+) over 2 episodes");
        Assert.That(match.Success, Is.True, eval.Out);
        Assert.That(returns.Average().ToString("F2", CultureInfo.InvariantCulture), Is.EqualTo(match.Groups[1].Value), "the same mean return");

        Assert.That(File.Exists(Path.ChangeExtension(video, ".png")), Is.True, "its poster");
        Assert.That(File.ReadAllText(Path.Combine(run, "index.html")), Does.Contain("videos/render-step-0000000300-seed1000000.webm"), "the run page shows it");
    }

    [Test]
    public void Render_Still_WritesThatFrameAsPng()
    {
        string run = TrainedRun();
        string png = Path.Combine(Root, "frame.png");
        var result = Sac("render", "--run", run, "--still", "37", "--out", png, "--width", "200", "--height", "150");
        Assert.That(result.Code, Is.Zero, result.Err);
        Assert.That(result.Out, Does.Contain("step 37 of 200"));
        using var bitmap = SKBitmap.Decode(png);
        Assert.That((bitmap.Width, bitmap.Height), Is.EqualTo((200, 150)));
        Assert.That(Directory.Exists(Path.Combine(run, "videos")), Is.False, "nothing written into the run for an --out elsewhere");
    }

    [Test]
    public void Render_BadInput_ExitTwoWithOneLine_AndWritesNothing()
    {
        string run = TrainedRun();
        var before = Snapshot();
        AssertUsageError(Sac("render", "--run", run, "--width", "101"), "--width 101", "even");
        AssertUsageError(Sac("render", "--run", run, "--height", "8"), "--height 8");
        AssertUsageError(Sac("render", "--run", run, "--episodes", "0"), "--episodes");
        AssertUsageError(Sac("render", "--run", run, "--episodes", "101"), "--episodes");
        AssertUsageError(Sac("render", "--run", run, "--seed", "-1"), "--seed");
        AssertUsageError(Sac("render", "--run", run, "--format", "avi"), "--format", "avi");
        AssertUsageError(Sac("render", "--run", run, "--out", Path.Combine(Root, "x.avi")), "x.avi", ".webm");
        AssertUsageError(Sac("render", "--run", run, "--out", Path.Combine(Root, "x.mp4"), "--format", "gif"), "x.mp4", "gif");
        AssertUsageError(Sac("render", "--run", run, "--still", "3", "--episodes", "2"), "--still");
        AssertUsageError(Sac("render", "--run", run, "--still", "-1"), "--still");
        AssertUsageError(Sac("render", "--run", run, "--still", "3", "--out", Path.Combine(Root, "x.webm")), "--still", ".png");
        AssertUsageError(Sac("render", "--run", run, "--still", "500", "--out", Path.Combine(Root, "late.png")), "--still 500", "200 steps");
        AssertUsageError(Sac("render", "--run", run, "--checkpoint", "step-9"), "step-9");
        AssertUsageError(Sac("render", "--run", Path.Combine(Root, "nothing")), "not a Sac run");
        AssertUsageError(Sac("render", "--run", run, "--out", Root), "is a directory");
        Assert.That(Snapshot(), Is.EqualTo(before), "nothing written, moved or deleted");
    }

    [Test]
    public void Render_OutBesideTheUsersCsvOrPng_IsRefusedNamingIt_AndReplacesNothing()
    {
        // `--out clip.webm` also writes clip.csv (the rewards) and clip.png (the poster): files of the user's with those
        // names are not the render's to replace.
        string run = TrainedRun();
        string video = Path.Combine(Root, "clip.webm"), table = Path.Combine(Root, "clip.csv"), poster = Path.Combine(Root, "clip.png");
        File.WriteAllText(table, "the user's own table\n");
        // Neither replaced nor joined by a video.
        AssertRefusedTouchingNothing(RenderSmallArgs(run, "--out", video), table, "--overwrite");

        File.Delete(table);
        File.WriteAllText(poster, "the user's own picture");
        AssertRefusedTouchingNothing(RenderSmallArgs(run, "--out", video), poster, "--overwrite");
    }

    [Test]
    public void Render_OutThatExists_IsRefused_AndOverwriteReplacesItAndItsCompanions()
    {
        string run = TrainedRun();
        string video = Path.Combine(Root, "clip.webm");
        File.WriteAllText(video, "an older video");
        AssertRefusedTouchingNothing(RenderSmallArgs(run, "--out", video), video, "exists", "--overwrite");

        File.WriteAllText(Path.ChangeExtension(video, ".csv"), "stale");
        File.WriteAllText(Path.ChangeExtension(video, ".png"), "stale");
        var result = RenderSmall(run, "--out", video, "--overwrite");
        Assert.That(result.Code, Is.Zero, result.Err);
        // All three are this render's: a whole video, its 201-row table, a decodable poster.
        Assert.That(VideoProbe.Of(video).Frames, Is.EqualTo(201));
        Assert.That(TermsTable.Read(Path.ChangeExtension(video, ".csv")).Rows, Is.EqualTo(201));
        using (var bitmap = SKBitmap.Decode(Path.ChangeExtension(video, ".png")))
            Assert.That((bitmap.Width, bitmap.Height), Is.EqualTo((64, 48)));
        Assert.That(Directory.GetFiles(Root).Select(Path.GetFileName), Is.EquivalentTo(new[] { "clip.webm", "clip.csv", "clip.png" }), "no temporary left");
    }

    [Test]
    public void Render_Twice_SecondIsRefusedUnlessOverwrite()
    {
        // The default name (videos/render-<checkpoint>-seed<seed>.webm) follows the same rule as --out.
        string run = TrainedRun();
        Assert.That(RenderSmall(run).Code, Is.Zero);
        // The first render, its table, poster and run page, untouched.
        AssertRefusedTouchingNothing(RenderSmallArgs(run), "render-step-0000000300-seed1000000.webm", "--overwrite");
        var again = RenderSmall(run, "--overwrite");
        Assert.That(again.Code, Is.Zero, again.Err);

        string png = Path.Combine(Root, "frame.png");
        File.WriteAllText(png, "the user's own picture");
        AssertRefusedTouchingNothing(["render", "--run", run, "--still", "3", "--out", png], png, "--overwrite");
        Assert.That(Sac("render", "--run", run, "--still", "3", "--out", png, "--overwrite").Code, Is.Zero);
        using var bitmap = SKBitmap.Decode(png);
        Assert.That(bitmap, Is.Not.Null, "now a picture");
    }

    [Test]
    public void Render_BesideFilesNamedLikeItsTemporaries_LeavesThemAlone()
    {
        // The temporaries were once clip.tmp.webm, clip.tmp.png and clip.csv.tmp: ffmpeg (-y) and the writers replaced
        // a user's files of those names, then renamed them away.
        string run = TrainedRun();
        string[] theirs = ["clip.tmp.webm", "clip.tmp.png", "clip.csv.tmp"];
        foreach (string name in theirs)
            File.WriteAllText(Path.Combine(Root, name), "the user's " + name);
        var result = RenderSmall(run, "--out", Path.Combine(Root, "clip.webm"));
        Assert.That(result.Code, Is.Zero, result.Err);
        foreach (string name in theirs)
            Assert.That(File.ReadAllText(Path.Combine(Root, name)), Is.EqualTo("the user's " + name));
        Assert.That(Directory.GetFiles(Root).Select(Path.GetFileName), Is.EquivalentTo(theirs.Concat(["clip.webm", "clip.csv", "clip.png"])), "no temporary left");
    }

    [Test]
    public void RenderHelp_NamesTheCompanionFiles_AndOverwrite()
    {
        var help = Sac("render", "--help");
        Assert.That(help.Out, Does.Contain("<name>.csv").And.Contain("<name>.png"), "what is written beside the video");
        Assert.That(help.Out, Does.Contain("--overwrite"));
    }

    /// <summary>Runs <paramref name="test"/> with SAC_FFMPEG set to a wrapper of ffmpeg that logs its arguments; returns the log's lines.</summary>
    [UnsupportedOSPlatform("windows")] // modes and a shell script
    private static string[] WithFfmpegLogged(Action test) => WithFfmpegWrapper("exec ffmpeg \"$@\"", test);

    /// <summary>
    /// Runs <paramref name="test"/> with SAC_FFMPEG set to a shell script that logs its arguments, then runs
    /// <paramref name="body"/> (which sees them as "$@"); returns the log's lines.
    /// </summary>
    [UnsupportedOSPlatform("windows")] // modes and a shell script
    private static string[] WithFfmpegWrapper(string body, Action test)
    {
        string directory = Directory.CreateTempSubdirectory("sac-ffmpeg-log-").FullName;
        string log = Path.Combine(directory, "calls.log"), wrapper = Path.Combine(directory, "ffmpeg");
        File.WriteAllText(wrapper, $"#!/bin/sh\necho \"$*\" >> '{log}'\n{body}\n");
        File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        string? saved = Environment.GetEnvironmentVariable("SAC_FFMPEG");
        Environment.SetEnvironmentVariable("SAC_FFMPEG", wrapper);
        try
        {
            test();
            return File.Exists(log) ? File.ReadAllLines(log) : [];
        }
        finally
        {
            Environment.SetEnvironmentVariable("SAC_FFMPEG", saved);
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// Runs <paramref name="refusals"/> (calls of `sac render` that each assert their refusal) with ffmpeg logged, then
    /// checks they were refused before rendering: ffmpeg was never given frames, and the tree under the root is as it
    /// was. Returns ffmpeg's calls.
    /// </summary>
    [UnsupportedOSPlatform("windows")] // a shell script
    private string[] AssertRefusedBeforeRendering(string nothingWritten, Action refusals)
    {
        var before = Snapshot();
        string[] calls = WithFfmpegLogged(refusals);
        Assert.That(calls, Has.None.Contain("pipe:0"), $"ffmpeg was never given frames: {string.Join("\n", calls)}");
        Assert.That(Snapshot(), Is.EqualTo(before), nothingWritten);
        return calls;
    }

    [UnsupportedOSPlatform("windows")] // modes and a shell script
    [Test]
    public void Render_OutInAReadOnlyDirectory_IsRefusedBeforeRendering_AndWritesNothing()
    {
        string run = TrainedRun();
        string locked = Path.Combine(Root, "locked");
        Directory.CreateDirectory(locked);
        using var readOnly = ReadOnlyDirectory.Lock(locked);
        string[] calls = AssertRefusedBeforeRendering("nothing written", () =>
        {
            AssertUsageError(RenderSmall(run, "--out", Path.Combine(locked, "clip.webm")), locked, "cannot be written");
            AssertUsageError(RenderSmall(run, "--out", Path.Combine(locked, "new", "clip.webm")), locked, "cannot be written");
            AssertUsageError(RenderSmall(run, "--still", "3", "--out", Path.Combine(locked, "frame.png")), locked, "cannot be written");
        });
        // ffmpeg was asked whether it is installed (and, above, never given frames: no episode was rendered).
        Assert.That(calls, Is.Not.Empty);
    }

    [UnsupportedOSPlatform("windows")] // modes and a shell script
    [Test]
    public void Render_IntoAReadOnlyRun_IsRefusedBeforeRendering_AndWritesNothing()
    {
        // The default --out is the run's videos/, which does not exist yet: the run directory itself must take it.
        string run = TrainedRun();
        using var readOnly = ReadOnlyDirectory.Lock(run);
        string[] calls = AssertRefusedBeforeRendering("nothing written, not even the run page", () =>
            AssertUsageError(RenderSmall(run), "render-step-0000000300-seed1000000.webm", "cannot be written"));
        Assert.That(calls, Is.Not.Empty, "ffmpeg was asked whether it is installed");
    }

    [UnsupportedOSPlatform("windows")] // modes and a shell script
    [Test]
    public void Render_IntoARunWhosePageCannotBeWritten_IsRefusedBeforeRendering()
    {
        // videos/ takes the video, but the run page (index.html, in the run directory) would fail after it.
        string run = TrainedRun();
        Directory.CreateDirectory(Path.Combine(run, "videos"));
        using var readOnly = ReadOnlyDirectory.Lock(run);
        AssertRefusedBeforeRendering("no video without its place on the run page", () =>
            AssertUsageError(RenderSmall(run), Path.Combine(run, "index.html"), "cannot be written"));
    }

    [Test]
    public void Render_OutUnderAFile_IsRefusedBeforeRendering()
    {
        string run = TrainedRun();
        string notes = Path.Combine(Root, "notes.txt");
        File.WriteAllText(notes, "a file, not a directory");
        AssertRefusedTouchingNothing(["render", "--run", run, "--out", Path.Combine(notes, "clip.webm")], notes, "not a directory");
        AssertRefusedTouchingNothing(["render", "--run", run, "--still", "3", "--out", Path.Combine(notes, "sub", "frame.png")], notes, "not a directory");
    }

    [Test]
    public void Render_WithoutFfmpeg_SaysHowToInstallIt()
    {
        string run = TrainedRun();
        string? saved = Environment.GetEnvironmentVariable("SAC_FFMPEG");
        Environment.SetEnvironmentVariable("SAC_FFMPEG", Path.Combine(Root, "no-ffmpeg"));
        try
        {
            AssertUsageError(Sac("render", "--run", run), "ffmpeg", "apt-get install -y ffmpeg");
            AssertUsageError(Sac(TrainArgs(Path.Combine(Root, "recorded"), 300, "--record-every", "300")), "--record-every", "apt-get install -y ffmpeg");
            Assert.That(Directory.Exists(Path.Combine(Root, "recorded")), Is.False, "refused before the run directory is made");
        }
        finally
        {
            Environment.SetEnvironmentVariable("SAC_FFMPEG", saved);
        }
    }

    [UnsupportedOSPlatform("windows")] // a shell script
    [Test]
    public void Render_FfmpegWithoutTheFormatsEncoder_IsRefusedBeforeRendering()
    {
        // An ffmpeg built without libx264 failed only once the episodes were played and their frames sent.
        string run = TrainedRun();
        var before = Snapshot();
        // An ffmpeg without libx264, as ffmpeg itself answers: absent from its list, and "Unknown encoder" when asked for it.
        string withoutX264 = """
            case "$*" in
              *-encoders*) ffmpeg "$@" | grep -v ' libx264 ' ;;
              *libx264*) echo "Unknown encoder 'libx264'" >&2; exit 1 ;;
              *) exec ffmpeg "$@" ;;
            esac
            """;
        string[] calls = WithFfmpegWrapper(withoutX264, () =>
            AssertUsageError(RenderSmall(run, "--format", "mp4"), "libx264", "mp4"));
        Assert.That(calls, Is.Not.Empty.And.None.Contain("pipe:0"), "ffmpeg was never given frames");
        Assert.That(Snapshot(), Is.EqualTo(before));

        // That ffmpeg still writes WebM (VP9): only the missing encoder is refused.
        string video = Path.Combine(Root, "clip.webm");
        WithFfmpegWrapper(withoutX264, () =>
            Assert.That(RenderSmall(run, "--out", video).Code, Is.Zero));
        Assert.That(VideoProbe.Of(video).Frames, Is.EqualTo(201));
    }

    [Test]
    public void Render_IntoARunThatIsInUse_IsRefused_ButElsewhereWorks()
    {
        string run = TrainedRun();
        using (new RunDirectory(run, "--run").Lock())
        {
            AssertUsageError(RenderSmall(run), "in use", "--out");
            string outside = Path.Combine(Root, "outside.webm");
            var result = RenderSmall(run, "--out", outside);
            Assert.That(result.Code, Is.Zero, result.Err);
            Assert.That(VideoProbe.Of(outside).Frames, Is.EqualTo(201));
        }
    }
}
