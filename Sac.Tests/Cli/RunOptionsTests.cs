using System.Reflection;
using System.Text.Json.Nodes;
using Sac.Cli.Runs;
using Sac.Core.Algorithms;
using Sac.Core.Training;

namespace Sac.Tests.Cli;

/// <summary>
/// One declaration per option: every property of <see cref="SacOptions"/> and <see cref="TrainerOptions"/> has exactly
/// one <see cref="RunOptions"/> entry, is reachable from the command line (--name) and from config.json (the same name
/// in camelCase), and shows its record's default in --help.
/// </summary>
[NonParallelizable]
public class RunOptionsTests : CliTestBase
{
    private static IEnumerable<PropertyInfo> RecordProperties() =>
        new[] { typeof(SacOptions), typeof(TrainerOptions) }.SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            .Where(p => p.SetMethod is not null);

    [Test]
    public void EveryRecordProperty_HasExactlyOneOption()
    {
        foreach (var property in RecordProperties())
            Assert.That(RunOptions.All.Count(o => o.Property == property), Is.EqualTo(1), $"{property.DeclaringType!.Name}.{property.Name}");
        Assert.That(RunOptions.All.Select(o => o.Name), Is.Unique);
    }

    /// <summary>A valid value other than the default (and other than Pendulum's profile), for each option's type.</summary>
    private static object NonDefault(RunOption option) => option.Name switch
    {
        "steps" => 3L,
        "eval-every" => 0,
        "eval-episodes" => 1,
        "seed" => 7,
        "threads" => 2,
        "checkpoint-every" => 0,
        "record-every" => 300, // a multiple of the tests' --eval-every 300
        "adam-beta1" => 0.8,
        "adam-beta2" => 0.99,
        "log-std-min" => -10.0,
        "log-std-max" => 1.0,
        "target-entropy" => -0.5,
        "max-grad-norm" => 1.0,
        _ => option.Default switch
        {
            SacVersion => SacVersion.V1,
            Enum e => Enum.GetValues(e.GetType()).Cast<Enum>().First(v => !v.Equals(e)),
            IReadOnlyList<int> => new[] { 8, 8 },
            bool b => !b,
            int i => i + 3,
            double d => d / 2,
            _ => throw new InvalidOperationException($"no test value for --{option.Name}"),
        },
    };

    private static IEnumerable<RunOption> Settable => RunOptions.All.Where(o => !o.Shortcut && o.Name != "env");

    [TestCaseSource(nameof(Settable))]
    public void Option_FromCommandLineAndFromConfigJson_ReachesItsProperty(RunOption option)
    {
        object value = NonDefault(option);
        string text = RunOption.Format(value);
        // Small, fast runs; the option under test overrides any of these.
        string[] Args(string dir, params string[] extra) => TrainArgs(dir, 3, ["--buffer-size", "1000", "--eval-episodes", "1", .. extra]);

        string fromFlag = Path.Combine(Root, "flag");
        var result = Sac(Args(fromFlag, "--" + option.Name, text));
        Assert.That(result.Code, Is.Zero, result.Err);
        Assert.That(ValueIn(fromFlag, option), Is.EqualTo(value), $"--{option.Name} {text}");

        string file = Path.Combine(Root, "options.json");
        File.WriteAllText(file, new JsonObject { [option.Key] = option.ToJson(value) }.ToJsonString());
        string fromFile = Path.Combine(Root, "file");
        var args = Args(fromFile).ToList();
        int at = args.IndexOf("--" + option.Name);
        if (at >= 0)
            args.RemoveRange(at, 2); // the command line would override the file
        result = Sac([.. args, "--config", file]);
        Assert.That(result.Code, Is.Zero, result.Err);
        Assert.That(ValueIn(fromFile, option), Is.EqualTo(value), $"\"{option.Key}\" in --config");
    }

    /// <summary>The option's value in the run's config.json, read back through the record property it names.</summary>
    private static object? ValueIn(string run, RunOption option)
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "config.json")))!.AsObject();
        Assert.That(json.ContainsKey(option.Key), Is.True, $"config.json has the key {option.Key}");
        var config = RunConfig.Load(Path.Combine(run, "config.json"));
        object? value = option.Get(config);
        return value is IReadOnlyList<int> sizes ? sizes.ToArray() : value;
    }

    [Test]
    public void Help_ListsEveryOption_WithItsRecordDefault()
    {
        var help = Sac("train", "--help").Out;
        foreach (var option in RunOptions.All)
        {
            Assert.That(help, Does.Contain("--" + option.Name + " "), option.Name);
            if (option.Property?.DeclaringType is { } record && record != typeof(RunConfig))
            {
                object? recordDefault = option.Property.GetValue(Activator.CreateInstance(record));
                string shown = recordDefault is null ? option.NullMeans! : RunOption.Format(recordDefault);
                Assert.That(help, Does.Contain($"Default {shown}."), $"--{option.Name} shows {record.Name}'s default");
            }
        }
    }

    [Test]
    public void LrShortcut_SetsAllFourRates_AndEachOwnOptionWins()
    {
        string run = Path.Combine(Root, "run");
        Assert.That(Sac(TrainArgs(run, 3, "--eval-episodes", "1", "--lr", "0.002", "--critic-lr", "0.005")).Code, Is.Zero);
        var sac = RunConfig.Load(Path.Combine(run, "config.json")).Sac;
        Assert.That((sac.ActorLearningRate, sac.CriticLearningRate, sac.ValueLearningRate, sac.AlphaLearningRate), Is.EqualTo((0.002, 0.005, 0.002, 0.002)));
    }

    [TestCase("gamma", "1.5", "Invalid --gamma = 1.5")]
    [TestCase("adam-beta2", "1", "Invalid --adam-beta2 = 1")]
    [TestCase("log-std-min", "5", "Invalid --log-std-min = 5")]
    [TestCase("eval-episodes", "0", "Invalid --eval-episodes = 0")]
    [TestCase("batch-size", "x", "--batch-size expects an integer, got 'x'")]
    [TestCase("algo", "v3", "--algo expects one of v1, v2, td3, got 'v3'")]
    public void InvalidValue_MessageNamesTheFlag(string name, string value, string message)
    {
        AssertUsageError(Sac(TrainArgs(Path.Combine(Root, "run"), 3, "--" + name, value)), message);
    }
}
