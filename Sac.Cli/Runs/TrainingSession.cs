using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Sac.Core.Checkpoints;
using Sac.Core.Environments;
using Sac.Core.Training;
using Sac.Render;
using Sac.Render.Recording;
using Sac.Render.Scenes;
using Spectre.Console;

namespace Sac.Cli.Runs;

/// <summary>
/// Runs a training job for the CLI: the trainer, its progress display (a live bar on a terminal, plain lines otherwise),
/// progress.csv, periodic and final checkpoints, Ctrl-C handling, the learning curve and the summary.
/// </summary>
public sealed class TrainingSession
{
    private readonly RunDirectory _run;
    private readonly RunConfig _config;
    private Trainer _trainer;
    private readonly TextWriter _out;
    private readonly bool _resumed;
    private Scene _scene;
    private EpisodeRecorder _recorder;
    private readonly Lock _page = new();
    private IReadOnlyList<RecordedEpisode> _lastEvaluation = [];

    /// <summary>
    /// Builds the trainer for <paramref name="config"/>. With <paramref name="resume"/>, restores the newest checkpoint;
    /// a run that never reached its first checkpoint (and never finished) starts again from step 0 with its config, which
    /// reproduces the same steps bitwise.
    /// </summary>
    public TrainingSession(RunDirectory run, RunConfig config, bool resume, TextWriter output)
    {
        _run = run;
        _config = config;
        _out = output;
        _resumed = resume;
        // The evaluation environment records its episodes (their rewards always, their pictures when a video is due)
        // through a wrapper inside the registry's CheckedEnvironment, where it changes neither the episodes nor the
        // checkpoint: the trainer sees the same chain of environments with or without --record-every.
        if (resume)
            CheckpointStore.RequireReachable(run.Checkpoints); // before anything is read as "no checkpoint yet"
        _trainer = NewTrainer(out _scene, out _recorder);
        if (resume && run.HasCheckpointOrFinished)
        {
            // The newest intact checkpoint: one that fails verification is reported and left as it is (never deleted),
            // and the one before it is tried. Nothing in the run directory changes until one has loaded.
            var committed = CheckpointStore.List(run.Checkpoints);
            if (committed.Count == 0)
                CheckpointStore.Resolve(run.Checkpoints); // throws the reason (a pointer to a missing checkpoint, say)
            for (int i = committed.Count - 1; ; i--)
            {
                try
                {
                    _trainer.LoadCheckpoint(Path.Combine(run.Checkpoints, committed[i]));
                    _history = RunHistory.Read(Path.Combine(run.Checkpoints, committed[i]));
                    break;
                }
                catch (CheckpointException e) when (i > 0)
                {
                    output.WriteLine($"warning: {committed[i]} cannot be used ({e.Message}); trying {committed[i - 1]}.");
                    _trainer = NewTrainer(out _scene, out _recorder); // a failed load may have changed the trainer
                }
            }
            if (config.Steps < _trainer.Steps)
                throw new UsageException($"--steps {config.Steps} is below the {_trainer.Steps} steps the run has already taken; give a larger total (or omit --steps).");
        }
        else if (resume)
            _restartedWithoutCheckpoint = true;
    }

    /// <summary>A trainer for the config, with the evaluation environment's recorder and scene.</summary>
    private Trainer NewTrainer(out Scene scene, out EpisodeRecorder recorder)
    {
        var evaluation = (CheckedEnvironment)EnvironmentRegistry.Create(_config.Env);
        scene = SceneCatalog.For(evaluation);
        recorder = new EpisodeRecorder(evaluation.Inner, scene, PlanRecording);
        return new Trainer(VectorEnvironment.Create(_config.Env, _config.Trainer.NumEnvs, _config.Sac.Threads), new CheckedEnvironment(recorder), _config.Sac, _config.Trainer);
    }

    private readonly bool _restartedWithoutCheckpoint;

    /// <summary>The segments the run trained in before this process (from the checkpoint it resumed).</summary>
    private readonly RunHistory _history = RunHistory.Empty;

    /// <summary>What is saved: the trainer's files, and the run's history of segments beside them, in the same atomic commit.</summary>
    private ICheckpointable Saved(long segmentStart, TimeSpan segmentStartTime) =>
        new RunCheckpoint(_trainer, () => _history.With(segmentStart, _trainer.Steps, _trainer.TrainingTime - segmentStartTime, MachineInfo.Current));

