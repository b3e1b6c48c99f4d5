using System.Text.Json;
using System.Text.Json.Serialization;
using Sac.Core.Algorithms;
using Sac.Core.Training;

namespace Sac.Cli.Runs;

/// <summary>
/// Every effective option of a training run: what config.json holds, so a run can be repeated or resumed from it.
/// Built from the defaults, then the environment's profile (<see cref="EnvironmentProfiles"/>), then a --config file,
/// then the command line, each overriding the one before.
/// </summary>
public sealed record RunConfig
{
    /// <summary>The format tag that marks a directory's config.json as a Sac run.</summary>
    public const string CurrentFormat = "sac-run-1";

    /// <summary>Format tag (<see cref="CurrentFormat"/>).</summary>
    public string Format { get; init; } = CurrentFormat;
    /// <summary>Environment id.</summary>
    public string Env { get; init; } = "";
    /// <summary>"v1" or "v2".</summary>
    public string Algo { get; init; } = "v2";
    /// <summary>The run's seed.</summary>
    public int Seed { get; init; }
    /// <summary>Environment steps.</summary>
    public long Steps { get; init; } = 100_000;
    /// <summary>Threads for the matrix products.</summary>
    public int Threads { get; init; } = 1;
    /// <summary>Evaluate every this many steps (0: only at the end).</summary>
    public int EvalEvery { get; init; } = 1_000;
    /// <summary>Episodes per evaluation.</summary>
    public int EvalEpisodes { get; init; } = 10;
    /// <summary>Checkpoint every this many steps (0: only at the end and on interrupt).</summary>
    public int CheckpointEvery { get; init; } = 10_000;
    /// <summary>Discount γ.</summary>
    public double Gamma { get; init; } = 0.99;
    /// <summary>Polyak τ.</summary>
    public double Tau { get; init; } = 0.005;
    /// <summary>Minibatch size.</summary>
    public int BatchSize { get; init; } = 256;
    /// <summary>Hidden layer sizes.</summary>
    public int[] Hidden { get; init; } = [256, 256];
    /// <summary>Policy learning rate.</summary>
    public double ActorLr { get; init; } = 3e-4;
    /// <summary>Critic learning rate.</summary>
    public double CriticLr { get; init; } = 3e-4;
    /// <summary>Value-network learning rate (v1).</summary>
    public double ValueLr { get; init; } = 3e-4;
    /// <summary>Temperature learning rate (v2).</summary>
    public double AlphaLr { get; init; } = 3e-4;
    /// <summary>Fixed α (v1) / α when not learned.</summary>
    public double Alpha { get; init; } = 0.2;
    /// <summary>Learn α (v2).</summary>
    public bool LearnAlpha { get; init; } = true;
    /// <summary>Initial α when learned.</summary>
    public double InitialAlpha { get; init; } = 1.0;
    /// <summary>Target entropy (null: −dim(A)).</summary>
    public double? TargetEntropy { get; init; }
    /// <summary>Gradient-norm clip (null: none).</summary>
    public double? MaxGradNorm { get; init; }
    /// <summary>Replay capacity.</summary>
    public int BufferSize { get; init; } = 1_000_000;
    /// <summary>Random-action steps before learning.</summary>
    public int LearningStarts { get; init; } = 100;
    /// <summary>Steps between update rounds.</summary>
    public int TrainFreq { get; init; } = 1;
    /// <summary>Updates per round.</summary>
    public int GradientSteps { get; init; } = 1;

    /// <summary>The algorithm's options.</summary>
    public SacOptions ToSacOptions() => new()
    {
        Version = Algo == "v1" ? SacVersion.V1 : SacVersion.V2,
        Gamma = Gamma, Tau = Tau, BatchSize = BatchSize, HiddenSizes = Hidden,
        ActorLearningRate = ActorLr, CriticLearningRate = CriticLr, ValueLearningRate = ValueLr, AlphaLearningRate = AlphaLr,
        Alpha = Alpha, LearnAlpha = LearnAlpha, InitialAlpha = InitialAlpha, TargetEntropy = TargetEntropy, MaxGradNorm = MaxGradNorm,
        BufferSize = BufferSize, LearningStarts = LearningStarts, TrainFrequency = TrainFreq, GradientSteps = GradientSteps, Threads = Threads,
    };

    /// <summary>The loop's options.</summary>
    public TrainerOptions ToTrainerOptions() => new() { TotalSteps = Steps, EvalEvery = EvalEvery, EvalEpisodes = EvalEpisodes, Seed = Seed };

