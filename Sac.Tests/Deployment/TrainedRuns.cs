using Sac.Cli;
using Sac.Cli.Runs;
using Sac.Core.Training;

namespace Sac.Tests.Deployment;

/// <summary>
/// Real `sac train` runs the deployment tests export, load and play, each trained once per test process (the tests only
/// read them; a test that damages one copies it first): a Pendulum policy after about 2,300 updates, and a HalfCheetah and a
/// Humanoid-sized one (256, 256 hidden units: the paper's) after about 200.
/// </summary>
[SetUpFixture]
public sealed class TrainedRuns
{
    private static readonly Lazy<string> s_home = new(() => Directory.CreateTempSubdirectory("sac-deploy-").FullName);
    private static readonly Dictionary<string, Lazy<string>> s_runs = new()
    {
        ["Pendulum-v1"] = Train("Pendulum-v1", "--steps", "2500", "--hidden", "64,64", "--batch-size", "64", "--learning-starts", "200"),
        ["HalfCheetah-v5"] = Train("HalfCheetah-v5", "--steps", "400", "--hidden", "256,256", "--batch-size", "32", "--learning-starts", "200"),
        ["Humanoid-v5"] = Train("Humanoid-v5", "--steps", "400", "--hidden", "256,256", "--batch-size", "32", "--learning-starts", "200"),
    };

    /// <summary>The environments there is a run of.</summary>
    public static IEnumerable<string> Environments => s_runs.Keys;

    /// <summary>The run directory trained on <paramref name="environment"/> (trained now if it is the first ask).</summary>
    public static string Of(string environment)
    {
        // The MuJoCo tasks are known by id to everything that follows (the CLI registers them too).
        Sac.Mujoco.MujocoEnvironments.Register();
        return s_runs[environment].Value;
    }

    /// <summary>The newest checkpoint's directory of <paramref name="run"/>.</summary>
    public static string Checkpoint(string run) => Sac.Core.Checkpoints.CheckpointStore.Resolve(Path.Combine(run, "checkpoints"));

    /// <summary>The model file of <paramref name="run"/>'s newest checkpoint.</summary>
    public static string Model(string run) => Path.Combine(Checkpoint(run), Trainer.ModelFileName);

    /// <summary>A new directory under the runs' home, for a test's own files (deleted with the home).</summary>
    public static string Scratch(string name) => Directory.CreateDirectory(Path.Combine(s_home.Value, $"{name}-{Guid.NewGuid():N}")).FullName;

    /// <summary>A copy of <paramref name="run"/> that a test may damage, at <paramref name="copy"/> (default: a new scratch directory).</summary>
    public static string Copy(string run, string? copy = null)
    {
        copy ??= Scratch("copy");
        foreach (string file in Directory.GetFiles(run, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(copy, Path.GetRelativePath(run, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        return copy;
    }

    /// <summary>The run's effective configuration, as the CLI reads it.</summary>
    public static RunConfig Config(string run) => RunConfig.Load(Path.Combine(run, "config.json"));

    private static Lazy<string> Train(string environment, params string[] options) => new(() =>
    {
        string run = Path.Combine(s_home.Value, environment);
        string[] args = ["train", "--env", environment, "--out", run, "--seed", "7", "--threads", "1", "--buffer-size", "5000",
            "--eval-every", "0", "--eval-episodes", "1", "--checkpoint-every", "0", .. options];
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Program.Run(args, output, error);
        Assert.That(code, Is.Zero, $"sac {string.Join(' ', args)}: {output}{error}");
        return run;
    });

    /// <summary>Deletes the runs once every deployment test has run.</summary>
    [OneTimeTearDown]
    public void DeleteRuns()
    {
        if (s_home.IsValueCreated && Directory.Exists(s_home.Value))
            Directory.Delete(s_home.Value, recursive: true);
    }
}
