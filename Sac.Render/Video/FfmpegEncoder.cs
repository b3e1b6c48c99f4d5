using System.ComponentModel;
using System.Diagnostics;

namespace Sac.Render.Video;

/// <summary>A video could not be encoded: ffmpeg is missing, refused its input or failed.</summary>
public sealed class VideoException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Encodes raw RGBA frames into a video file by piping them to an <c>ffmpeg</c> child process
/// (<c>-f rawvideo -pix_fmt rgba -s W×H -framerate N/D -i -</c>). The file appears only when <see cref="Finish"/> (or
/// <see cref="Complete"/> then <see cref="Commit"/>) succeeds: ffmpeg writes a temporary next to it
/// (<see cref="TemporaryPath"/>), renamed to the target at the end, and deleted when encoding fails or is abandoned, so
/// no reader ever sees a torn video.
/// </summary>
public sealed class FfmpegEncoder : IDisposable
{
    /// <summary>The command run, "ffmpeg" on the PATH unless <c>SAC_FFMPEG</c> names another.</summary>
    public static string Executable => Environment.GetEnvironmentVariable("SAC_FFMPEG") is { Length: > 0 } path ? path : "ffmpeg";

    /// <summary>How to install ffmpeg, for messages.</summary>
    public const string InstallHint = "apt-get install -y ffmpeg";

    private readonly Process _process;
    private readonly Stream _input;
    private readonly Task<string> _errors;
    private readonly int _frameBytes;
    private bool _completed;
    private bool _committed;

    /// <summary>Starts ffmpeg writing <paramref name="path"/> (through its temporary).</summary>
    /// <exception cref="VideoException">ffmpeg cannot be started.</exception>
    public FfmpegEncoder(string path, VideoFormat format, int width, int height, FrameRate rate)
    {
        Path = System.IO.Path.GetFullPath(path);
        TemporaryPath = TemporaryFiles.For(Path);
        (Width, Height, _frameBytes) = (width, height, 4 * width * height);
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardInput = true,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        // -n: the temporary's name is this encoder's own; should a file of that name exist after all, ffmpeg fails rather than replace it.
        foreach (string argument in (string[])["-hide_banner", "-loglevel", "error", "-nostdin", "-n",
            "-f", "rawvideo", "-pix_fmt", "rgba", "-s", $"{width}x{height}", "-framerate", rate.ToString(), "-i", "pipe:0"])
            start.ArgumentList.Add(argument);
        foreach (string argument in format.EncoderArguments())
            start.ArgumentList.Add(argument);
        start.ArgumentList.Add(TemporaryPath);
        try
        {
            _process = Process.Start(start) ?? throw new VideoException($"{Executable} did not start.");
        }
        catch (Win32Exception e)
        {
            throw new VideoException($"{Executable} could not be started ({e.Message}); videos are encoded by ffmpeg: {InstallHint}", e);
        }
        // Encoding beside training: the encoder yields to the trainer.
        try
        {
            _process.PriorityClass = ProcessPriorityClass.BelowNormal;
        }
        catch (Exception e) when (e is Win32Exception or InvalidOperationException)
        {
            // Not allowed here: it then runs at normal priority.
        }
        _input = _process.StandardInput.BaseStream;
        _errors = _process.StandardError.ReadToEndAsync();
        _ = _process.StandardOutput.ReadToEndAsync();
    }

    /// <summary>The video's path.</summary>
    public string Path { get; }

    /// <summary>Where ffmpeg writes until <see cref="Commit"/>: <c>name.TAG.tmp.ext</c> beside the video, unique to this encoder.</summary>
    public string TemporaryPath { get; }

    /// <summary>Frame width in pixels.</summary>
    public int Width { get; }

    /// <summary>Frame height in pixels.</summary>
    public int Height { get; }

    /// <summary>Frames written so far.</summary>
    public int Frames { get; private set; }

    /// <summary>True when <paramref name="fileName"/> is a video's temporary (<c>*.tmp.webm</c>, <c>*.tmp.mp4</c>, …; see <see cref="TemporaryFiles"/>).</summary>
    public static bool IsTemporary(string fileName) =>
        VideoFormats.FromPath(fileName) is not null && System.IO.Path.GetFileNameWithoutExtension(fileName).EndsWith(".tmp", StringComparison.Ordinal);

    /// <summary>Throws a <see cref="VideoException"/> when ffmpeg cannot be run or cannot write WebM (VP9), the format of every recording.</summary>
    public static void RequireInstalled() => RequireInstalled(VideoFormat.WebM);

