using System.Globalization;
using Sac.Render.Recording;
using Sac.Tests.Cli;

namespace Sac.Tests.Render;

/// <summary>
/// `sac train --record-every N`: the videos are the evaluation's own episodes, training is bitwise the same as without
/// them, and a run stopped or killed while a video is being made leaves no torn file.
/// </summary>
[NonParallelizable]
public class RecordEveryTests : CliTestBase
{
    private static byte[] Bytes(string run, string file) => File.ReadAllBytes(Path.Combine(run, "checkpoints", "step-0000000600", file));

    /// <summary>
    /// A training state's tensors (the bytes after its header) and its header, without the wall-clock training time
    /// (which no two runs share) and the file's checksum (which covers it).
    /// </summary>
    private static (string Header, byte[] Tensors) WithoutTime(byte[] file)
    {
        long length = BitConverter.ToInt64(file, 0);
        var header = System.Text.Json.Nodes.JsonNode.Parse(file.AsSpan(8, (int)length))!.AsObject();
        var metadata = header["__metadata__"]!.AsObject();
        var state = System.Text.Json.Nodes.JsonNode.Parse(metadata["state"]!.GetValue<string>())!.AsObject();
        Assert.That(state.Remove("trainingSeconds"), Is.True, "the training time is where it is expected");
        metadata["state"] = state.ToJsonString();
        metadata.Remove("sha256"); // of the whole file, time included
        return (header.ToJsonString(), file[(8 + (int)length)..]);
    }

    /// <summary>eval/mean_reward of progress.csv at <paramref name="step"/>.</summary>
    private static double EvaluationAt(string run, long step)
    {
        string[] lines = File.ReadAllLines(Path.Combine(run, "progress.csv"));
        int column = Array.IndexOf(lines[0].Split(','), "eval/mean_reward");
        return lines.Skip(1).Select(l => l.Split(','))
            .Where(c => c[0] == step.ToString(CultureInfo.InvariantCulture) && c[column].Length > 0)
            .Select(c => double.Parse(c[column], CultureInfo.InvariantCulture)).Single();
    }

    [Test]
    public void RecordEvery_TrainsBitwiseAsWithout_AndFilmsTheEvaluationEpisodes()
    {
        string plain = Path.Combine(Root, "plain"), recorded = Path.Combine(Root, "recorded");
        Assert.That(Sac(TrainArgs(plain, 600, "--eval-episodes", "1")).Code, Is.Zero);
        var result = Sac(TrainArgs(recorded, 600, "--eval-episodes", "1", "--record-every", "300"));
        Assert.That(result.Code, Is.Zero, result.Err);

        Assert.That(Bytes(recorded, "model.safetensors"), Is.EqualTo(Bytes(plain, "model.safetensors")), "the same weights, byte for byte");
        Assert.That(WithoutTime(Bytes(recorded, "training_state.safetensors")), Is.EqualTo(WithoutTime(Bytes(plain, "training_state.safetensors"))),
            "the same training state (every Rng, the replay buffer, both environments' states), but for the wall-clock time");
        Assert.That(ProgressWithoutTimes(recorded), Is.EqualTo(ProgressWithoutTimes(plain)), "the same episodes and evaluations");

        foreach (long step in new long[] { 300, 600 })
        {
            string video = Path.Combine(recorded, "videos", $"step-{step:D10}.webm");
            VideoProbe probe = VideoProbe.Of(video);
            Assert.That(probe.Frames, Is.EqualTo(201), $"step {step}: the whole 200-step episode and its reset");
            Assert.That((probe.Width, probe.Height, probe.FrameRate), Is.EqualTo((480, 360, "20/1")));
            // Its rewards add up to the return progress.csv logged for that evaluation: it is that episode.
            double filmed = TermsTable.Read(Path.ChangeExtension(video, ".csv"))["return"][^1];
            Assert.That(filmed, Is.EqualTo(EvaluationAt(recorded, step)).Within(1e-6 * Math.Abs(filmed)), $"step {step}");
            Assert.That(File.Exists(Path.ChangeExtension(video, ".png")), Is.True, "with its poster");
        }
        Assert.That(Directory.Exists(Path.Combine(plain, "videos")), Is.False, "no videos without --record-every");
        Assert.That(File.ReadAllText(Path.Combine(plain, "eval_terms.csv")), Is.EqualTo(File.ReadAllText(Path.Combine(recorded, "eval_terms.csv"))),
            "the last evaluation's rewards, recorded either way");
        // Both have a run page, which refers to the run's own files only, by relative paths (it opens offline).
        string plainPage = File.ReadAllText(Path.Combine(plain, "index.html")), recordedPage = File.ReadAllText(Path.Combine(recorded, "index.html"));
        foreach (string page in new[] { plainPage, recordedPage })
        {
            Assert.That(page, Does.Contain("src=\"learning_curve.svg\"").And.Contain("src=\"eval_terms.svg\""));
            Assert.That(page, Does.Not.Match("(src|href)=\"([a-z]+:|/)(?!,)"), "no absolute or external reference (a data: icon aside)");
        }
        Assert.That(plainPage, Does.Contain("No videos"));
        int latest = recordedPage.IndexOf("videos/step-0000000600.webm", StringComparison.Ordinal);
        int earlier = recordedPage.IndexOf("videos/step-0000000300.webm", StringComparison.Ordinal);
        Assert.That(latest, Is.GreaterThan(0).And.LessThan(earlier), "both videos, the latest first");
        Assert.That(File.Exists(Path.Combine(recorded, "eval_terms.svg")), Is.True);
    }

