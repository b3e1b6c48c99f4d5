using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Sac.Cli.Runs;
using Sac.Core.Environments;

namespace Sac.Cli.Commands;

/// <summary>`sac train`: train an agent, or resume an interrupted run.</summary>
public static class TrainCommand
{
    private static readonly Option<string?> Env = new("--env") { Description = "Environment id (see 'sac envs'), e.g. Pendulum-v1." };
    private static readonly Option<string?> Algo = new("--algo") { Description = "v1 (value network, fixed α; the seed paper) or v2 (target Qs, learned α). Default v2." };
    private static readonly Option<long?> Steps = new("--steps") { Description = "Environment steps to train for (on --resume: the new total, to extend a run)." };
    private static readonly Option<int?> Seed = new("--seed") { Description = "The one seed behind every random draw. Default 0." };
    private static readonly Option<string?> Out = new("--out") { Description = "Run directory (default runs/<env>-<algo>-<seed>-<timestamp>). Must be new or empty." };
    private static readonly Option<string?> Config = new("--config") { Description = "A JSON file of options (keys as in a run's config.json); command-line options override it." };
    private static readonly Option<int?> Threads = new("--threads") { Description = "Threads for the matrix products (results are bitwise identical for any count). Default 1." };
    private static readonly Option<string?> Resume = new("--resume") { Description = "Continue the run in this directory from its newest checkpoint, bitwise as if never stopped." };
    private static readonly Option<int?> EvalEvery = new("--eval-every") { Description = "Evaluate the deterministic policy every N steps (0: only at the end)." };
    private static readonly Option<int?> EvalEpisodes = new("--eval-episodes") { Description = "Episodes per evaluation. Default 10." };
    private static readonly Option<int?> CheckpointEvery = new("--checkpoint-every") { Description = "Checkpoint every N steps (0: only at the end and on Ctrl-C)." };
    private static readonly Option<double?> Gamma = new("--gamma") { Description = "Discount γ. Default 0.99." };
    private static readonly Option<double?> Tau = new("--tau") { Description = "Polyak rate τ of the target networks. Default 0.005." };
    private static readonly Option<int?> BatchSize = new("--batch-size") { Description = "Minibatch size. Default 256." };
    private static readonly Option<string?> Hidden = new("--hidden") { Description = "Hidden layer sizes, comma-separated. Default 256,256." };
    private static readonly Option<double?> Lr = new("--lr") { Description = "Set all four learning rates (actor, critic, value, α)." };
    private static readonly Option<double?> ActorLr = new("--actor-lr") { Description = "Policy learning rate. Default 3e-4." };
    private static readonly Option<double?> CriticLr = new("--critic-lr") { Description = "Critic learning rate. Default 3e-4." };
    private static readonly Option<double?> ValueLr = new("--value-lr") { Description = "Value-network learning rate (v1). Default 3e-4." };
    private static readonly Option<double?> AlphaLr = new("--alpha-lr") { Description = "Temperature learning rate (v2). Default 3e-4." };
    private static readonly Option<double?> Alpha = new("--alpha") { Description = "Fixed temperature α (v1, or v2 with --learn-alpha false); 1/α is the paper's reward scale. Default 0.2." };
    private static readonly Option<bool?> LearnAlpha = new("--learn-alpha") { Description = "v2: learn α toward the target entropy. Default true." };
    private static readonly Option<double?> InitialAlpha = new("--initial-alpha") { Description = "v2: initial α when learned. Default 1." };
    private static readonly Option<double?> TargetEntropy = new("--target-entropy") { Description = "v2: target entropy H̄. Default −dim(A)." };
    private static readonly Option<double?> MaxGradNorm = new("--max-grad-norm") { Description = "Clip each network's gradient norm (default: no clipping)." };
    private static readonly Option<int?> BufferSize = new("--buffer-size") { Description = "Replay capacity. Default 1000000." };
    private static readonly Option<int?> LearningStarts = new("--learning-starts") { Description = "Uniform random steps before learning. Default 100." };
    private static readonly Option<int?> TrainFreq = new("--train-freq") { Description = "Environment steps between update rounds. Default 1." };
    private static readonly Option<int?> GradientSteps = new("--gradient-steps") { Description = "Updates per round. Default 1." };

