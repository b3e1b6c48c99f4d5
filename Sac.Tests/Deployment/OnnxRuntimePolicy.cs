using Microsoft.ML.OnnxRuntime;

namespace Sac.Tests.Deployment;

/// <summary>An exported model in ONNX Runtime (CPU, one thread), run on a batch of observations: the oracle the exports are held to.</summary>
internal sealed class OnnxRuntimePolicy : IDisposable
{
    private readonly InferenceSession _session;

    /// <summary>Loads <paramref name="path"/>.</summary>
    public OnnxRuntimePolicy(string path)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL };
        _session = new InferenceSession(path, options);
    }

    /// <summary>The model's metadata_props, as ONNX Runtime reads them.</summary>
    public IReadOnlyDictionary<string, string> Metadata => _session.ModelMetadata.CustomMetadataMap;

    /// <summary>The graph's inputs with their shapes (−1 for a dynamic dimension).</summary>
    public IReadOnlyDictionary<string, int[]> Inputs => _session.InputMetadata.ToDictionary(i => i.Key, i => i.Value.Dimensions);

    /// <summary>The graph's outputs with their shapes (−1 for a dynamic dimension).</summary>
    public IReadOnlyDictionary<string, int[]> Outputs => _session.OutputMetadata.ToDictionary(o => o.Key, o => o.Value.Dimensions);

    /// <summary>Every output for <paramref name="observations"/> (B rows of <paramref name="size"/>), by name, each B rows long.</summary>
    public Dictionary<string, float[]> Run(float[] observations, int size)
    {
        long rows = observations.Length / size;
        using var input = OrtValue.CreateTensorValueFromMemory(observations, [rows, size]);
        using var runOptions = new RunOptions();
        using var results = _session.Run(runOptions, ["obs"], [input], _session.OutputNames);
        var named = new Dictionary<string, float[]>();
        int i = 0;
        foreach (var result in results)
        {
            var shape = result.GetTensorTypeAndShape().Shape;
            Assert.That(shape[0], Is.EqualTo(rows), $"output {_session.OutputNames[i]} has one row per observation");
            named[_session.OutputNames[i++]] = result.GetTensorDataAsSpan<float>().ToArray();
        }
        return named;
    }

    /// <inheritdoc/>
    public void Dispose() => _session.Dispose();
}