    [Test]
    public void RecordEvery_NotAMultipleOfEvalEvery_IsOneLine()
    {
        AssertUsageError(Sac(TrainArgs(Path.Combine(Root, "run"), 600, "--record-every", "450")), "--record-every 450", "--eval-every 300");
        AssertUsageError(Sac(TrainArgs(Path.Combine(Root, "run"), 600, "--record-every", "-1")), "--record-every");
        AssertUsageError(Sac(TrainArgs(Path.Combine(Root, "run"), 600, "--record-episodes", "0")), "--record-episodes");
        Assert.That(Directory.Exists(Path.Combine(Root, "run")), Is.False);
    }

    /// <summary>Every video in videos/ decodes whole, and no temporary is there.</summary>
    private static void AssertNoTornVideo(string run, int framesEach)
    {
        string videos = Path.Combine(run, "videos");
        if (!Directory.Exists(videos))
            return;
        foreach (string file in Directory.GetFiles(videos))
        {
            string name = Path.GetFileName(file);
            Assert.That(name, Does.Not.Contain(".tmp"), "no temporary left");
            if (name.EndsWith(".webm", StringComparison.Ordinal))
                Assert.That(VideoProbe.Of(file).Frames, Is.EqualTo(framesEach), $"{name} is whole");
        }
    }

    /// <summary>A run far longer than the test waits, filming two 200-step episodes every 300 steps.</summary>
    private string[] LongRecordedRun(string run) => TrainArgs(run, 1_000_000, "--eval-episodes", "2", "--record-every", "300", "--record-episodes", "2", "--checkpoint-every", "300");

    [Test]
    public void RecordEvery_TerminatedWhileFilming_LeavesNoTornVideo()
    {
        string run = Path.Combine(Root, "run");
        using var sac = SacProcess.Start(LongRecordedRun(run));
        string videos = Path.Combine(run, "videos");
        sac.WaitUntil(() => Directory.Exists(videos) && Directory.EnumerateFiles(videos, "*.tmp.webm").Any(), "a video being written");
        sac.Signal("TERM");
        var (code, _, err) = sac.WaitForExit();
        Assert.That(code, Is.EqualTo(143), err);
        AssertNoTornVideo(run, 402);
    }

    [Test]
    public void RecordEvery_KilledWhileFilming_LeavesNoTornVideo_AndTheResumeClearsItsTemporary()
    {
        string run = Path.Combine(Root, "run");
        using (var sac = SacProcess.Start(LongRecordedRun(run)))
        {
            string videos = Path.Combine(run, "videos"), checkpoints = Path.Combine(run, "checkpoints");
            // A checkpoint to resume from must exist too: the first video can start before step 300's checkpoint is written.
            sac.WaitUntil(() => Directory.Exists(videos) && Directory.EnumerateFiles(videos, "*.tmp.webm").Any()
                && global::Sac.Core.Checkpoints.CheckpointStore.List(checkpoints).Any(), "a video being written after a checkpoint");
            sac.Signal("KILL");
            sac.WaitForExit();
        }
        // Only the temporary can be partial: every finished name is a whole video.
        foreach (string file in Directory.GetFiles(Path.Combine(run, "videos"), "*.webm").Where(f => !f.Contains(".tmp.")))
            Assert.That(VideoProbe.Of(file).Frames, Is.EqualTo(402), Path.GetFileName(file));

        string latest = Path.GetFileName(global::Sac.Core.Checkpoints.CheckpointStore.Resolve(Path.Combine(run, "checkpoints")));
        long steps = long.Parse(latest["step-".Length..], CultureInfo.InvariantCulture) + 300;
        var resumed = Sac("train", "--resume", run, "--steps", steps.ToString(CultureInfo.InvariantCulture), "--record-every", "0");
        Assert.That(resumed.Code, Is.Zero, resumed.Err);
        AssertNoTornVideo(run, 402);
    }

    [Test]
    public void NewRun_InADirectoryHoldingOnlyVideoTemporaries_StartsAndClearsThem()
    {
        string run = Path.Combine(Root, "run");
        Directory.CreateDirectory(Path.Combine(run, "videos"));
        File.WriteAllText(Path.Combine(run, "videos", "step-0000000300.tmp.webm"), "torn");
        File.WriteAllText(Path.Combine(run, "videos", "step-0000000300.tmp.png"), "torn");
        var result = Sac(TrainArgs(run, 300));
        Assert.That(result.Code, Is.Zero, result.Err);
        Assert.That(Directory.GetFiles(Path.Combine(run, "videos")), Is.Empty, "a crashed recording's leftovers are cleared");
    }
}
