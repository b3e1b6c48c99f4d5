using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Sac.Cli.Runs;
using Sac.Core.Environments;

namespace Sac.Cli.Commands;

/// <summary>`sac train`: train an agent, or resume an interrupted run.</summary>
public static class TrainCommand
{
    private static readonly Option<string?> Out = new("--out") { Description = "Run directory (default runs/<env>-<algo>-<seed>-<timestamp>). Must be new or empty." };
    private static readonly Option<string?> Config = new("--config") { Description = "A JSON file of options (keys as in a run's config.json); command-line options override it." };
    private static readonly Option<string?> Resume = new("--resume") { Description = "Continue the run in this directory from its newest checkpoint, bitwise as if never stopped." };

    /// <summary>One command-line option per <see cref="RunOptions"/> entry, with the entry's name and help.</summary>
    private static readonly (RunOption Option, Option<string?> Flag)[] Flags = RunOptions.All
        .Select(o => (o, new Option<string?>("--" + o.Name)
        {
            Description = o.Description,
            Arity = o.ValueType == typeof(bool) ? ArgumentArity.ZeroOrOne : ArgumentArity.ExactlyOne,
        }))
        .ToArray();

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var command = new Command("train", "Train a SAC agent. " + EnvironmentProfiles.Describe()) { Out, Config, Resume };
        foreach (var (_, flag) in Flags)
            command.Options.Add(flag);
        command.SetAction(parse => CommandGuard.Guard(parse, () => Execute(parse)));
        return command;
    }

    private static int Execute(ParseResult parse)
    {
        var output = parse.InvocationConfiguration.Output;
        bool resume = parse.GetValue(Resume) is not null;
        // The run directory's lock is held from before the first write until the process ends (the OS drops it if it dies).
        var (run, config, held) = resume ? PrepareResume(parse) : PrepareNewRun(parse);
        using (held)
        using (var interruption = new Interruption())
        {
            var session = new TrainingSession(run, config, resume, output);
            if (resume)
                run.WriteConfig(config); // only now that the checkpoint loaded: a failed resume leaves the directory untouched
            bool interactive = !Console.IsOutputRedirected && ReferenceEquals(output, Console.Out) && Spectre.Console.AnsiConsole.Profile.Capabilities.Interactive;
            return session.Run(interruption, interactive);
        }
    }

    private static (RunDirectory, RunConfig, IDisposable) PrepareNewRun(ParseResult parse)
    {
        // The environment picks the profile the other options are laid over, so it is read first: --env, else --config's "env".
        string env = CommandLineValue(parse, "env") as string ?? (parse.GetValue(Config) is string file && ReadConfigFile(file)["env"] is JsonValue value && value.TryGetValue(out string? fromFile) ? fromFile : null)
            ?? throw new UsageException($"--env is required (one of: {string.Join(", ", EnvironmentRegistry.Ids)}), or --resume DIR to continue a run.");
        if (!EnvironmentRegistry.Ids.Contains(env))
            throw new UsageException($"Unknown environment '{env}'; valid ids: {string.Join(", ", EnvironmentRegistry.Ids)}.");
        var config = Overlay(EnvironmentProfiles.For(env), parse);
        config.Validate();
        var run = parse.GetValue(Out) is string dir ? new RunDirectory(dir, "--out") : RunDirectory.Default(config);
        var held = run.CreateForNewRun();
        try
        {
            run.WriteConfig(config);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            held.Dispose();
            throw new UsageException($"--out {run.Path}: cannot write config.json: {e.Message}");
        }
        return (run, config, held);
    }

    private static (RunDirectory, RunConfig, IDisposable) PrepareResume(ParseResult parse)
    {
        var run = new RunDirectory(parse.GetValue(Resume)!, "--resume");
        if (parse.GetValue(Out) is not null)
            throw new UsageException("--out cannot be combined with --resume: a resumed run continues in its own directory.");
        if (!Directory.Exists(run.Path))
            throw new UsageException($"--resume {run.Path}: no such directory.");
        if (!run.IsSacRun)
            throw new UsageException($"--resume {run.Path} is not a Sac run (no Sac config.json).");
        var held = run.Lock();
        try
        {
            run.RemoveStaleTemporaries();
            var saved = RunConfig.Load(run.Config);
            var requested = Overlay(saved, parse);
            foreach (var (option, mine, theirs) in saved.Differences(requested))
            {
                if (!option.ResumeAdjustable)
                    throw new UsageException($"--{option.Name} {theirs} conflicts with the run's {option.Key} = {mine} (in {run.Config}); omit it to resume, or start a new run.");
            }
            requested.Validate();
            return (run, requested, held);
        }
        catch
        {
            held.Dispose();
            throw;
        }
    }

    /// <summary>The config with --config's keys and then the command-line options applied, each in table order.</summary>
    private static RunConfig Overlay(RunConfig config, ParseResult parse)
    {
        if (parse.GetValue(Config) is string file)
            config = config.With(ReadConfigFile(file), $"--config {file}");
        foreach (var (option, _) in Flags)
            if (parse.GetResult(FlagOf(option)) is not null)
                config = option.Set(config, CommandLineValue(parse, option.Name));
        return config;
    }

    private static Option<string?> FlagOf(RunOption option) => Flags.First(f => f.Option == option).Flag;

    /// <summary>The parsed value of --<paramref name="name"/>, or null when it was not given.</summary>
    private static object? CommandLineValue(ParseResult parse, string name)
    {
        var option = RunOptions.Find(name)!;
        return parse.GetResult(FlagOf(option)) is null ? null : option.Parse(parse.GetValue(FlagOf(option)));
    }

    /// <summary>The JSON object of a --config file, with duplicate keys refused.</summary>
    private static JsonObject ReadConfigFile(string file) => JsonFile.ReadObject(file, $"--config {file}");
}
