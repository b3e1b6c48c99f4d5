using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Sac.Core.Checkpoints;
using Sac.Core.Environments;
using Sac.Core.Training;
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
    private readonly Trainer _trainer;
    private readonly TextWriter _out;
    private readonly bool _resumed;

    /// <summary>Builds the trainer for <paramref name="config"/>; with <paramref name="resume"/>, restores the newest checkpoint.</summary>
    public TrainingSession(RunDirectory run, RunConfig config, bool resume, TextWriter output)
    {
        _run = run;
        _config = config;
        _out = output;
        _resumed = resume;
        _trainer = new Trainer(EnvironmentRegistry.Create(config.Env), EnvironmentRegistry.Create(config.Env), config.ToSacOptions(), config.ToTrainerOptions());
        if (resume)
        {
            _trainer.LoadCheckpoint(CheckpointStore.Resolve(run.Checkpoints));
            if (config.Steps < _trainer.Steps)
                throw new UsageException($"--steps {config.Steps} is below the {_trainer.Steps} steps the run has already taken; give a larger total (or omit --steps).");
        }
    }

    /// <summary>Test hook: behave as if Ctrl-C were pressed once the trainer reaches this many steps.</summary>
    internal static long? InterruptAtStepForTesting;

    /// <summary>The trainer (for tests).</summary>
    public Trainer Trainer => _trainer;

    /// <summary>Trains to the end or until <paramref name="cancellation"/>; returns the exit code (0 done, 130 interrupted).</summary>
    public int Run(CancellationToken cancellation, bool interactive)
    {
        long startSteps = _trainer.Steps, startUpdates = _trainer.Updates;
        var clock = Stopwatch.StartNew();
        double Fps() => (_trainer.Steps - startSteps) / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
        double Ups() => (_trainer.Updates - startUpdates) / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
        double lastEpisode = double.NaN;

        using var log = new ProgressLog(_run.Progress, _resumed ? _trainer.Steps : null);
        _trainer.EpisodeCompleted += e =>
        {
            lastEpisode = e.Return;
            log.Episode(e, _trainer, clock.Elapsed, Fps());
        };
        _trainer.EvaluationCompleted += e =>
        {
            log.Evaluation(e, _trainer, clock.Elapsed, Fps());
            if (!interactive)
                _out.WriteLine(Line());
        };
        string Line() => string.Create(CultureInfo.InvariantCulture,
            $"step {_trainer.Steps}/{_config.Steps}  {Fps():F0} steps/s  {Ups():F0} updates/s  " +
            $"episode {Show(lastEpisode)}  eval {Show(_trainer.LastEvaluation?.MeanReturn ?? double.NaN)}  ETA {Eta(clock.Elapsed, _trainer.Steps - startSteps, _config.Steps - _trainer.Steps)}");
        // The live bar has its own ETA column and less room: a compact description.
        string Short() => string.Create(CultureInfo.InvariantCulture,
            $"{_trainer.Steps}/{_config.Steps} · {Fps():F0} steps/s · {Ups():F0} upd/s · ep {Show(lastEpisode)} · eval {Show(_trainer.LastEvaluation?.MeanReturn ?? double.NaN)}");

        if (_resumed)
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
                    break;
                if (_config.CheckpointEvery > 0 && _trainer.Steps % _config.CheckpointEvery == 0 && !_trainer.IsFinished)
                    CheckpointStore.Save(_trainer, _run.Checkpoints);
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
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn { Width = 20 }, new PercentageColumn(), new RemainingTimeColumn())
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

        string checkpoint = CheckpointStore.Save(_trainer, _run.Checkpoints);
        string plot = LearningCurve.Render(_run.Progress, $"SAC {_config.Algo} on {_config.Env} (seed {_config.Seed})", _run.Path);
        if (!_trainer.IsFinished)
        {
            _out.WriteLine($"Interrupted at step {_trainer.Steps} of {_config.Steps}. Checkpoint saved to {checkpoint}");
            _out.WriteLine($"Resume with: sac train --resume {_run.Path}");
            return 130;
        }
        WriteSummary(clock.Elapsed, Fps(), Ups(), checkpoint, plot, interactive);
        return 0;
    }

    private void WriteSummary(TimeSpan wall, double fps, double ups, string checkpoint, string plot, bool interactive)
    {
        var final = _trainer.LastEvaluation!;
        var best = _trainer.BestEvaluation!;
        var summary = new
        {
            env = _config.Env, algo = _config.Algo, seed = _config.Seed, steps = _trainer.Steps, updates = _trainer.Updates,
            finalEvalMean = final.MeanReturn, finalEvalStd = final.StdReturn, finalEvalEpisodes = final.Returns.Count,
            bestEvalMean = best.MeanReturn, bestEvalStep = best.Step,
            wallSeconds = wall.TotalSeconds, stepsPerSecond = fps, updatesPerSecond = ups, threads = _config.Threads,
        };
        File.WriteAllText(_run.Summary, JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true }));

        var rows = new (string, string)[]
        {
            ("final eval", $"{final.MeanReturn:F1} ± {final.StdReturn:F1} over {final.Returns.Count} episodes (deterministic)"),
            ("best eval", $"{best.MeanReturn:F1} at step {best.Step}"),
            ("wall time", $"{wall.TotalSeconds:F1} s{(_resumed ? " (this session)" : "")}"),
            ("speed", $"{fps:F0} env steps/s, {ups:F0} updates/s"),
            ("run directory", _run.Path),
            ("learning curve", plot),
            ("checkpoint", checkpoint),
        };
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

    private static string Show(double value) => double.IsFinite(value) ? value.ToString("F1", CultureInfo.InvariantCulture) : "-";

    private static string Eta(TimeSpan elapsed, long done, long remaining)
    {
        if (done <= 0)
            return "-";
        var eta = TimeSpan.FromSeconds(elapsed.TotalSeconds / done * remaining);
        return eta.TotalHours >= 1 ? eta.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : eta.ToString(@"m\:ss", CultureInfo.InvariantCulture);
    }
}