    /// <summary>Throws <see cref="UsageException"/> naming the first invalid option (by its command-line name) and what is valid.</summary>
    public void Validate()
    {
        if (Algo is not ("v1" or "v2"))
            throw new UsageException($"--algo must be v1 or v2, got '{Algo}'.");
        if (!Sac.Core.Environments.EnvironmentRegistry.Ids.Contains(Env))
            throw new UsageException($"Unknown environment '{Env}'; valid ids: {string.Join(", ", Sac.Core.Environments.EnvironmentRegistry.Ids)}.");
        if (CheckpointEvery < 0)
            throw new UsageException($"--checkpoint-every must be ≥ 0, got {CheckpointEvery}.");
        try
        {
            var sac = ToSacOptions();
            sac.Validate();
            ToTrainerOptions().Validate();
            var env = Sac.Core.Environments.EnvironmentRegistry.Create(Env);
            SacMemory.Check(env.ObservationSpace.Dimension, env.ActionSpace.Dimension, sac);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(OptionNames.Rewrite(e.Message));
        }
    }

    /// <summary>JSON settings shared by config files: camelCase keys, unknown keys rejected, indented output.</summary>
    public static JsonSerializerOptions Json { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>Reads a complete config.json (as written by a run).</summary>
    public static RunConfig Load(string path)
    {
        try
        {
            var config = JsonSerializer.Deserialize<RunConfig>(File.ReadAllText(path), Json)
                ?? throw new UsageException($"{path} is empty.");
            if (config.Format != CurrentFormat)
                throw new UsageException($"{path} is not a Sac run config (format '{config.Format}', expected '{CurrentFormat}').");
            return config;
        }
        catch (JsonException e)
        {
            throw new UsageException($"{path} is not a valid run config: {e.Message}");
        }
        catch (IOException e)
        {
            throw new UsageException($"Cannot read {path}: {e.Message}");
        }
    }

    /// <summary>This config as indented JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The options of <paramref name="other"/> that differ from this one's, as (key, this value, other value).</summary>
    public IEnumerable<(string Key, string Mine, string Theirs)> Differences(RunConfig other)
    {
        // Compact values, so a message quoting one (an array of hidden sizes, say) stays on one line.
        var compact = new JsonSerializerOptions(Json) { WriteIndented = false };
        var mine = JsonSerializer.SerializeToElement(this, compact);
        var theirs = JsonSerializer.SerializeToElement(other, compact);
        foreach (var property in mine.EnumerateObject())
        {
            string a = property.Value.GetRawText(), b = theirs.GetProperty(property.Name).GetRawText();
            if (a != b)
                yield return (property.Name, a, b);
        }
    }
}

/// <summary>Maps option property names (in engine messages) to command-line names.</summary>
internal static class OptionNames
{
    private static readonly (string Property, string Option)[] Map =
    [
        ("TotalSteps", "--steps"), ("EvalEvery", "--eval-every"), ("EvalEpisodes", "--eval-episodes"), ("Seed", "--seed"),
        ("Gamma", "--gamma"), ("Tau", "--tau"), ("BatchSize", "--batch-size"), ("HiddenSizes", "--hidden"),
        ("ActorLearningRate", "--actor-lr"), ("CriticLearningRate", "--critic-lr"), ("ValueLearningRate", "--value-lr"),
        ("AlphaLearningRate", "--alpha-lr"), ("InitialAlpha", "--initial-alpha"), ("Alpha", "--alpha"), ("TargetEntropy", "--target-entropy"),
        ("MaxGradNorm", "--max-grad-norm"), ("BufferSize", "--buffer-size"), ("LearningStarts", "--learning-starts"),
        ("TrainFrequency", "--train-freq"), ("GradientSteps", "--gradient-steps"), ("Threads", "--threads"),
    ];

    /// <summary>"Invalid Gamma = 2: …" → "Invalid --gamma = 2: …" (the first property name found).</summary>
    public static string Rewrite(string message)
    {
        int cut = message.IndexOf(" (Parameter", StringComparison.Ordinal);
        if (cut >= 0)
            message = message[..cut];
        foreach (var (property, option) in Map)
            if (message.Contains($" {property} ", StringComparison.Ordinal))
                return message.Replace($" {property} ", $" {option} ", StringComparison.Ordinal);
        return message;
    }
}

/// <summary>A usage error: bad input from the user. The CLI prints its message on one line and exits with code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
