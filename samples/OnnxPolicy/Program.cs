// Acts with a Soft Actor-Critic policy exported by `sac export`, in ONNX Runtime alone:
//
//   dotnet run --project samples/OnnxPolicy -- policy.onnx [observations.csv]
//
// It prints what the model's metadata says (environment, spaces, checkpoint), then one action per observation: each
// line of observations.csv is one observation, dim(S) comma-separated numbers (without the file, a zero observation).
// The actions are in the environment's action bounds (an export with --raw gives tanh(μ(s)) in [−1, 1] instead).
using System.Globalization;
using Microsoft.ML.OnnxRuntime;

if (args.Length is < 1 or > 2)
{
    Console.Error.WriteLine("usage: OnnxPolicy policy.onnx [observations.csv]");
    return 2;
}

try
{
    // One thread: a policy this size is a few microseconds of work, less than waking a thread pool.
    using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
    using var session = new InferenceSession(args[0], options);
    var metadata = session.ModelMetadata.CustomMetadataMap;
    int observationSize = session.InputMetadata["obs"].Dimensions[1];
    int actionSize = session.OutputMetadata["action"].Dimensions[1];
    Console.WriteLine($"policy of {metadata["environment"]} ({metadata["algorithm"]}, Sac {metadata["sac_version"]}), checkpoint {metadata["checkpoint"]}, sha256 {metadata["checkpoint_sha256"]}");
    Console.WriteLine($"obs [batch, {observationSize}] -> action [batch, {actionSize}], {metadata["action_output"]}: {metadata["action_space"]}");

    float[][] rows = args.Length == 2
        ? File.ReadLines(args[1]).Where(line => line.Trim().Length > 0)
            .Select(line => line.Split(',').Select(value => float.Parse(value, CultureInfo.InvariantCulture)).ToArray()).ToArray()
        : [new float[observationSize]];
    if (rows.FirstOrDefault(row => row.Length != observationSize) is float[] wrong)
    {
        Console.Error.WriteLine($"an observation has {observationSize} values; one line of {args[1]} has {wrong.Length}");
        return 2;
    }

    // All the observations as one batch: a [rows, dim(S)] tensor over our own array, no copy.
    var observations = rows.SelectMany(row => row).ToArray();
    using var input = OrtValue.CreateTensorValueFromMemory(observations, [rows.Length, observationSize]);
    using var runOptions = new RunOptions();
    using var outputs = session.Run(runOptions, ["obs"], [input], ["action"]);
    ReadOnlySpan<float> actions = outputs[0].GetTensorDataAsSpan<float>();
    for (int r = 0; r < rows.Length; r++)
    {
        var action = actions.Slice(r * actionSize, actionSize).ToArray();
        Console.WriteLine($"action {r}: {string.Join(",", action.Select(a => a.ToString("R", CultureInfo.InvariantCulture)))}");
    }
    return 0;
}
catch (Exception e) when (e is OnnxRuntimeException or IOException or FormatException or KeyNotFoundException)
{
    Console.Error.WriteLine($"OnnxPolicy: {e.Message.ReplaceLineEndings(" ")}");
    return 1;
}
