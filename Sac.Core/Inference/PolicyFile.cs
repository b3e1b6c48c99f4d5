using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json;
using Sac.Core.Checkpoints;
using Sac.Core.Training;

namespace Sac.Core.Inference;

/// <summary>
/// A <c>model.safetensors</c> read whole and verified: its bytes (so the checks, the weights and the SHA-256 all see
/// the same file, whatever is renamed over its path meanwhile), their SHA-256, and the checkpoint it sits in.
/// </summary>
internal sealed class PolicyFile
{
    /// <summary>The most a model file may hold: far above any policy's (a 1024 × 1024 Humanoid's whole model is ~30 MB).</summary>
    public const long MaxBytes = 1L << 30;

    private readonly SafeTensorsFile _tensors;

    private PolicyFile(string path, SafeTensorsFile tensors, string sha256)
    {
        Path = path;
        _tensors = tensors;
        Sha256 = sha256;
        string directory = System.IO.Path.GetFileName(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))) ?? "";
        Checkpoint = CheckpointStore.StepOf(directory) >= 0 ? directory : null;
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>The SHA-256 of its bytes, lowercase hex (what sha256sum prints).</summary>
    public string Sha256 { get; }

    /// <summary>The name of the checkpoint directory it sits in, or null.</summary>
    public string? Checkpoint { get; }

    /// <summary>Reads and verifies <paramref name="path"/>; a <see cref="CheckpointException"/> naming the problem.</summary>
    public static PolicyFile Read(string path)
    {
        if (Directory.Exists(path))
            throw new CheckpointException($"{path} is a directory, not a model file.");
        var info = new FileInfo(path);
        if (!info.Exists)
            throw new CheckpointException($"No model at {path}: the file does not exist.");
        // NOTE: a FIFO or device has length 0 and reading one can wait for ever: only a file with bytes in it is opened.
        if (info.Length == 0)
            throw new CheckpointException($"{path} is empty (or not a regular file); it cannot be a model.");
        if (info.Length > MaxBytes)
            throw new CheckpointException($"{path} holds {info.Length} bytes, more than the {MaxBytes >> 20} MiB a model file may; it is not a Sac model.");
        byte[] bytes;
        try
        {
            bytes = ReadBounded(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointException($"Cannot read {path}: {e.Message}", e);
        }
        var tensors = SafeTensorsFile.Parse(bytes, path);
        var file = new PolicyFile(path, tensors, Convert.ToHexStringLower(SHA256.HashData(bytes)));
        file.RequireItsTrainingState();
        return file;
    }

    private static byte[] ReadBounded(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
        var buffer = new MemoryStream();
        var chunk = new byte[1 << 20];
        int read;
        while ((read = stream.Read(chunk)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxBytes)
                throw new CheckpointException($"{path} grew past {MaxBytes >> 20} MiB while it was read; it is not a Sac model.");
        }
        return buffer.ToArray();
    }

    /// <summary>
    /// The policy's layers, <c>pi.0</c>, <c>pi.1</c>, …: each weight F32 [out, in] (transposed here to Sac's in × out),
    /// each bias F32 [out], each layer's input the previous one's output, the last giving an even 2·dim(A), every value
    /// finite, and no other <c>pi.*</c> tensor.
    /// </summary>
    public (float[][] Weights, float[][] Biases) PolicyNetwork()
    {
        var weights = new List<float[]>();
        var biases = new List<float[]>();
        for (int l = 0; _tensors.Tensors.ContainsKey($"pi.{l}.weight"); l++)
        {
            string w = $"pi.{l}.weight", b = $"pi.{l}.bias";
            var weight = _tensors.Tensors[w];
            if (weight.DType != "F32" || weight.Shape.Length != 2 || weight.Shape[0] < 1 || weight.Shape[1] < 1)
                throw new CheckpointException($"{Path}: tensor '{w}' should be F32 [out, in], but is {weight.DType} [{string.Join(", ", weight.Shape)}].");
            int outputs = checked((int)weight.Shape[0]), inputs = checked((int)weight.Shape[1]);
            if (l > 0 && inputs != biases[^1].Length)
                throw new CheckpointException($"{Path}: layer pi.{l} takes {inputs} inputs but pi.{l - 1} gives {biases[^1].Length}; the layers do not chain.");
            if (!_tensors.Tensors.TryGetValue(b, out var bias) || bias.DType != "F32" || !bias.Shape.SequenceEqual([(long)outputs]))
                throw new CheckpointException($"{Path}: tensor '{b}' should be F32 [{outputs}], but is {(bias is null ? "missing" : $"{bias.DType} [{string.Join(", ", bias.Shape)}]")}.");
            var stored = new float[(long)outputs * inputs];
            _tensors.Read(w, stored);
            // PyTorch's nn.Linear.weight is out × in (y = x·Wᵀ); Sac multiplies by W as in × out (y = x·W).
            var transposed = new float[stored.Length];
            for (int o = 0; o < outputs; o++)
                for (int i = 0; i < inputs; i++)
                    transposed[i * outputs + o] = stored[o * inputs + i];
            var values = new float[outputs];
            _tensors.Read(b, values);
            RequireFinite(transposed, w);
            RequireFinite(values, b);
            weights.Add(transposed);
            biases.Add(values);
        }
        if (weights.Count == 0)
            throw new CheckpointException($"{Path} holds no policy network: a Sac model names its policy's layers pi.0, pi.1, … and it has no 'pi.0.weight'.");
        var layers = Enumerable.Range(0, weights.Count).SelectMany(l => new[] { $"pi.{l}.weight", $"pi.{l}.bias" }).ToHashSet(StringComparer.Ordinal);
        if (_tensors.Tensors.Keys.FirstOrDefault(name => name.StartsWith("pi.", StringComparison.Ordinal) && !layers.Contains(name)) is string extra)
            throw new CheckpointException($"{Path} holds a tensor '{extra}' that is not a layer of its {weights.Count}-layer policy.");
        if (biases[^1].Length % 2 != 0)
            throw new CheckpointException($"{Path}: the policy's last layer gives {biases[^1].Length} values; it must give [μ ‖ log σ], an even number.");
        return (weights.ToArray(), biases.ToArray());
    }

    private void RequireFinite(ReadOnlySpan<float> values, string name)
    {
        if (!System.Numerics.Tensors.TensorPrimitives.IsFiniteAll(values))
            throw new CheckpointException($"{Path}: tensor '{name}' holds a NaN or infinite value; a policy with it would act NaN.");
    }

    /// <summary>
    /// When the checkpoint's training state sits beside the model, the model must be the one it records: a model file
    /// copied in from another checkpoint is intact by its own checksum, and only this pairing tells. NOTE: only the
    /// training state's header is read (the record of the model's checksum), not its whole file, which holds the replay
    /// buffer (gigabytes); <c>sac eval</c> and <c>sac train --resume</c> verify all of it.
    /// </summary>
    private void RequireItsTrainingState()
    {
        string state = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!, Trainer.StateFileName);
        if (!File.Exists(state))
            return;
        string? recorded;
        try
        {
            recorded = RecordedModelChecksum(state);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or InvalidOperationException or FormatException)
        {
            throw new CheckpointException($"{state}, beside {Path}, cannot be read, so the model cannot be matched to its training state ({e.Message}); move the model out of the checkpoint to load it alone.", e);
        }
        if (recorded is null)
            throw new CheckpointException($"{state}, beside {Path}, records no model checksum, so the model cannot be matched to it; move the model out of the checkpoint to load it alone.");
        if (!string.Equals(recorded, _tensors.Metadata[SafeTensorsChecksum.Key], StringComparison.Ordinal))
            throw new CheckpointException($"{Path} does not belong to the training state beside it (it was replaced, or comes from another checkpoint).");
    }

    /// <summary>The <c>modelSha256</c> in the <c>state</c> metadata of a training state's safetensors header.</summary>
    private static string? RecordedModelChecksum(string state)
    {
        using var stream = new FileStream(state, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
        Span<byte> prefix = stackalloc byte[8];
        stream.ReadExactly(prefix);
        ulong length = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (length > SafeTensorsFile.MaxHeaderBytes || (long)length > stream.Length - 8)
            throw new InvalidOperationException($"its header claims {length} bytes");
        var header = new byte[length];
        stream.ReadExactly(header);
        using var json = JsonDocument.Parse(header);
        if (!json.RootElement.TryGetProperty("__metadata__", out var metadata) || !metadata.TryGetProperty("state", out var text))
            return null;
        using var meta = JsonDocument.Parse(text.GetString() ?? "");
        return meta.RootElement.TryGetProperty("modelSha256", out var sha) ? sha.GetString() : null;
    }
}