    private sealed class RunCheckpoint(Trainer trainer, Func<RunHistory> history) : ICheckpointable
    {
        public long Steps => trainer.Steps;

        public void SaveCheckpoint(string directory)
        {
            trainer.SaveCheckpoint(directory);
            history().Write(directory);
        }
    }

    /// <summary>What the evaluation starting now records: its first episode's rewards, and, when a video is due (every
    /// --record-every steps and at the end), --record-episodes episodes with pictures.</summary>
    private CapturePlan PlanRecording()
    {
        long step = _trainer.Steps;
        bool video = _config.RecordEvery > 0 && (_trainer.Crossed(_config.RecordEvery) || step >= _config.Steps);
        return new CapturePlan(video ? _config.RecordEpisodes : 1, video, step);
    }

    /// <summary>Test hook: behave as if Ctrl-C were pressed once the trainer reaches this many steps.</summary>
    internal static long? InterruptAtStepForTesting;

    /// <summary>The trainer (for tests).</summary>
    public Trainer Trainer => _trainer;

    /// <summary>
    /// Trains to the end or until <paramref name="interruption"/> is signalled; returns the exit code: 0 when done,
    /// otherwise <see cref="Interruption.ExitCode"/> (130 for Ctrl-C, 143 for SIGTERM) after saving a checkpoint.
    /// </summary>
    public int Run(Interruption interruption, bool interactive)
    {
        if (_resumed && _trainer.IsFinished && File.Exists(_run.Summary))
        {
            _out.WriteLine($"{_run.Path} already finished at step {_trainer.Steps} of {_config.Steps}; nothing to do (give a larger --steps to extend it).");
            return 0;
        }
        var cancellation = interruption.Token;
        long startSteps = _trainer.Steps;
        var saved = Saved(startSteps, _trainer.TrainingTime);
        var clock = Stopwatch.StartNew();
        double Fps() => (_trainer.Steps - startSteps) / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
        double lastEpisode = double.NaN;

        bool neverStarted = _restartedWithoutCheckpoint && !File.Exists(_run.Progress); // prepared by `sac sweep`, say
        using var log = new ProgressLog(_run.Progress, _resumed ? _trainer.Steps : null);
        using var videos = _config.RecordEvery > 0 ? new EvaluationVideos(_run, _scene, new RenderSettings(), () => RefreshPage()) : null;
        _trainer.EpisodeCompleted += e =>
        {
            lastEpisode = e.Return;
            log.Episode(e, _trainer);
        };
        _trainer.EvaluationCompleted += e =>
        {
            log.Evaluation(e, _trainer);
            _lastEvaluation = _recorder.TakeRecorded();
            if (videos is not null && _lastEvaluation.Count > 0 && _lastEvaluation[0].HasPictures)
                videos.Enqueue(e.Step, _lastEvaluation);
            if (!interactive)
            {
                _out.WriteLine(Line());
                foreach (string message in videos?.TakeMessages() ?? [])
                    _out.WriteLine(message);
            }
        };
        string Line() => string.Create(CultureInfo.InvariantCulture,
            $"step {_trainer.Steps}/{_config.Steps}  {Fps():F0} steps/s  " +
            $"episode {Show(lastEpisode)}  eval {Show(_trainer.LastEvaluation?.MeanReturn ?? double.NaN)}  ETA {Eta(clock.Elapsed, _trainer.Steps - startSteps, _config.Steps - _trainer.Steps)}");
        // The live bar has its own ETA column and less room: a compact description.
        string Short() => string.Create(CultureInfo.InvariantCulture,
            $"{_trainer.Steps}/{_config.Steps} · {Fps():F0} steps/s · ep {Show(lastEpisode)} · eval {Show(_trainer.LastEvaluation?.MeanReturn ?? double.NaN)}");

        if (_restartedWithoutCheckpoint && !neverStarted)
            _out.WriteLine($"Resuming {_run.Path}: it has no checkpoint yet, so it starts again from step 0 with its config.json (same seed, same steps).");
        else if (_resumed && !neverStarted)
            _out.WriteLine($"Resuming {_run.Path} at step {_trainer.Steps} of {_config.Steps}.");
        else
            _out.WriteLine($"Training SAC {_config.Algo} on {_config.Env} for {_config.Steps} steps (seed {_config.Seed}); run directory {_run.Path}");

        void TrainLoop(Action<string>? update)
        {
            var lastDisplay = Stopwatch.StartNew();
            while (!_trainer.IsFinished && !cancellation.IsCancellationRequested)
            {
                _trainer.Step();
                if (InterruptAtStepForTesting is long stop && _trainer.Steps >= stop)
                    interruption.Request("test", 130);
                if (_trainer.Crossed(_config.CheckpointEvery) && !_trainer.IsFinished)
                {
                    string written = Save(saved);
                    if (update is null)
                        _out.WriteLine($"checkpoint {Path.GetFileName(written)}: {_lastSave}");
                }
                if (lastDisplay.ElapsedMilliseconds >= (update is null ? 10_000 : 200))
                {
                    if (update is null)
                        _out.WriteLine(Line());
                    else
                        update(Line());
                    lastDisplay.Restart();
                }
            }
        }

        if (interactive)
        {
            AnsiConsole.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn { Width = 20 }, new PercentageColumn(),
                    new TextColumn(() => Eta(clock.Elapsed, _trainer.Steps - startSteps, _config.Steps - _trainer.Steps)))
                .Start(ctx =>
                {
                    var task = ctx.AddTask("starting", maxValue: _config.Steps);
                    task.Value = _trainer.Steps;
                    TrainLoop(_ =>
                    {
                        task.Description = Markup.Escape(Short());
                        task.Value = _trainer.Steps;
                    });
                    task.Value = _trainer.Steps;
                    task.Description = Markup.Escape(Short());
                });
        }
        else
            TrainLoop(null);

