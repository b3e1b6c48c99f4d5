using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using Sac.Core.Environments;

namespace Sac.Core.Inference.Onnx;

/// <summary>
/// Writes a <see cref="TrainedPolicy"/> as an ONNX model (opset 17, IR version 8) of the deterministic policy, with
/// only the operators every runtime supports: Gemm, Relu, Tanh, Mul, Add (and Clip for the optional log σ).
/// <code>
/// obs [batch, dim(S)]
///   → Gemm(pi.0) → Relu → … → Gemm(pi.L, μ rows)               = mean      [batch, dim(A)]   (with GaussianHead)
///   → Tanh                                                    = action    (Raw: in [−1, 1], as SB3 exports it)
///   → Mul(action_scale) → Add(action_offset)                  = action    (default: in the action bounds)
///     Gemm(pi.L, log σ rows) → Clip(log_std_min, log_std_max) = log_std   [batch, dim(A)]   (with GaussianHead)
/// </code>
/// The rescaling is <see cref="ActionScaling"/>'s: action_scale = (high − low)/2, action_offset = (high + low)/2. The
/// hidden layers' initializers are the model file's own tensors (pi.0.weight [out, in], pi.0.bias [out], Gemm with
/// transB = 1, as PyTorch exports nn.Linear); the last layer is split into its μ rows and its log σ rows, so no Slice
/// or Split is needed. The batch dimension is dynamic ("batch"). The model's metadata_props are <see cref="Metadata"/>.
/// <para>
/// The protobuf messages are written by hand (<see cref="ProtobufWriter"/>), with the field numbers of onnx.proto,
/// so the engine needs no ONNX or protobuf package.
/// </para>
/// </summary>
public static class OnnxPolicyExport
{
    /// <summary>The operator set the graph uses (ai.onnx).</summary>
    public const int Opset = 17;

    /// <summary>The IR version of opset 17 (ONNX 1.12).</summary>
    public const long IrVersion = 8;

    /// <summary>The input: observations [batch, dim(S)], float32.</summary>
    public const string ObservationInput = "obs";

    /// <summary>The deterministic action [batch, dim(A)], float32.</summary>
    public const string ActionOutput = "action";

    /// <summary>μ(s) before the squash [batch, dim(A)] (with <see cref="OnnxExportOptions.GaussianHead"/>).</summary>
    public const string MeanOutput = "mean";

    /// <summary>log σ(s), clamped, before the squash [batch, dim(A)] (with <see cref="OnnxExportOptions.GaussianHead"/>).</summary>
    public const string LogStdOutput = "log_std";

    // onnx.proto's enum values.
    private const int FloatType = 1;         // TensorProto.DataType.FLOAT
    private const int IntAttribute = 2;      // AttributeProto.AttributeType.INT

    /// <summary>The ONNX model's bytes.</summary>
    /// <exception cref="ArgumentException">Rescaling was asked of a policy without action bounds.</exception>
    public static byte[] ToBytes(TrainedPolicy policy, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        options ??= new OnnxExportOptions();
        if (!options.Raw && policy.ActionSpace is null)
            throw new ArgumentException("The policy has no action bounds to rescale into: load it with its action space, or export it raw.", nameof(options));
        var graph = Graph(policy, options);
        var model = new ProtobufWriter()
            .Int64(1, IrVersion)                                                  // ModelProto.ir_version
            .String(2, "Sac")                                                     // producer_name
            .String(3, SacVersion)                                                // producer_version
            .String(6, DocString(policy, options))                                // doc_string
            .Message(7, graph.Write)                                              // graph
            .Message(8, opset => opset.String(1, "").Int64(2, Opset));            // opset_import: ai.onnx 17
        foreach (var (key, value) in Metadata(policy, options))
            model.Message(14, entry => entry.String(1, key).String(2, value));    // metadata_props
        return model.ToArray();
    }

