using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Sac.Tests.Render;

/// <summary>What ffprobe (not Sac) reads from a video file: frames decoded, size, frame rate and duration.</summary>
internal sealed record VideoProbe(int Frames, int Width, int Height, string FrameRate, double DurationSeconds, string Codec)
{
    /// <summary>
    /// Runs <c>ffprobe -count_frames</c> on <paramref name="path"/>, which decodes every frame (so a torn file shows fewer
    /// frames or fails). Fails the test with the install command when ffprobe is missing: these tests are never skipped.
    /// </summary>
    public static VideoProbe Of(string path)
    {
        var start = new ProcessStartInfo("ffprobe")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[]
        {
            "-v", "error", "-count_frames", "-select_streams", "v:0",
            "-show_entries", "stream=nb_read_frames,width,height,r_frame_rate,codec_name:format=duration", "-of", "json", path,
        })
            start.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Fail("ffprobe is not installed; install it: apt-get install -y ffmpeg (dotnet cake does, as root)");
            throw;
        }
        using (process)
        {
            string json = process.StandardOutput.ReadToEnd();
            string errors = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.That(process.ExitCode, Is.Zero, $"ffprobe {path}: {errors}");
            using var document = JsonDocument.Parse(json);
            var stream = document.RootElement.GetProperty("streams")[0];
            return new VideoProbe(
                int.Parse(stream.GetProperty("nb_read_frames").GetString()!, CultureInfo.InvariantCulture),
                stream.GetProperty("width").GetInt32(),
                stream.GetProperty("height").GetInt32(),
                stream.GetProperty("r_frame_rate").GetString()!,
                double.Parse(document.RootElement.GetProperty("format").GetProperty("duration").GetString()!, CultureInfo.InvariantCulture),
                stream.GetProperty("codec_name").GetString()!);
        }
    }
}
