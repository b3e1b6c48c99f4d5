using System.Collections.Concurrent;
using System.Globalization;
using Sac.Render;
using Sac.Render.Recording;
using Sac.Render.Video;

namespace Sac.Cli.Runs;

/// <summary>
/// Turns recorded evaluations into videos on a thread of its own, so that training only pays for copying the frames:
/// for each, <c>videos/step-N.csv</c> (the per-step rewards), <c>videos/step-N.png</c> (the poster: the middle frame of
/// the first episode) and <c>videos/step-N.webm</c>, each written to a temporary and renamed (the video last, see
/// <see cref="VideoFiles"/>), then the learning curve and the run page are refreshed. The evaluation is recorded by the trainer's own evaluation environment (an
/// <see cref="EpisodeRecorder"/>), so the videos show exactly the episodes progress.csv reports.
/// </summary>
/// <remarks>
/// A failed video is reported (see <see cref="TakeMessages"/>) and training goes on. <see cref="Abandon"/> (on Ctrl-C
/// or SIGTERM) stops ffmpeg and deletes its temporary: a run stopped mid-recording leaves no torn file, only the
/// recordings that were not made.
/// </remarks>
internal sealed class EvaluationVideos : IDisposable
{
    private readonly RunDirectory _run;
    private readonly Scene _scene;
    private readonly RenderSettings _settings;
    private readonly Action _refreshPage;
    private readonly BlockingCollection<(long Step, IReadOnlyList<RecordedEpisode> Episodes)> _jobs = new();
    private readonly ConcurrentQueue<string> _messages = new();
    private readonly CancellationTokenSource _abandon = new();
    private readonly Thread _worker;
    private int _pending;

    /// <summary>Starts the worker; <paramref name="refreshPage"/> runs on it after each video.</summary>
    public EvaluationVideos(RunDirectory run, Scene scene, RenderSettings settings, Action refreshPage)
    {
        (_run, _scene, _settings, _refreshPage) = (run, scene, settings, refreshPage);
        _worker = new Thread(Work) { IsBackground = true, Name = "sac video recording", Priority = ThreadPriority.BelowNormal };
        _worker.Start();
    }

    /// <summary>Recordings queued or being made.</summary>
    public int Pending => Volatile.Read(ref _pending);

    /// <summary>Videos written so far.</summary>
    public int Written { get; private set; }

    /// <summary>The video of the evaluation at <paramref name="step"/>, in the run directory's videos/.</summary>
    public static string PathFor(RunDirectory run, long step) =>
        Path.Combine(run.Videos, string.Create(CultureInfo.InvariantCulture, $"step-{step:D10}{VideoFormat.WebM.Extension()}"));

    /// <summary>Queues the episodes of the evaluation at <paramref name="step"/> (recorded with pictures).</summary>
    public void Enqueue(long step, IReadOnlyList<RecordedEpisode> episodes)
    {
        Interlocked.Increment(ref _pending);
        _jobs.Add((step, episodes));
    }

    /// <summary>Lines for the user: each video written or failed since the last call.</summary>
    public IReadOnlyList<string> TakeMessages()
    {
        var lines = new List<string>();
        while (_messages.TryDequeue(out string? line))
            lines.Add(line);
        return lines;
    }

    /// <summary>
    /// Waits until every queued video is written (or failed); if <paramref name="stop"/> is signalled first (Ctrl-C,
    /// SIGTERM), abandons the rest instead. Returns false when some were abandoned.
    /// </summary>
    public bool Complete(CancellationToken stop)
    {
        _jobs.CompleteAdding();
        using (stop.Register(_abandon.Cancel))
            _worker.Join();
        return !_abandon.IsCancellationRequested;
    }

    /// <summary>Stops now: the video being made is abandoned (no file, no temporary) and the queued ones are dropped.</summary>
    public void Abandon()
    {
        _abandon.Cancel();
        _jobs.CompleteAdding();
        _worker.Join();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (!_jobs.IsAddingCompleted)
            Abandon();
        _jobs.Dispose();
        _abandon.Dispose();
    }

    private void Work()
    {
        foreach (var (step, episodes) in _jobs.GetConsumingEnumerable())
        {
            try
            {
                if (_abandon.IsCancellationRequested)
                    continue;
                Directory.CreateDirectory(_run.Videos);
                // The run's own files, written under its lock: a recording made again (after a resume from an earlier
                // checkpoint) replaces the one of the same step.
                VideoInfo info = new VideoFiles(PathFor(_run, step)).Write(_scene, episodes, _settings, overwrite: true, _abandon.Token);
                Written++;
                _messages.Enqueue(string.Create(CultureInfo.InvariantCulture,
                    $"video of the evaluation at step {step}: {Path.GetRelativePath(_run.Path, info.Path)} ({info.Frames} frames, {info.DurationSeconds:F1} s)"));
                _refreshPage();
            }
            catch (OperationCanceledException)
            {
                // Abandoned: VideoFiles wrote nothing (the table and the poster are put in place only with a finished video).
            }
            catch (Exception e)
            {
                // Whatever fails here (ffmpeg, the disk, a plot) costs one video, never the training run.
                _messages.Enqueue($"the video of the evaluation at step {step} was not written: {e.GetType().Name}: {e.Message}");
            }
            finally
            {
                Interlocked.Decrement(ref _pending);
            }
        }
    }
}
