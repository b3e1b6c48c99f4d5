using System.CommandLine;
using System.Globalization;
using Sac.Cli.Runs;
using Sac.Core.Environments;
using Sac.Core.Training;
using Sac.Render;
using Sac.Render.Recording;
using Sac.Render.Scenes;
using Sac.Render.Video;

namespace Sac.Cli.Commands;

/// <summary>`sac render`: play deterministic episodes of a run's checkpoint and write them as a video (or one frame as a PNG).</summary>
public static class RenderCommand
{
    /// <summary>The most episodes one video holds (every frame is kept in memory until it is encoded).</summary>
    public const int MaxEpisodes = 100;

    private static readonly Option<int> Episodes = new("--episodes") { Description = "Episodes to play, one after another in the video.", DefaultValueFactory = _ => 1 };
    private static readonly Option<int> Seed = new("--seed") { Description = "Seed of the first episode's reset (the policy acts deterministically, tanh(μ(s))).", DefaultValueFactory = _ => 1_000_000 };
    private static readonly Option<string?> Out = new("--out")
    {
        Description = "The video to write (.webm, .mp4 or .gif), with its per-step rewards <name>.csv and its poster <name>.png beside it; " +
                      "or, with --still, one .png. Default <run>/videos/render-<checkpoint>-seed<seed>.<format>.",
    };
    private static readonly Option<bool> Overwrite = new("--overwrite")
    {
        Description = "Replace the files written (the video, <name>.csv and <name>.png; or the --still picture) if they exist. " +
                      "Without it an existing one is refused, and nothing is written.",
    };
    private static readonly Option<string?> Format = new("--format") { Description = "webm (VP9, the default), mp4 (H.264) or gif, when --out does not say." };
    private static readonly Option<int> Width = new("--width") { Description = "Frame width in pixels (even).", DefaultValueFactory = _ => new RenderSettings().Width };
    private static readonly Option<int> Height = new("--height") { Description = "Frame height in pixels (even).", DefaultValueFactory = _ => new RenderSettings().Height };
    private static readonly Option<int?> Still = new("--still") { Description = "Write only the frame after this many steps of the first episode, as a PNG (0: the reset)." };
    private static readonly Option<bool> NoOverlay = new("--no-overlay") { Description = "Leave out the text (step, return, reward terms)." };

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var command = new Command("render", "Render deterministic episodes of a trained agent to a video: the picture of the environment with the step, the return so far and the reward terms drawn on it.")
        {
            CheckpointOptions.Run, Episodes, Seed, CheckpointOptions.Checkpoint, Out, Overwrite, Format, Width, Height, Still, NoOverlay,
        };
        command.SetAction(parse => CommandGuard.Guard(parse, () => Execute(parse)));
        return command;
    }

    private static int Execute(ParseResult parse)
    {
        var output = parse.InvocationConfiguration.Output;
        var run = CheckpointOptions.RunDirectoryOf(parse);
        int episodes = CheckpointOptions.Episodes(parse, Episodes, MaxEpisodes);
        int seed = CheckpointOptions.Seed(parse, Seed);
        var settings = new RenderSettings { Width = parse.GetValue(Width), Height = parse.GetValue(Height), Overlay = !parse.GetValue(NoOverlay) };
        try
        {
            settings.Validate();
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--{e.ParamName!.ToLowerInvariant()} {(e.ParamName == nameof(RenderSettings.Width) ? settings.Width : settings.Height)}: must be an even number of pixels from {RenderSettings.MinSize} to {RenderSettings.MaxSize}.");
        }
        int? still = parse.GetValue(Still);
        if (still < 0)
            throw new UsageException($"--still must be ≥ 0 (a step of the first episode), got {still}.");
        if (still is not null && episodes != 1)
            throw new UsageException("--still writes one frame of the first episode; it cannot be combined with --episodes.");
        var found = CheckpointOptions.Find(parse, run);
        var config = found.Config;
        string file = OutputPath(parse, run, found.Name, seed, still);
        if (still is null)
        {
            try
            {
                FfmpegEncoder.RequireInstalled(VideoFormats.FromPath(file)!.Value);
            }
            catch (VideoException e)
            {
                throw new UsageException(e.Message);
            }
        }

        // Inside the run directory the render writes only while holding the run's lock (training holds it while it runs).
        bool inRun = IsInside(file, run.Path);
        using IDisposable? held = inRun ? LockFor(run) : null;

        // Every file to be written is checked before the episodes are played: a refusal costs nothing, and replaces nothing.
        bool overwrite = parse.GetValue(Overwrite);
        RefuseExisting(FilesWritten(file, still), overwrite);
        WritableOutput.NearestDirectory(file, file);
        if (inRun)
            WritableOutput.NearestDirectory(run.Page, run.Page); // refreshed after the video, with its plots, in the run directory itself

        var (checkpoint, trainer) = found.Load();
        // A training run may have pruned the checkpoint found before it was read, and the newer one read instead: the
        // default name says which policy the video shows (in the same directory, so only its files are checked again).
        if (OutputPath(parse, run, checkpoint.Name, seed, still) is var renamed && renamed != file)
        {
            file = renamed;
            RefuseExisting(FilesWritten(file, still), overwrite);
        }
        var videoFiles = still is null ? new VideoFiles(file) : null;

        var environment = (CheckedEnvironment)EnvironmentRegistry.Create(config.Env);
        Scene scene = SceneCatalog.For(environment);
        var recorder = new EpisodeRecorder(environment.Inner, scene, () => new CapturePlan(episodes, WithPictures: true, trainer.Steps));
        EvaluationReport report = Evaluation.Run(trainer.Agent, new CheckedEnvironment(recorder), episodes, deterministic: true, noise: null, trainer.Steps, seed);
        IReadOnlyList<RecordedEpisode> recorded = recorder.TakeRecorded();

        var c = CultureInfo.InvariantCulture;
        string what = string.Create(c, $"{config.Env}, the policy of {checkpoint.Name} ({trainer.Steps} steps), seed {seed}");
        if (still is int step)
        {
            if (step > recorded[0].Length)
                throw new UsageException($"--still {step}: the episode has only {recorded[0].Length} steps.");
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            VideoInfo picture = WhileNoneAppears(() => EpisodeVideo.WriteStill(file, scene, recorded[0], 1, step, settings, overwrite));
            output.WriteLine(string.Create(c, $"wrote {picture.Path}: step {step} of {recorded[0].Length} of an episode of {what} ({settings.Width}×{settings.Height}; return so far {recorded[0].Frames[step].Return:F2}, episode return {recorded[0].Return:F2})"));
        }
        else
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            VideoInfo video = WhileNoneAppears(() => videoFiles!.Write(scene, recorded, settings, overwrite));
            output.WriteLine(string.Create(c,
                $"wrote {video.Path}: {episodes} episode(s) of {what}; {video.Frames} frames of {video.Width}×{video.Height} at {video.Rate.PerSecond:0.##} fps ({video.DurationSeconds:F1} s); " +
                $"return {string.Join(", ", report.Returns.Select(r => r.ToString("F2", c)))}"));
            output.WriteLine($"per-step rewards: {videoFiles!.Table}, poster: {videoFiles.Poster}");
        }
        if (inRun)
            output.WriteLine($"run page: {RunPage.Write(run.Path)}");
        return 0;
    }

    /// <summary>--out, checked against --format and --still; or the default under the run's videos/.</summary>
    private static string OutputPath(ParseResult parse, RunDirectory run, string checkpoint, int seed, int? still)
    {
        string? format = parse.GetValue(Format);
        VideoFormat? named = format is null ? null : VideoFormats.Parse(format) ?? throw new UsageException($"--format expects webm, mp4 or gif, got '{format}'.");
        if (still is not null && named is not null)
            throw new UsageException("--still writes a PNG; it cannot be combined with --format.");
        if (parse.GetValue(Out) is string given)
        {
            string path = Path.GetFullPath(given);
            if (Directory.Exists(path))
                throw new UsageException($"--out {given} is a directory; give a file name.");
            if (still is not null)
                return Path.GetExtension(path).Equals(".png", StringComparison.OrdinalIgnoreCase) ? path : throw new UsageException($"--out {given}: --still writes a PNG, so the name must end in .png.");
            VideoFormat fromName = VideoFormats.FromPath(path) ?? throw new UsageException($"--out {given}: the name must end in .webm, .mp4 or .gif.");
            if (named is { } n && n != fromName)
                throw new UsageException($"--out {given} is a {fromName.Extension()} file but --format is {format}.");
            return path;
        }
        string name = string.Create(CultureInfo.InvariantCulture, $"render-{checkpoint}-seed{seed}");
        return Path.Combine(run.Videos, still is int step
            ? string.Create(CultureInfo.InvariantCulture, $"{name}-step{step}.png")
            : name + (named ?? VideoFormat.WebM).Extension());
    }

    /// <summary>What a render to <paramref name="file"/> writes: the video, its <c>name.csv</c> and <c>name.png</c>; or the --still picture.</summary>
    private static IReadOnlyList<string> FilesWritten(string file, int? still) => still is null ? new VideoFiles(file).All : [file];

    /// <summary>
    /// A usage error naming every one of <paramref name="files"/> that exists, unless <paramref name="overwrite"/>; and
    /// always for one that is a directory (no file can replace it).
    /// </summary>
    private static void RefuseExisting(IReadOnlyList<string> files, bool overwrite)
    {
        if (files.FirstOrDefault(Directory.Exists) is string directory)
            throw new UsageException($"{directory} is a directory, so the render cannot be written there; choose another --out.");
        if (overwrite)
            return;
        string[] existing = files.Where(File.Exists).ToArray();
        if (existing.Length == 0)
            return;
        string what = files.Count == 1
            ? "it is replaced only with --overwrite"
            : "'sac render' writes a video with <name>.csv and <name>.png beside it and replaces none of them without --overwrite";
        throw new UsageException($"{string.Join(" and ", existing)} already exist{(existing.Length == 1 ? "s" : "")}; {what} (or choose another --out).");
    }

    /// <summary>Runs the write; a file that appeared meanwhile (another process) is refused as <see cref="RefuseExisting"/> refuses it.</summary>
    private static T WhileNoneAppears<T>(Func<T> write)
    {
        try
        {
            return write();
        }
        catch (OutputExistsException e)
        {
            throw new UsageException($"{e.Path} appeared while the episodes were rendered, and is not replaced without --overwrite; nothing was written.");
        }
    }

    private static IDisposable LockFor(RunDirectory run)
    {
        try
        {
            return run.Lock();
        }
        catch (UsageException e)
        {
            throw new UsageException($"{e.Message} To render while it trains, write outside the run directory with --out.");
        }
    }

    private static bool IsInside(string file, string directory)
    {
        string relative = Path.GetRelativePath(directory, file);
        return !relative.StartsWith("..", StringComparison.Ordinal) && !Path.IsPathRooted(relative);
    }
}
