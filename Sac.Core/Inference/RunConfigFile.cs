using System.Text.Json;
using Sac.Core.Algorithms;
using Sac.Core.Checkpoints;

namespace Sac.Core.Inference;

/// <summary>
/// What a policy needs from a <c>sac train</c> run directory's config.json: the environment, the algorithm, the hidden
/// sizes and the log σ clamp. NOTE: config.json is declared by the CLI (Sac.Cli's RunOptions, one key per option, in
/// camelCase); these are the keys it writes for those options, and a test ties the two
/// (<c>TrainedPolicy_LoadRun_ReadsTheConfigTheCliWrote</c>). Keys it lacks keep <see cref="SacOptions"/>' defaults, as
/// the CLI's reader does.
/// </summary>
/// <param name="Environment">The environment id.</param>
/// <param name="Algorithm">"SAC v1" or "SAC v2".</param>
/// <param name="HiddenSizes">Hidden layer sizes of every network.</param>
/// <param name="LogStdMin">Lower clamp of the policy's log σ.</param>
/// <param name="LogStdMax">Upper clamp of the policy's log σ.</param>
/// <param name="LogStdBounding">How the policy bounds log σ.</param>
internal sealed record RunConfigFile(string Environment, string Algorithm, int[] HiddenSizes, double LogStdMin, double LogStdMax, Policies.LogStdBounding LogStdBounding)
{
    /// <summary>The run's configuration file.</summary>
    public const string FileName = "config.json";

    /// <summary>The run's checkpoint store (see <see cref="CheckpointStore"/>).</summary>
    public const string CheckpointsDirectory = "checkpoints";

    /// <summary>The format tag of a Sac run's config.json.</summary>
    public const string Format = "sac-run-1";

    /// <summary>Far above any config.json (a few hundred bytes); a bigger file is not one.</summary>
    private const int MaxBytes = 1 << 20;

    /// <summary>Reads <paramref name="path"/>; a <see cref="CheckpointException"/> when it is not a Sac run's config.</summary>
    public static RunConfigFile Read(string path)
    {
        string run = Path.GetDirectoryName(path) ?? path;
        var info = new FileInfo(path);
        // NOTE: a FIFO has length 0 and opening one waits for a writer: only a file with bytes in it is opened.
        if (!info.Exists || info.Length == 0 || info.Length > MaxBytes)
            throw new CheckpointException($"{run} is not a Sac run directory (no Sac {FileName}).");
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointException($"Cannot read {path}: {e.Message}", e);
        }
        try
        {
            // A key given twice is refused, as the CLI refuses it: which value would win is a guess.
            using var json = JsonDocument.Parse(bytes, new JsonDocumentOptions { AllowDuplicateProperties = false });
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("format", out var format) || format.ValueKind != JsonValueKind.String || format.GetString() != Format)
                throw new CheckpointException($"{run} is not a Sac run directory ({path} has no format '{Format}').");
            var defaults = new SacOptions();
            string environment = root.TryGetProperty("env", out var env) && env.ValueKind == JsonValueKind.String && env.GetString() is { Length: > 0 } id
                ? id
                : throw new CheckpointException($"{path} names no environment ('env').");
            string algorithm = root.TryGetProperty("algo", out var algo) ? algo.GetString() ?? "" : "v2";
            if (algorithm is not ("v1" or "v2"))
                throw new CheckpointException($"{path}: 'algo' is '{algorithm}', not v1 or v2.");
            int[] hidden = root.TryGetProperty("hidden", out var sizes) ? sizes.EnumerateArray().Select(s => s.GetInt32()).ToArray() : [.. defaults.HiddenSizes];
            if (hidden.Length == 0 || hidden.Any(h => h < 1))
                throw new CheckpointException($"{path}: 'hidden' must list positive sizes, got [{string.Join(", ", hidden)}].");
            double logStdMin = root.TryGetProperty("logStdMin", out var min) ? min.GetDouble() : defaults.LogStdMin;
            double logStdMax = root.TryGetProperty("logStdMax", out var max) ? max.GetDouble() : defaults.LogStdMax;
            var bounding = defaults.LogStdBounding;
            if (root.TryGetProperty("logStdBounding", out var form))
                bounding = form.ValueKind == JsonValueKind.String && Enum.TryParse(form.GetString(), ignoreCase: true, out Policies.LogStdBounding parsed) && Enum.IsDefined(parsed)
                    ? parsed
                    : throw new CheckpointException($"{path}: 'logStdBounding' is {form.GetRawText()}, not \"clamp\" or \"tanh\".");
            return new RunConfigFile(environment, "SAC " + algorithm, hidden, logStdMin, logStdMax, bounding);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new CheckpointException($"{path} cannot be read as a Sac run's config: {e.Message}", e);
        }
    }
}
