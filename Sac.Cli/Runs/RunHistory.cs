using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sac.Cli.Runs;

/// <summary>One stretch of a run trained by one process: its steps, its training time, where and with which build.</summary>
/// <param name="FromStep">The step it started at (0, or the checkpoint it resumed).</param>
/// <param name="ToStep">The step of the checkpoint it saved last.</param>
/// <param name="TrainingSeconds">Its training time (as <see cref="Sac.Core.Training.Trainer.TrainingTime"/> counts it).</param>
/// <param name="Machine">The machine it ran on.</param>
/// <param name="SacVersion">The build that ran it (version and commit).</param>
public sealed record RunSegment(long FromStep, long ToStep, double TrainingSeconds, MachineInfo Machine, string SacVersion);

/// <summary>
/// The segments a run was trained in, saved in each checkpoint as <see cref="FileName"/> (inside the checkpoint's
/// directory, so it is committed atomically with it) and copied into summary.json. A long run may be stopped and resumed
/// on several machines; its speed is only meaningful per machine kind. It is informational: a checkpoint without it
/// (written before it existed) resumes with the earlier segments unknown.
/// </summary>
public sealed class RunHistory
{
    /// <summary>The file's name in a checkpoint directory.</summary>
    public const string FileName = "run_history.json";

    private RunHistory(IReadOnlyList<RunSegment> segments) => Segments = segments;

    /// <summary>No segments (a new run, or a checkpoint from before this file).</summary>
    public static RunHistory Empty { get; } = new([]);

    /// <summary>The segments, oldest first.</summary>
    public IReadOnlyList<RunSegment> Segments { get; }

    /// <summary>This build: its informational version, which carries the git commit it was built from.</summary>
    public static string SacVersion { get; } =
        typeof(RunHistory).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>These segments and the current one, from <paramref name="fromStep"/> to <paramref name="toStep"/>.</summary>
    public RunHistory With(long fromStep, long toStep, TimeSpan trainingTime, MachineInfo machine) =>
        new([.. Segments, new RunSegment(fromStep, toStep, Math.Max(0, trainingTime.TotalSeconds), machine, SacVersion)]);

    /// <summary>The history saved in <paramref name="checkpointDirectory"/>; <see cref="Empty"/> when it has none or it cannot be read.</summary>
    public static RunHistory Read(string checkpointDirectory)
    {
        string path = Path.Combine(checkpointDirectory, FileName);
        try
        {
            if (!File.Exists(path) || JsonNode.Parse(File.ReadAllText(path))?["segments"] is not JsonArray array)
                return Empty;
            return new(array.Select(node => new RunSegment(
                node!["fromStep"]!.GetValue<long>(), node["toStep"]!.GetValue<long>(), node["trainingSeconds"]!.GetValue<double>(),
                Machine(node["machine"]!.AsObject()), node["sacVersion"]?.GetValue<string>() ?? "unknown")).ToList());
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or InvalidOperationException or FormatException or NullReferenceException)
        {
            return Empty;
        }
    }

    private static MachineInfo Machine(JsonObject json) => new(
        json["cpu"]?.GetValue<string>() ?? "unknown", json["vendor"]?.GetValue<string>() ?? "unknown", json["family"]?.GetValue<int?>(),
        json["model"]?.GetValue<int?>(), json["kind"]?.GetValue<string>() ?? "unknown", json["isa"]?.GetValue<string>() ?? "unknown",
        json["cores"]?.GetValue<int>() ?? 0);

    /// <summary>Writes the history into <paramref name="directory"/>, flushed to disk (the checkpoint store renames the directory after).</summary>
    public void Write(string directory)
    {
        using var stream = new FileStream(Path.Combine(directory, FileName), FileMode.Create, FileAccess.Write, FileShare.None);
        stream.Write(System.Text.Encoding.UTF8.GetBytes(new JsonObject { ["segments"] = ToJson() }.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n"));
        stream.Flush(flushToDisk: true);
    }

    /// <summary>The segments as a JSON array.</summary>
    public JsonArray ToJson() => new(Segments.Select(s => (JsonNode)new JsonObject
    {
        ["fromStep"] = s.FromStep, ["toStep"] = s.ToStep, ["trainingSeconds"] = s.TrainingSeconds,
        ["stepsPerSecond"] = s.ToStep > s.FromStep && s.TrainingSeconds > 0 ? (s.ToStep - s.FromStep) / s.TrainingSeconds : null,
        ["machine"] = s.Machine.ToJson(), ["sacVersion"] = s.SacVersion,
    }).ToArray());
}
