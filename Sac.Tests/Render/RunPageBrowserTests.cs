using System.Text.Json.Nodes;
using Sac.Tests.Cli;
using SkiaSharp;

namespace Sac.Tests.Render;

/// <summary>
/// A run's index.html opened by a real browser (Debian's headless Chromium, from a file:// URL, nothing served): the
/// latest evaluation video plays (its time advances), the learning curve and the terms plot load, nothing is logged as
/// an error, and a screenshot (kept with the test results) shows the video's picture and the curve.
/// </summary>
[NonParallelizable]
public class RunPageBrowserTests : CliTestBase
{
    private static double Number(JsonNode? node) => node?.GetValue<double>() ?? double.NaN;

    /// <summary>Pixels inside the box [left, top, width, height] that <paramref name="match"/>.</summary>
    private static int Count(SKBitmap bitmap, double[] box, Func<SKColor, bool> match)
    {
        int count = 0;
        for (int y = Math.Max(0, (int)box[1]); y < Math.Min(bitmap.Height, box[1] + box[3]); y++)
            for (int x = Math.Max(0, (int)box[0]); x < Math.Min(bitmap.Width, box[0] + box[2]); x++)
                if (match(bitmap.GetPixel(x, y)))
                    count++;
        return count;
    }

    [Test]
    public void RunPage_InHeadlessChromium_PlaysTheVideoAndShowsTheCurve_WithoutErrors()
    {
        string run = Path.Combine(Root, "run");
        var result = Sac(TrainArgs(run, 600, "--record-every", "300", "--eval-episodes", "1"));
        Assert.That(result.Code, Is.Zero, result.Err);

        using var chromium = HeadlessChromium.Start(1100, 1300);
        chromium.Navigate(new Uri(Path.Combine(run, "index.html")).AbsoluteUri);

        // The first video is the latest evaluation's, and it plays by itself (muted autoplay, looping).
        const string video = "document.querySelector('video')";
        Assert.That(chromium.Evaluate("document.querySelectorAll('video').length")!.GetValue<int>(), Is.EqualTo(2), "one video per recorded evaluation");
        Assert.That(chromium.Evaluate($"{video}.currentSrc")!.GetValue<string>(), Does.EndWith("videos/step-0000000600.webm"));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (Number(chromium.Evaluate($"{video}.currentTime")) < 0.3 && clock.Elapsed < TimeSpan.FromSeconds(30))
            Thread.Sleep(100);
        double first = Number(chromium.Evaluate($"{video}.currentTime"));
        Thread.Sleep(800);
        double second = Number(chromium.Evaluate($"{video}.currentTime"));
        Assert.That(first, Is.GreaterThan(0), "the video started");
        Assert.That(second, Is.GreaterThan(first), "and keeps playing");
        Assert.That(chromium.Evaluate($"{video}.paused")!.GetValue<bool>(), Is.False);
        Assert.That(chromium.Evaluate($"{video}.readyState")!.GetValue<int>(), Is.GreaterThanOrEqualTo(2), "HAVE_CURRENT_DATA or better");
        Assert.That(chromium.Evaluate($"{video}.error === null")!.GetValue<bool>(), Is.True, "no decoding error");
        Assert.That(Number(chromium.Evaluate($"{video}.duration")), Is.EqualTo(201 / 20.0).Within(0.06), "the whole episode: 201 frames at 20 per second");

        foreach (string image in new[] { "learning-curve", "terms" })
        {
            Assert.That(chromium.Evaluate($"document.getElementById('{image}').complete")!.GetValue<bool>(), Is.True, $"{image} loaded");
            Assert.That(chromium.Evaluate($"document.getElementById('{image}').naturalWidth")!.GetValue<int>(), Is.GreaterThan(0), $"{image} has a picture");
        }

        // The screenshot of the whole page, with the places of the video and the curve in it (page coordinates).
        chromium.Evaluate("window.scrollTo(0, 0)");
        JsonNode rects = chromium.Evaluate("""
            JSON.stringify([document.querySelector('video'), document.getElementById('learning-curve')].map(e => {
              const r = e.getBoundingClientRect(); return [r.left + window.scrollX, r.top + window.scrollY, r.width, r.height]; }))
            """)!;
        var boxes = JsonNode.Parse(rects.GetValue<string>())!.AsArray().Select(b => b!.AsArray().Select(v => v!.GetValue<double>()).ToArray()).ToArray();
        byte[] png = chromium.Screenshot();
        string shot = Path.Combine(TestContext.CurrentContext.WorkDirectory, "run-page-screenshot.png");
        File.WriteAllBytes(shot, png);
        TestContext.AddTestAttachment(shot, "the run page in headless Chromium");

        using var bitmap = SKBitmap.Decode(png);
        Assert.That(bitmap, Is.Not.Null);
        var colours = new HashSet<SKColor>();
        for (int y = 0; y < bitmap.Height; y += 3)
            for (int x = 0; x < bitmap.Width; x += 3)
                colours.Add(bitmap.GetPixel(x, y));
        Assert.That(colours, Has.Count.GreaterThan(200), "not a blank page");

        // In the video's box, the pendulum's red rod (204, 77, 77): a decoded frame, not a black or empty box. In the
        // curve's box, ScottPlot's blue evaluation line.
        Assert.That(Count(bitmap, boxes[0], c => Math.Abs(c.Red - 204) < 40 && Math.Abs(c.Green - 77) < 40 && Math.Abs(c.Blue - 77) < 40),
            Is.GreaterThan(100), $"the video's frame shows the rod ({shot})");
        Assert.That(Count(bitmap, boxes[1], c => c.Blue > 200 && c.Red < 60 && c.Green < 60), Is.GreaterThan(100), $"the learning curve is drawn ({shot})");

        Assert.That(chromium.Errors, Is.Empty, "no console error, exception or failed load");
    }
}