    /// <summary>
    /// Throws a <see cref="VideoException"/> (with the install command) when ffmpeg cannot be run, or has no encoder for
    /// <paramref name="format"/> (as <c>ffmpeg -encoders</c> lists them): checked before episodes are played, since ffmpeg
    /// itself would say so only when given the first frame.
    /// </summary>
    public static void RequireInstalled(VideoFormat format)
    {
        string encoder = format.Encoder();
        string listing = Run("-hide_banner -encoders")
            ?? throw new VideoException($"videos are encoded by ffmpeg, and '{Executable}' cannot be run; install it: {InstallHint}");
        // Each encoder is a line "flags name description", e.g. " V....D libx264   libx264 H.264 / AVC …".
        bool listed = listing.Split('\n').Any(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [_, string name, ..] && name == encoder);
        if (!listed)
            throw new VideoException($"'{Executable}' has no {encoder} encoder, which {format.Extension()} videos are written with; " +
                $"install an ffmpeg that has it (Debian's and Ubuntu's do: {InstallHint}){(format == VideoFormat.WebM ? "" : ", or write .webm")}.");
    }

    /// <summary>ffmpeg's standard output for <paramref name="arguments"/>, or null when it cannot be run or fails.</summary>
    private static string? Run(string arguments)
    {
        var start = new ProcessStartInfo(Executable, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        try
        {
            using var process = Process.Start(start)!;
            Task<string> errors = process.StandardError.ReadToEndAsync(); // read both, so neither pipe fills and blocks ffmpeg
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            errors.Wait();
            return process.ExitCode == 0 ? output : null;
        }
        catch (Win32Exception)
        {
            return null;
        }
    }

    /// <summary>Sends one frame: <see cref="Width"/> × <see cref="Height"/> pixels, 4 bytes each (R, G, B, A), row by row.</summary>
    /// <exception cref="VideoException">ffmpeg stopped reading (it failed; its message is quoted).</exception>
    public void WriteFrame(ReadOnlySpan<byte> rgba)
    {
        if (rgba.Length != _frameBytes)
            throw new ArgumentException($"A frame is {_frameBytes} bytes ({Width} × {Height} × 4), not {rgba.Length}.", nameof(rgba));
        ObjectDisposedException.ThrowIf(_completed, this);
        try
        {
            _input.Write(rgba);
        }
        catch (IOException e)
        {
            throw Failed("stopped reading frames", e);
        }
        Frames++;
    }

    /// <summary>Ends the input, waits for ffmpeg, and renames the finished file to <see cref="Path"/> (<see cref="Complete"/>, then <see cref="Commit"/>).</summary>
    /// <param name="overwrite">Replace an existing <see cref="Path"/>; if false, an existing one is kept and <see cref="OutputExistsException"/> thrown.</param>
    /// <exception cref="VideoException">ffmpeg failed; the temporary is deleted and <see cref="Path"/> is untouched.</exception>
    public void Finish(bool overwrite = true)
    {
        Complete();
        Commit(overwrite);
    }

    /// <summary>
    /// Ends the input and waits for ffmpeg: the whole video is then in <see cref="TemporaryPath"/>, not yet under its
    /// name, so that files written beside it can be put in place first (see <see cref="Recording.VideoFiles"/>).
    /// </summary>
    /// <exception cref="VideoException">ffmpeg failed; the temporary is deleted and <see cref="Path"/> is untouched.</exception>
    public void Complete()
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        _completed = true;
        try
        {
            try
            {
                _input.Dispose();
            }
            catch (IOException e)
            {
                throw Failed("stopped reading frames", e);
            }
            _process.WaitForExit();
            if (_process.ExitCode != 0)
                throw Failed($"exited with code {_process.ExitCode}", null);
        }
        catch
        {
            TemporaryFiles.Discard(TemporaryPath);
            throw;
        }
    }

    /// <summary>Renames the video <see cref="Complete"/> finished to <see cref="Path"/>.</summary>
    /// <param name="overwrite">Replace an existing <see cref="Path"/>; if false, an existing one is kept and <see cref="OutputExistsException"/> thrown.</param>
    public void Commit(bool overwrite)
    {
        if (!_completed || _committed)
            throw new InvalidOperationException("Commit follows one successful Complete.");
        try
        {
            TemporaryFiles.Commit(TemporaryPath, Path, overwrite);
            _committed = true;
        }
        catch
        {
            TemporaryFiles.Discard(TemporaryPath);
            throw;
        }
    }

    /// <summary>Stops ffmpeg if it is still running (an abandoned video) and deletes its temporary unless it was committed.</summary>
    public void Dispose()
    {
        if (!_completed)
        {
            _completed = true;
            try
            {
                if (!_process.HasExited)
                    _process.Kill();
                _process.WaitForExit();
            }
            catch (InvalidOperationException)
            {
            }
        }
        if (!_committed)
            TemporaryFiles.Discard(TemporaryPath);
        _process.Dispose();
    }

    private VideoException Failed(string what, Exception? inner)
    {
        if (!_process.WaitForExit(10_000))
            _process.Kill();
        string message = _errors.Wait(5_000) ? _errors.Result.Trim() : "";
        string last = message.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "no message";
        return new VideoException($"ffmpeg {what} while writing {Path}: {last}", inner);
    }
}