    /// <summary>Options that may be given with --resume without conflicting: they do not change the trajectory.</summary>
    private static readonly HashSet<string> ResumeAdjustable = ["steps", "threads"];

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var command = new Command("train", "Train a SAC agent. " + EnvironmentProfiles.Describe())
        {
            Env, Algo, Steps, Seed, Out, Config, Threads, Resume, EvalEvery, EvalEpisodes, CheckpointEvery,
            Gamma, Tau, BatchSize, Hidden, Lr, ActorLr, CriticLr, ValueLr, AlphaLr, Alpha, LearnAlpha, InitialAlpha,
            TargetEntropy, MaxGradNorm, BufferSize, LearningStarts, TrainFreq, GradientSteps,
        };
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
        string env = parse.GetValue(Env) ?? (parse.GetValue(Config) is string file && ReadConfigFile(file)["env"] is JsonValue value && value.TryGetValue(out string? fromFile) ? fromFile : null)
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
            foreach (var (key, mine, theirs) in saved.Differences(requested))
            {
                if (!ResumeAdjustable.Contains(key))
                    throw new UsageException($"{OptionName(key)} {Show(theirs)} conflicts with the run's {key} = {Show(mine)} (in {run.Config}); omit it to resume, or start a new run.");
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

    /// <summary>The config with --config's keys and then the command-line options applied.</summary>
    private static RunConfig Overlay(RunConfig config, ParseResult parse)
    {
        if (parse.GetValue(Config) is string file)
            config = OverlayFile(config, file);
        if (parse.GetValue(Env) is string env)
            config = config with { Env = env };
        if (parse.GetValue(Algo) is string algo)
            config = config with { Algo = algo };
        if (parse.GetValue(Steps) is long steps) config = config with { Steps = steps };
        if (parse.GetValue(Seed) is int seed) config = config with { Seed = seed };
        if (parse.GetValue(Threads) is int threads) config = config with { Threads = threads };
        if (parse.GetValue(EvalEvery) is int evalEvery) config = config with { EvalEvery = evalEvery };
        if (parse.GetValue(EvalEpisodes) is int evalEpisodes) config = config with { EvalEpisodes = evalEpisodes };
        if (parse.GetValue(CheckpointEvery) is int checkpointEvery) config = config with { CheckpointEvery = checkpointEvery };
        if (parse.GetValue(Gamma) is double gamma) config = config with { Gamma = gamma };
        if (parse.GetValue(Tau) is double tau) config = config with { Tau = tau };
        if (parse.GetValue(BatchSize) is int batch) config = config with { BatchSize = batch };
        if (parse.GetValue(Hidden) is string hidden) config = config with { Hidden = ParseHidden(hidden) };
        if (parse.GetValue(Lr) is double lr) config = config with { ActorLr = lr, CriticLr = lr, ValueLr = lr, AlphaLr = lr };
        if (parse.GetValue(ActorLr) is double actorLr) config = config with { ActorLr = actorLr };
        if (parse.GetValue(CriticLr) is double criticLr) config = config with { CriticLr = criticLr };
        if (parse.GetValue(ValueLr) is double valueLr) config = config with { ValueLr = valueLr };
        if (parse.GetValue(AlphaLr) is double alphaLr) config = config with { AlphaLr = alphaLr };
        if (parse.GetValue(Alpha) is double alpha) config = config with { Alpha = alpha };
        if (parse.GetValue(LearnAlpha) is bool learnAlpha) config = config with { LearnAlpha = learnAlpha };
        if (parse.GetValue(InitialAlpha) is double initialAlpha) config = config with { InitialAlpha = initialAlpha };
        if (parse.GetValue(TargetEntropy) is double targetEntropy) config = config with { TargetEntropy = targetEntropy };
        if (parse.GetValue(MaxGradNorm) is double maxGradNorm) config = config with { MaxGradNorm = maxGradNorm };
        if (parse.GetValue(BufferSize) is int bufferSize) config = config with { BufferSize = bufferSize };
        if (parse.GetValue(LearningStarts) is int learningStarts) config = config with { LearningStarts = learningStarts };
        if (parse.GetValue(TrainFreq) is int trainFreq) config = config with { TrainFreq = trainFreq };
        if (parse.GetValue(GradientSteps) is int gradientSteps) config = config with { GradientSteps = gradientSteps };
        return config;
    }

    /// <summary>The JSON object of a --config file, with duplicate keys refused.</summary>
    private static JsonObject ReadConfigFile(string file)
    {
        try
        {
            string text = File.ReadAllText(file);
            RefuseDuplicateKeys(text, file);
            return JsonNode.Parse(text) as JsonObject ?? throw new UsageException($"--config {file} must hold a JSON object.");
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            throw new UsageException($"--config {file} cannot be read: {e.Message}");
        }
    }

    private static RunConfig OverlayFile(RunConfig config, string file)
    {
        var overrides = ReadConfigFile(file);
        var current = JsonSerializer.SerializeToNode(config, RunConfig.Json)!.AsObject();
        foreach (var (key, value) in overrides)
        {
            if (!current.ContainsKey(key) || key == "format")
                throw new UsageException($"--config {file}: unknown key '{key}'; valid keys: {string.Join(", ", current.Select(p => p.Key).Where(k => k != "format"))}.");
            if (value is null && key is not ("targetEntropy" or "maxGradNorm"))
                throw new UsageException($"--config {file}: '{key}' cannot be null.");
            current[key] = value?.DeepClone();
        }
        try
        {
            return current.Deserialize<RunConfig>(RunConfig.Json)!;
        }
        catch (JsonException e)
        {
            throw new UsageException($"--config {file}: {e.Message}");
        }
    }

    /// <summary>A key given twice in a JSON object is a mistake whichever value would win: refuse it, naming the key.</summary>
    private static void RefuseDuplicateKeys(string text, string file)
    {
        var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(text), new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var scopes = new Stack<HashSet<string>>();
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    scopes.Push(new HashSet<string>(StringComparer.Ordinal));
                    break;
                case JsonTokenType.EndObject:
                    scopes.Pop();
                    break;
                case JsonTokenType.PropertyName when !scopes.Peek().Add(reader.GetString()!):
                    throw new UsageException($"--config {file}: key '{reader.GetString()}' appears more than once.");
            }
        }
    }

    private static int[] ParseHidden(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var sizes = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out sizes[i]) || sizes[i] < 1)
                throw new UsageException($"--hidden must be positive integers separated by commas (e.g. 256,256), got '{text}'.");
        if (sizes.Length == 0)
            throw new UsageException($"--hidden needs at least one layer size (e.g. 256,256), got '{text}'.");
        return sizes;
    }

    /// <summary>A JSON value as it is typed on the command line: "v1" → v1, [256,256] → 256,256.</summary>
    private static string Show(string json) => json.Trim('"').TrimStart('[').TrimEnd(']');

    /// <summary>"actorLr" → "--actor-lr".</summary>
    private static string OptionName(string key) => "--" + Regex.Replace(key, "([a-z])([A-Z])", "$1-$2").ToLowerInvariant() switch
    {
        "train-freq" => "train-freq",
        var k => k,
    };
}