    /// <summary>This build of Sac: its informational version, which carries the git commit it was built from.</summary>
    public static string SacVersion { get; } =
        typeof(OnnxPolicyExport).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>
    /// The model's metadata_props, keys with the values they hold (a key whose value is unknown is left out):
    /// <c>environment</c>, <c>algorithm</c>, <c>sac_version</c>, <c>checkpoint</c> (its directory name),
    /// <c>checkpoint_sha256</c> (of the model.safetensors it came from, as sha256sum prints it), <c>observation_space</c>
    /// and <c>action_space</c> (as Sac prints a Box), their bounds <c>observation_low</c>, <c>observation_high</c>,
    /// <c>action_low</c>, <c>action_high</c> (comma-separated, <c>inf</c> for an unbounded side: Python's float() reads
    /// each), <c>action_output</c> (<c>bounds</c> or <c>raw</c>), <c>hidden_sizes</c>, <c>log_std_min</c>, <c>log_std_max</c>.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Metadata(TrainedPolicy policy, OnnxExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(options);
        var metadata = new List<KeyValuePair<string, string>>();
        void Add(string key, string? value)
        {
            if (value is not null)
                metadata.Add(new(key, value));
        }
        Add("environment", policy.EnvironmentId);
        Add("algorithm", policy.Algorithm);
        Add("sac_version", SacVersion);
        Add("checkpoint", policy.Checkpoint);
        Add("checkpoint_sha256", policy.ModelSha256);
        Add("observation_space", policy.ObservationSpace?.ToString());
        Add("observation_low", Numbers(policy.ObservationSpace?.Low.ToArray()));
        Add("observation_high", Numbers(policy.ObservationSpace?.High.ToArray()));
        Add("action_space", policy.ActionSpace?.ToString());
        Add("action_low", Numbers(policy.ActionSpace?.Low.ToArray()));
        Add("action_high", Numbers(policy.ActionSpace?.High.ToArray()));
        Add("action_output", options.Raw ? "raw" : "bounds");
        Add("hidden_sizes", string.Join(",", policy.HiddenSizes.Select(h => h.ToString(CultureInfo.InvariantCulture))));
        Add("log_std_min", Box.FormatNumber(policy.LogStdMin));
        Add("log_std_max", Box.FormatNumber(policy.LogStdMax));
        Add("log_std_bounding", policy.LogStdBounding.ToString().ToLowerInvariant());
        return metadata;
    }

    private static string? Numbers(float[]? values) => values is null ? null : string.Join(",", values.Select(Box.FormatNumber));

    private static string DocString(TrainedPolicy policy, OnnxExportOptions options)
    {
        string action = options.Raw
            ? "action = tanh(mean), in [-1, 1]; rescale it to the action bounds yourself: low + (action + 1) * (high - low) / 2"
            : "action = action_offset + action_scale * tanh(mean), in the action bounds (scale = (high - low) / 2, offset = (high + low) / 2)";
        string heads = options.GaussianHead
            ? "; mean and log_std (clamped to [log_std_min, log_std_max]) are the Gaussian before the squash: a sample is tanh(mean + exp(log_std) * eps), eps ~ N(0, I), then rescaled"
            : "";
        return $"The deterministic policy of Soft Actor-Critic{(policy.EnvironmentId is string id ? $" on {id}" : "")}: mean = MLP(obs) (ReLU hidden layers); {action}{heads}.";
    }

    private static OnnxGraph Graph(TrainedPolicy policy, OnnxExportOptions options)
    {
        var graph = new OnnxGraph("sac_policy");
        int a = policy.ActionSize, last = policy.LayerCount - 1;
        string x = ObservationInput;
        for (int l = 0; l < last; l++)
        {
            var (weight, bias, inputs, outputs) = policy.Layer(l);
            string w = graph.Initializer($"pi.{l}.weight", Transposed(weight.Span, inputs, outputs, 0, outputs), outputs, inputs);
            string b = graph.Initializer($"pi.{l}.bias", bias.Span, outputs);
            x = graph.Node("Relu", $"pi.{l}.relu", graph.Node("Gemm", $"pi.{l}.linear", [x, w, b], transB: true));
        }
        var (lastWeight, lastBias, lastInputs, _) = policy.Layer(last);
        // The last layer's outputs are [μ ‖ log σ]: its first dim(A) rows of nn.Linear.weight give μ, the next log σ.
        string wMean = graph.Initializer($"pi.{last}.weight.mean", Transposed(lastWeight.Span, lastInputs, 2 * a, 0, a), a, lastInputs);
        string bMean = graph.Initializer($"pi.{last}.bias.mean", lastBias.Span[..a], a);
        string mean = graph.Node("Gemm", MeanOutput, [x, wMean, bMean], transB: true);
        if (options.Raw)
            graph.Node("Tanh", ActionOutput, mean);
        else
        {
            var space = policy.ActionSpace!;
            var scale = new float[a];
            var offset = new float[a];
            for (int j = 0; j < a; j++)
            {
                // ActionScaling's float arithmetic: (h + l)/2 + (h − l)/2 · ã.
                offset[j] = (space.High[j] + space.Low[j]) / 2f;
                scale[j] = (space.High[j] - space.Low[j]) / 2f;
            }
            string squashed = graph.Node("Tanh", "tanh_mean", mean);
            string scaled = graph.Node("Mul", "scaled_action", [squashed, graph.Initializer("action_scale", scale, a)]);
            graph.Node("Add", ActionOutput, [scaled, graph.Initializer("action_offset", offset, a)]);
        }
        graph.Input(ObservationInput, policy.ObservationSize);
        graph.Output(ActionOutput, a);
        if (options.GaussianHead)
        {
            string wLogStd = graph.Initializer($"pi.{last}.weight.log_std", Transposed(lastWeight.Span, lastInputs, 2 * a, a, a), a, lastInputs);
            string bLogStd = graph.Initializer($"pi.{last}.bias.log_std", lastBias.Span[a..], a);
            string unclamped = graph.Node("Gemm", "log_std_unclamped", [x, wLogStd, bLogStd], transB: true);
            if (policy.LogStdBounding == Policies.LogStdBounding.Clamp)
            {
                string min = graph.Initializer("log_std_min", [policy.LogStdMin]);
                string max = graph.Initializer("log_std_max", [policy.LogStdMax]);
                graph.Node("Clip", LogStdOutput, [unclamped, min, max]);
            }
            else
            {
                // min + ½(max − min)(tanh x + 1), in the order TrainedPolicy.Heads computes it.
                string squashed = graph.Node("Tanh", "log_std_tanh", unclamped);
                string shifted = graph.Node("Add", "log_std_tanh_plus_one", [squashed, graph.Initializer("one", [1f])]);
                string scaled = graph.Node("Mul", "log_std_scaled", [shifted, graph.Initializer("log_std_half_range", [(policy.LogStdMax - policy.LogStdMin) / 2f])]);
                graph.Node("Add", LogStdOutput, [scaled, graph.Initializer("log_std_min", [policy.LogStdMin])]);
            }
            graph.Output(MeanOutput, a);
            graph.Output(LogStdOutput, a);
        }
        return graph;
    }

    /// <summary>Columns [<paramref name="first"/>, +<paramref name="count"/>) of an inputs × outputs matrix (Sac's W), as
    /// a count × inputs matrix (nn.Linear.weight's rows for those outputs).</summary>
    private static float[] Transposed(ReadOnlySpan<float> weight, int inputs, int outputs, int first, int count)
    {
        var rows = new float[count * inputs];
        for (int o = 0; o < count; o++)
            for (int i = 0; i < inputs; i++)
                rows[o * inputs + i] = weight[i * outputs + first + o];
        return rows;
    }

    /// <summary>A GraphProto under construction: nodes in order, initializers, inputs and outputs.</summary>
    private sealed class OnnxGraph(string name)
    {
        private readonly List<Action<ProtobufWriter>> _nodes = [];
        private readonly List<Action<ProtobufWriter>> _initializers = [];
        private readonly List<Action<ProtobufWriter>> _inputs = [];
        private readonly List<Action<ProtobufWriter>> _outputs = [];

        /// <summary>Adds a float32 initializer of <paramref name="dims"/> (none for a scalar); returns its name.</summary>
        public string Initializer(string tensor, ReadOnlySpan<float> values, params int[] dims)
        {
            if (!BitConverter.IsLittleEndian)
                throw new PlatformNotSupportedException("ONNX raw_data is little-endian; this writer assumes a little-endian machine.");
            byte[] raw = MemoryMarshal.AsBytes(values).ToArray();
            _initializers.Add(t =>
            {
                foreach (int d in dims)
                    t.Int64(1, d);                        // TensorProto.dims
                t.Int64(2, FloatType);                    // data_type
                t.String(8, tensor);                      // name
                t.Bytes(9, raw);                          // raw_data
            });
            return tensor;
        }

        /// <summary>Adds a node of one input; its output is named <paramref name="output"/>, which is returned.</summary>
        public string Node(string op, string output, string input) => Node(op, output, [input]);

        /// <summary>Adds a node; its single output is named <paramref name="output"/>, which is returned.</summary>
        public string Node(string op, string output, string[] inputs, bool transB = false)
        {
            _nodes.Add(n =>
            {
                foreach (string input in inputs)
                    n.String(1, input);                   // NodeProto.input
                n.String(2, output);                      // output
                n.String(3, output);                      // name (the value it makes: unique in this graph)
                n.String(4, op);                          // op_type
                if (transB)
                    n.Message(5, attribute => attribute.String(1, "transB").Int64(3, 1).Int64(20, IntAttribute)); // attribute: name, i, type
            });
            return output;
        }

        /// <summary>Declares graph input <paramref name="value"/>: float32 [batch, <paramref name="columns"/>].</summary>
        public void Input(string value, int columns) => _inputs.Add(ValueInfo(value, columns));

        /// <summary>Declares graph output <paramref name="value"/>: float32 [batch, <paramref name="columns"/>].</summary>
        public void Output(string value, int columns) => _outputs.Add(ValueInfo(value, columns));

        private static Action<ProtobufWriter> ValueInfo(string value, int columns) => v => v
            .String(1, value)                                                     // ValueInfoProto.name
            .Message(2, type => type                                              // type: TypeProto
                .Message(1, tensor => tensor                                      //   tensor_type
                    .Int64(1, FloatType)                                          //     elem_type
                    .Message(2, shape => shape                                    //     shape: TensorShapeProto
                        .Message(1, d => d.String(2, "batch"))                    //       dim: dim_param (dynamic)
                        .Message(1, d => d.Int64(1, columns)))));                 //       dim: dim_value

        /// <summary>Writes the GraphProto's fields.</summary>
        public void Write(ProtobufWriter g)
        {
            foreach (var node in _nodes)
                g.Message(1, node);                       // GraphProto.node
            g.String(2, name);                            // name
            foreach (var initializer in _initializers)
                g.Message(5, initializer);                // initializer
            foreach (var input in _inputs)
                g.Message(11, input);                     // input
            foreach (var output in _outputs)
                g.Message(12, output);                    // output
        }
    }
}
