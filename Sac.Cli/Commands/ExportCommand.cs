using System.CommandLine;
using System.Globalization;
using Sac.Cli.Runs;
using Sac.Core.Environments;
using Sac.Core.Inference;
using Sac.Core.Inference.Onnx;
using Sac.Core.Training;

namespace Sac.Cli.Commands;

/// <summary>`sac export`: write a run's deterministic policy as an ONNX model, for ONNX Runtime and any other runtime.</summary>
public static class ExportCommand
{
    private static readonly Option<string> Out = new("--out") { Description = "The ONNX model to write (e.g. policy.onnx); an existing file is never replaced.", Required = true };
    private static readonly Option<bool> Raw = new("--raw")
    {
        Description = "Output tanh(μ(s)) in [−1, 1] as 'action', as Stable-Baselines3 exports it (rescale to the bounds yourself); " +
                      "by default the graph rescales into the environment's action bounds.",
    };
    private static readonly Option<bool> GaussianHead = new("--gaussian-head")
    {
        Description = "Also output 'mean' (μ) and 'log_std' (log σ, clamped), the Gaussian before the tanh squash, to sample from.",
    };

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var command = new Command("export",
            "Export a run's deterministic policy as an ONNX model (opset 17: Gemm, Relu, Tanh, Mul, Add): input 'obs' [batch, dim(S)], output 'action' [batch, dim(A)].")
        {
            CheckpointOptions.Run, CheckpointOptions.Checkpoint, Out, Raw, GaussianHead,
        };
        command.SetAction(parse => CommandGuard.Guard(parse, () => Execute(parse)));
        return command;
    }

    private static int Execute(ParseResult parse)
    {
        var output = parse.InvocationConfiguration.Output;
        var run = CheckpointOptions.RunDirectoryOf(parse);
        string file = OutPath(parse.GetValue(Out)!);
        // Everything that can refuse the output is asked before the checkpoint is read, and asked again as it is written.
        RefuseExisting(file);
        string directory = WritableOutput.NearestDirectory(file, $"--out {file}");

        var options = new OnnxExportOptions { Raw = parse.GetValue(Raw), GaussianHead = parse.GetValue(GaussianHead) };
        var found = CheckpointOptions.Find(parse, run);
        // NOTE: the exported graph is a squashed-Gaussian policy's ([μ ‖ log σ] head); TD3's deterministic actor is not one.
        if (found.Config.Sac.Version is not (Sac.Core.Algorithms.SacVersion.V1 or Sac.Core.Algorithms.SacVersion.V2))
            throw new UsageException($"--run {run.Path} was trained with {found.Config.Algo}; sac export writes SAC v1 and v2 policies only.");
        var (checkpoint, policy) = found.Read(LoadPolicy);
        byte[] model = OnnxPolicyExport.ToBytes(policy, options);
        Write(file, directory, model);

        var c = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(c, $"{checkpoint.Config.Env} SAC {checkpoint.Config.Algo} {checkpoint.Name} → {file} ({model.Length:N0} bytes, ONNX opset {OnnxPolicyExport.Opset})"));
        output.WriteLine(string.Create(c, $"  input  {OnnxPolicyExport.ObservationInput} [batch, {policy.ObservationSize}] float32"));
        output.WriteLine(options.Raw
            ? string.Create(c, $"  output {OnnxPolicyExport.ActionOutput} [batch, {policy.ActionSize}] = tanh(μ(s)) in [−1, 1] (raw: rescale to {policy.ActionSpace} yourself)")
            : string.Create(c, $"  output {OnnxPolicyExport.ActionOutput} [batch, {policy.ActionSize}] = c + k·tanh(μ(s)) in {policy.ActionSpace}"));
        if (options.GaussianHead)
            output.WriteLine(string.Create(c, $"  output {OnnxPolicyExport.MeanOutput}, {OnnxPolicyExport.LogStdOutput} [batch, {policy.ActionSize}]: μ(s) and log σ(s) ∈ [{policy.LogStdMin}, {policy.LogStdMax}], before the squash"));
        output.WriteLine($"  from   {Path.Combine(checkpoint.Path, Trainer.ModelFileName)} (sha256 {policy.ModelSha256})");
        return 0;
    }

    /// <summary>The policy of <paramref name="checkpoint"/>'s model file, checked against the run's configuration and its environment's spaces.</summary>
    private static TrainedPolicy LoadPolicy(SavedCheckpoint checkpoint)
    {
        var config = checkpoint.Config;
        var environment = EnvironmentRegistry.Create(config.Env);
        return TrainedPolicy.Load(Path.Combine(checkpoint.Path, Trainer.ModelFileName), new TrainedPolicyOptions
        {
            EnvironmentId = config.Env,
            Algorithm = "SAC " + config.Algo,
            ObservationSpace = environment.ObservationSpace,
            ActionSpace = environment.ActionSpace,
            HiddenSizes = config.Sac.HiddenSizes,
            LogStdMin = config.Sac.LogStdMin,
            LogStdMax = config.Sac.LogStdMax,
            LogStdBounding = config.Sac.LogStdBounding,
        });
    }

    private static string OutPath(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new UsageException($"--out needs a file path, got '{path}'.");
        try
        {
            return Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new UsageException($"--out '{path}' is not a valid path: {e.Message}");
        }
    }

    private static void RefuseExisting(string file)
    {
        if (Directory.Exists(file))
            throw new UsageException($"--out {file} is a directory; name the model file to write (e.g. {Path.Combine(file, "policy.onnx")}).");
        if (File.Exists(file) || new FileInfo(file).LinkTarget is not null)
            throw new UsageException($"--out {file} already exists; 'sac export' never replaces a file (remove it or choose another --out).");
    }

    /// <summary>
    /// Writes the model beside its final name, flushed to disk, then moves it there without replacing anything: a reader
    /// never sees half a model, and a file that appeared at --out meanwhile is refused, not replaced.
    /// </summary>
    private static void Write(string file, string existingDirectory, byte[] model)
    {
        string directory = Path.GetDirectoryName(file)!;
        string? created = null;
        if (!Directory.Exists(directory))
        {
            // The topmost directory created, to take away again if the write fails.
            created = directory;
            while (Path.GetDirectoryName(created) is string parent && parent != existingDirectory && !Directory.Exists(parent))
                created = parent;
        }
        string temporary = Path.Combine(directory, $".{Path.GetFileName(file)}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(directory);
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(model);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, file, overwrite: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            bool appeared = File.Exists(file) || Directory.Exists(file);
            Clean(temporary, directory, created);
            throw appeared
                ? new UsageException($"--out {file} appeared while the model was written; it is not replaced, and nothing was written.")
                : new UsageException($"--out {file} cannot be written: {e.Message}");
        }
        catch
        {
            Clean(temporary, directory, created);
            throw;
        }
    }

    /// <summary>Removes the temporary, and the directories created for the model as long as they are empty (another
    /// process may have put something in one meanwhile).</summary>
    private static void Clean(string temporary, string directory, string? created)
    {
        if (File.Exists(temporary))
            File.Delete(temporary);
        for (string? d = directory; created is not null && d is not null; d = d == created ? null : Path.GetDirectoryName(d))
        {
            if (!Directory.Exists(d) || Directory.EnumerateFileSystemEntries(d).Any())
                break;
            Directory.Delete(d);
        }
    }
}
