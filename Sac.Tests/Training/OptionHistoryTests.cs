using System.Text.Json;
using System.Text.Json.Nodes;
using Sac.Cli.Runs;
using Sac.Core.Training;

namespace Sac.Tests.Training;

/// <summary>
/// Checkpoints that survive a new option (issue 26): an option a checkpoint predates reads as the value runs had before
/// it, trajectory-neutral options are never compared, and progress.csv written with other columns keeps its rows.
/// </summary>
public class OptionHistoryTests
{
    /// <summary>An options record as a later version might have it: one option as old as the format, one added later
    /// (runs before it behaved as 1; new runs default to 2), one that cannot change a run.</summary>
    private sealed record Probe
    {
        public int Old { get; init; } = 5;

        [PredatingValue(1)]
        public int Added { get; init; } = 2;

        [PredatingValue("White")]
        public Noise Kind { get; init; } = Noise.Pink;

        [TrajectoryNeutral]
        public int Threads { get; init; } = 2;
    }

    private enum Noise { White, Pink }

    private static readonly JsonSerializerOptions s_json = new();

    /// <summary>What a checkpoint of a version before <see cref="Probe.Added"/> and <see cref="Probe.Kind"/> wrote.</summary>
    private static JsonObject Predating(int old = 5, int threads = 1) => new() { ["Old"] = old, ["Threads"] = threads };

    [Test]
    public void FirstDifference_OptionTheCheckpointPredates_ComparesWithItsPredatingValue()
    {
        // The old run behaved as Added = 1 and Kind = White: a run with those values continues it.
        Assert.That(OptionHistory.FirstDifference(new Probe { Added = 1, Kind = Noise.White }, Predating(), s_json), Is.Null);
        // The new defaults would change what the old run computes: refused, naming the option and both values.
        Assert.That(OptionHistory.FirstDifference(new Probe { Kind = Noise.White }, Predating(), s_json), Is.EqualTo(("Added", "1", "2")));
        Assert.That(OptionHistory.FirstDifference(new Probe { Added = 1 }, Predating(), s_json), Is.EqualTo(("Kind", "0", "1")));
    }

    [Test]
    public void FirstDifference_OptionsAsOldAsTheFormat_MustBeRecordedAndEqual()
    {
        var probe = new Probe { Added = 1, Kind = Noise.White };
        Assert.That(OptionHistory.FirstDifference(probe, Predating(old: 6), s_json), Is.EqualTo(("Old", "6", "5")));
        var missing = new JsonObject { ["Threads"] = 1 };
        Assert.That(OptionHistory.FirstDifference(probe, missing, s_json), Is.EqualTo(("Old", "(none)", "5")), "an option with no predating value cannot be guessed");
    }

    [Test]
    public void FirstDifference_TrajectoryNeutralOption_IsNeverCompared()
    {
        var probe = new Probe { Added = 1, Kind = Noise.White, Threads = 7 };
        Assert.That(OptionHistory.FirstDifference(probe, Predating(threads: 1), s_json), Is.Null);
    }

    [Test]
    public void SacOptions_OnlyThreadsIsTrajectoryNeutral_AndTrainerOnlyTotalSteps()
    {
        static string[] Neutral(Type record) => record.GetProperties().Where(p => p.CanWrite && !OptionHistory.AffectsTrajectory(p)).Select(p => p.Name).ToArray();
        Assert.That(Neutral(typeof(Sac.Core.Algorithms.SacOptions)), Is.EqualTo(new[] { "Threads" }));
        Assert.That(Neutral(typeof(TrainerOptions)), Is.EqualTo(new[] { "TotalSteps" }));
    }

    [Test]
    public void ProgressLog_ResumedFileWithOtherColumns_KeepsEveryRowUnderTheCurrentHeader()
    {
        // A progress.csv as an older version wrote it: fewer columns, in another order, and one the current layout lacks.
        string dir = Directory.CreateTempSubdirectory("sac-progress-").FullName;
        try
        {
            string path = Path.Combine(dir, "progress.csv");
            File.WriteAllText(path, "eval/mean_reward,time/total_timesteps,old/column\n-150.5,100,x\n,200,y\n-120,300,z\n-1");
            using (new ProgressLog(path, resumeStep: 200))
            {
            }
            var lines = File.ReadAllLines(path);
            Assert.That(lines[0], Is.EqualTo(string.Join(',', ProgressLog.Columns)));
            int step = Array.IndexOf(ProgressLog.Columns, "time/total_timesteps"), eval = Array.IndexOf(ProgressLog.Columns, "eval/mean_reward");
            Assert.That(lines.Length, Is.EqualTo(3), "the rows up to step 200; the later row and the torn one dropped");
            Assert.That(lines.Skip(1).Select(l => l.Split(',')[step]), Is.EqualTo(new[] { "100", "200" }));
            Assert.That(lines.Skip(1).Select(l => l.Split(',')[eval]), Is.EqualTo(new[] { "-150.5", "" }));
            Assert.That(lines.Skip(1).All(l => l.Split(',').Length == ProgressLog.Columns.Length), Is.True);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
