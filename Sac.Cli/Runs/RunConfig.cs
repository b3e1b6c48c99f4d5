using System.Text.Json;
using System.Text.Json.Nodes;
using Sac.Core.Algorithms;
using Sac.Core.Environments;
using Sac.Core.Training;
using Sac.Render.Video;

namespace Sac.Cli.Runs;

/// <summary>
/// Every effective option of a training run: the algorithm's <see cref="SacOptions"/>, the loop's
/// <see cref="TrainerOptions"/>, and the run's own settings. config.json holds it flat, one key per
/// <see cref="RunOptions"/> entry, so a run can be repeated or resumed from it. Built from the records' defaults, then
/// the environment's profile (<see cref="EnvironmentProfiles"/>), then a --config file, then the command line, each
/// overriding the one before.
/// </summary>
public sealed record RunConfig
{
    /// <summary>The format tag that marks a directory's config.json as a Sac run.</summary>
    public const string CurrentFormat = "sac-run-1";

    /// <summary>Environment id.</summary>
    public string Env { get; init; } = "";

    /// <summary>Checkpoint every this many steps (0: only at the end and on interrupt). 10,000.</summary>
    [TrajectoryNeutral]
    public int CheckpointEvery { get; init; } = 10_000;

    /// <summary>Record the evaluation episodes to video every this many steps, and at the end (0: never). 0.</summary>
    [TrajectoryNeutral]
    public int RecordEvery { get; init; }

    /// <summary>How many of a recorded evaluation's episodes go into its video. 1.</summary>
    [TrajectoryNeutral]
    public int RecordEpisodes { get; init; } = 1;

    /// <summary>The algorithm's options.</summary>
    public SacOptions Sac { get; init; } = new();

    /// <summary>The loop's options.</summary>
    public TrainerOptions Trainer { get; init; } = new();

    /// <summary>The algorithm's name ("v1", "v2", "td3"; <see cref="AlgorithmRegistry"/>).</summary>
    public string Algo => RunOption.Format(Sac.Version);

    /// <summary>Environment steps of the run.</summary>
    public long Steps => Trainer.TotalSteps;

    /// <summary>The run's seed.</summary>
    public int Seed => Trainer.Seed;

    /// <summary>Threads of an update.</summary>
    public int Threads => Sac.Threads;

    /// <summary>
    /// Throws <see cref="UsageException"/> naming the first invalid option by its command-line name: an unknown
    /// environment, an invalid value (the engine's own validation, its property names mapped through
    /// <see cref="RunOptions"/>), or sizes that cannot fit in memory.
    /// </summary>
    public void Validate()
    {
        if (!EnvironmentRegistry.Ids.Contains(Env))
            throw new UsageException($"Unknown environment '{Env}'; valid ids: {string.Join(", ", EnvironmentRegistry.Ids)}.");
        if (CheckpointEvery < 0)
            throw new UsageException($"--checkpoint-every must be ≥ 0, got {CheckpointEvery}.");
        if (RecordEvery < 0)
            throw new UsageException($"--record-every must be ≥ 0 (0: no videos), got {RecordEvery}.");
        if (RecordEpisodes is < 1 or > Evaluation.MaxEpisodes)
            throw new UsageException($"--record-episodes must be between 1 and {Evaluation.MaxEpisodes}, got {RecordEpisodes}.");
        if (RecordEvery > 0 && Trainer.EvalEvery > 0 && RecordEvery % Trainer.EvalEvery != 0)
            throw new UsageException($"--record-every {RecordEvery} must be a multiple of --eval-every {Trainer.EvalEvery}: the videos are of the evaluation episodes.");
        Engine(typeof(SacOptions), Sac.Validate);
        Engine(typeof(TrainerOptions), Trainer.Validate);
        var env = EnvironmentRegistry.Create(Env);
        Engine(typeof(SacOptions), () => SacMemory.Check(env.ObservationSpace.Dimension, env.ActionSpace.Dimension, Sac));
        if (RecordEvery > 0)
        {
            try
            {
                FfmpegEncoder.RequireInstalled();
            }
            catch (VideoException e)
            {
                throw new UsageException($"--record-every: {e.Message}");
            }
        }
    }

    /// <summary>Runs an engine check, rewriting "Invalid Gamma = 2: …" as "Invalid --gamma = 2: …".</summary>
    private static void Engine(Type record, Action check)
    {
        try
        {
            check();
        }
        catch (ArgumentException e)
        {
            string message = e.Message;
            int cut = message.IndexOf(" (Parameter", StringComparison.Ordinal);
            if (cut >= 0)
                message = message[..cut];
            if (RunOptions.FlagFor(record, e.ParamName) is string flag)
                message = message.Replace($" {e.ParamName} ", $" {flag} ", StringComparison.Ordinal);
            throw new UsageException(message);
        }
    }

    /// <summary>This config with <paramref name="values"/> (option → JSON value) applied in <see cref="RunOptions"/>
    /// order; an unknown key is a <see cref="UsageException"/> naming <paramref name="source"/>.</summary>
    public RunConfig With(JsonObject values, string source)
    {
        foreach (var (key, _) in values)
            if (key != "format" && RunOptions.Find(key) is null)
                throw new UsageException($"{source}: unknown key '{key}'; valid keys: {string.Join(", ", RunOptions.All.Select(o => o.Key))}.");
        var config = this;
        foreach (var option in RunOptions.All)
            if (values.TryGetPropertyValue(option.Key, out var node))
                config = option.Set(config, option.FromJson(node, source));
        return config;
    }

    /// <summary>This config as config.json: the format tag, then every option but the shortcuts, in table order.</summary>
    public string ToJson()
    {
        var json = new JsonObject { ["format"] = CurrentFormat };
        foreach (var option in RunOptions.All.Where(o => !o.Shortcut))
            json[option.Key] = option.ToJson(option.Get(this));
        return json.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>Reads a complete config.json (as written by a run). A key it lacks is an option added after the run
    /// was made: it reads as the value runs had before that option (<see cref="RunOption.TryGetPredatingValue"/>), else
    /// as the records' default.</summary>
    public static RunConfig Load(string path)
    {
        // Bounded, and a key given twice is refused (which value would win is a guess).
        JsonObject json = JsonFile.ReadObject(path, $"run config {path}");
        string? format = json["format"] is JsonValue tag && tag.TryGetValue(out string? f) ? f : null;
        if (format != CurrentFormat)
            throw new UsageException($"{path} is not a Sac run config (format '{format}', expected '{CurrentFormat}').");
        var config = new RunConfig();
        foreach (var option in RunOptions.All)
            if (!json.ContainsKey(option.Key) && option.TryGetPredatingValue(out object? predating))
                config = option.Set(config, predating);
        return config.With(json, path);
    }

    /// <summary>The options (not shortcuts) whose values differ between this config and <paramref name="other"/>.</summary>
    public IEnumerable<(RunOption Option, string Mine, string Theirs)> Differences(RunConfig other)
    {
        foreach (var option in RunOptions.All.Where(o => !o.Shortcut))
        {
            string mine = RunOption.Format(option.Get(this)), theirs = RunOption.Format(option.Get(other));
            if (mine != theirs)
                yield return (option, mine, theirs);
        }
    }
}

/// <summary>A usage error: bad input from the user. The CLI prints its message on one line and exits with code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