        string checkpoint = Save(saved);
        if (videos is not null)
        {
            if (_trainer.IsFinished && videos.Pending > 0)
                _out.WriteLine($"Finishing {videos.Pending} video(s) in {_run.Videos} …");
            if (!_trainer.IsFinished)
                videos.Abandon();
            else if (!videos.Complete(cancellation))
                _out.WriteLine($"Stopped ({interruption.Reason}) before every video was made: the videos written are whole, the others were left out.");
            foreach (string message in videos.TakeMessages())
                _out.WriteLine(message);
        }
        if (_lastEvaluation.Count > 0)
            RunDirectory.WriteAtomically(_run.EvalTerms, TermsTable.ToCsv(_lastEvaluation.Take(1).ToArray()));
        string plot = RefreshPage();
        if (!_trainer.IsFinished)
        {
            _out.WriteLine($"Interrupted at step {_trainer.Steps} of {_config.Steps} ({interruption.Reason}). Checkpoint saved to {checkpoint}");
            _out.WriteLine($"Resume with: sac train --resume {_run.Path}");
            return interruption.ExitCode;
        }
        WriteSummary(clock.Elapsed, checkpoint, plot, interactive, videos?.Written, RunHistory.Read(checkpoint));
        lock (_page)
            RunPage.Write(_run.Path); // again: the page shows summary.json's numbers
        return 0;
    }

    /// <summary>What the last checkpoint cost: "2.87 GB written in 3.1 s".</summary>
    private string _lastSave = "";

    /// <summary>Saves a checkpoint atomically; records its size and how long the write took (a Slurm --signal-lead must cover it).</summary>
    private string Save(ICheckpointable saved)
    {
        var clock = Stopwatch.StartNew();
        string directory = CheckpointStore.Save(saved, _run.Checkpoints);
        long bytes = Directory.EnumerateFiles(directory).Sum(f => new FileInfo(f).Length);
        _lastSave = string.Create(CultureInfo.InvariantCulture, $"{FormatBytes(bytes)} written in {clock.Elapsed.TotalSeconds:F1} s");
        return directory;
    }

    private static string FormatBytes(long bytes) => bytes switch
    {
        >= 1_000_000_000 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e9:F2} GB"),
        >= 1_000_000 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e6:F1} MB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e3:F0} kB"),
    };

    /// <summary>The learning curve and the run page, from the files as they are now (on the video thread too); returns the curve's PNG.</summary>
    private string RefreshPage()
    {
        lock (_page)
        {
            string plot = LearningCurve.Render(_run.Progress, $"SAC {_config.Algo} on {_config.Env} (seed {_config.Seed})", _run.Path);
            RunPage.Write(_run.Path);
            return plot;
        }
    }

    /// <summary>
    /// summary.json and the closing table. Wall time and speeds are the whole run's (every resumed segment's training
    /// time, which checkpoints carry), so resuming never resets them; this session's own wall time is given beside them.
    /// </summary>
    private void WriteSummary(TimeSpan session, string checkpoint, string plot, bool interactive, int? videos, RunHistory history)
    {
        TimeSpan wall = _trainer.TrainingTime;
        double fps = _trainer.Steps / Math.Max(wall.TotalSeconds, 1e-9), ups = _trainer.Updates / Math.Max(wall.TotalSeconds, 1e-9);
        var final = _trainer.LastEvaluation!;
        var best = _trainer.BestEvaluation!;
        var summary = new
        {
            env = _config.Env, algo = _config.Algo, seed = _config.Seed, steps = _trainer.Steps, updates = _trainer.Updates,
            finalEvalMean = final.MeanReturn, finalEvalStd = final.StdReturn, finalEvalEpisodes = final.Returns.Count,
            bestEvalMean = best.MeanReturn, bestEvalStep = best.Step,
            wallSeconds = wall.TotalSeconds, stepsPerSecond = fps, updatesPerSecond = ups, threads = _config.Threads,
            sessionWallSeconds = session.TotalSeconds,
        };
        // The machine of the last segment, and every segment's: a run resumed on another kind of CPU has speeds of both.
        var json = JsonSerializer.SerializeToNode(summary)!.AsObject();
        json["machine"] = MachineInfo.Current.ToJson();
        json["sacVersion"] = RunHistory.SacVersion;
        json["segments"] = history.ToJson();
        RunDirectory.WriteAtomically(_run.Summary, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

        var rows = new (string, string)[]
        {
            ("final eval", $"{final.MeanReturn:F1} ± {final.StdReturn:F1} over {final.Returns.Count} episodes (deterministic)"),
            ("best eval", $"{best.MeanReturn:F1} at step {best.Step}"),
            ("wall time", $"{wall.TotalSeconds:F1} s of training{(_resumed ? $" in all ({session.TotalSeconds:F1} s this session)" : "")}"),
            ("speed", $"{fps:F0} env steps/s, {ups:F0} updates/s"),
            ("machine", history.Segments.Select(g => g.Machine.Kind).Distinct().Count() > 1
                ? $"{MachineInfo.Current} (this segment; {history.Segments.Count} segments in all, see summary.json)"
                : MachineInfo.Current.ToString()),
            ("run directory", _run.Path),
            ("learning curve", plot),
            ("run page", _run.Page),
            ("checkpoint", $"{checkpoint} ({_lastSave})"),
        };
        if (videos is int count)
            rows = [.. rows, ("videos", $"{count} in {_run.Videos}")];
        if (interactive)
        {
            var table = new Table().AddColumn("").AddColumn("").HideHeaders().Border(TableBorder.Rounded);
            foreach (var (key, value) in rows)
                table.AddRow(Markup.Escape(key), Markup.Escape(value));
            AnsiConsole.Write(table);
        }
        else
        {
            foreach (var (key, value) in rows)
                _out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{key,-15} {value}"));
        }
    }

    /// <summary>A progress column showing a string computed at each refresh. (Spectre's RemainingTimeColumn overflows a
    /// TimeSpan when --steps is near long.MaxValue.)</summary>
    private sealed class TextColumn(Func<string> text) : ProgressColumn
    {
        public override Spectre.Console.Rendering.IRenderable Render(Spectre.Console.Rendering.RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text(text(), new Style(Color.Blue));
    }

    private static string Show(double value) => double.IsFinite(value) ? value.ToString("F1", CultureInfo.InvariantCulture) : "-";

    /// <summary>"m:ss", "h:mm:ss", or "&gt;99 days" (a --steps near long.MaxValue must not overflow a TimeSpan).</summary>
    internal static string Eta(TimeSpan elapsed, long done, long remaining)
    {
        if (done <= 0)
            return "-";
        double seconds = elapsed.TotalSeconds / done * remaining;
        if (!double.IsFinite(seconds) || seconds > TimeSpan.FromDays(99).TotalSeconds)
            return ">99 days";
        var eta = TimeSpan.FromSeconds(seconds);
        return eta.TotalHours >= 1 ? $"{(int)eta.TotalHours}:{eta.Minutes:D2}:{eta.Seconds:D2}" : eta.ToString(@"m\:ss", CultureInfo.InvariantCulture);
    }
}
