using System.Globalization;
using Sac.Core.Algorithms;
using Sac.Core.Checkpoints;
using Sac.Core.Environments;
using Sac.Core.Policies;
using Sac.Core.Training;

namespace Sac.Core.Inference;

// Loading: from a model file, a run directory or a live policy, with every check made before the policy exists.
public sealed partial class TrainedPolicy
{
    /// <summary>
    /// Loads the policy network of a <c>model.safetensors</c> (the <c>pi.0</c>, <c>pi.1</c>, … layers in PyTorch's
    /// nn.Linear layout, the last giving [μ ‖ log σ]), without the training state. Refused with a
    /// <see cref="CheckpointException"/> whose message is one line naming the file: a missing, empty or oversized file,
    /// one that is not an intact Sac safetensors file (its whole-file SHA-256 does not match), one with no policy or
    /// layers that do not chain, a non-finite weight, a network that does not match <paramref name="options"/> (hidden
    /// sizes, observation or action dimension), and a model that is not the one its checkpoint's training state records
    /// (when <c>training_state.safetensors</c> sits beside it).
    /// </summary>
    public static TrainedPolicy Load(string modelPath, TrainedPolicyOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        options ??= new TrainedPolicyOptions();
        var file = PolicyFile.Read(modelPath);
        var (weights, biases) = file.PolicyNetwork();
        return Create(weights, biases, options, file, defaultLogStd: (new SacOptions().LogStdMin, new SacOptions().LogStdMax), new SacOptions().LogStdBounding);
    }

    /// <summary>
    /// Loads the policy of a run directory written by <c>sac train</c>: its checkpoint <paramref name="checkpoint"/>
    /// (e.g. <c>step-0000010000</c>; the newest when null), with the environment, algorithm, hidden sizes and log σ
    /// clamp of its config.json, and the environment's spaces. Those come from <see cref="EnvironmentRegistry"/> (register
    /// the MuJoCo tasks first with Sac.Mujoco's <c>MujocoEnvironments.Register()</c>), unless
    /// <paramref name="actionSpace"/> is given, which spares creating the environment. Refused as <see cref="Load"/>
    /// refuses, and for a directory that is not a Sac run or has no such checkpoint.
    /// </summary>
    public static TrainedPolicy LoadRun(string runDirectory, string? checkpoint = null, Box? actionSpace = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(runDirectory);
        var config = RunConfigFile.Read(Path.Combine(runDirectory, RunConfigFile.FileName));
        string directory = CheckpointStore.Resolve(Path.Combine(runDirectory, RunConfigFile.CheckpointsDirectory), checkpoint);
        Box? observationSpace = null;
        if (actionSpace is null)
        {
            IEnvironment environment;
            try
            {
                environment = EnvironmentRegistry.Create(config.Environment);
            }
            catch (EnvironmentException e)
            {
                throw new CheckpointException($"{runDirectory} was trained on {config.Environment}, which is not registered here, so its action bounds are unknown: " +
                                              $"register it first (the MuJoCo tasks: Sac.Mujoco's MujocoEnvironments.Register()) or pass its action space. ({e.Message})", e);
            }
            observationSpace = environment.ObservationSpace;
            actionSpace = environment.ActionSpace;
        }
        return Load(Path.Combine(directory, Trainer.ModelFileName), new TrainedPolicyOptions
        {
            EnvironmentId = config.Environment,
            Algorithm = config.Algorithm,
            ObservationSpace = observationSpace,
            ActionSpace = actionSpace,
            HiddenSizes = config.HiddenSizes,
            LogStdMin = config.LogStdMin,
            LogStdMax = config.LogStdMax,
            LogStdBounding = config.LogStdBounding,
        });
    }

    /// <summary>
    /// A copy of <paramref name="policy"/>'s network as it is now (later training does not change it), for acting or
    /// exporting a policy trained in this process, e.g. <c>TrainedPolicy.FromPolicy(trainer.Agent.Policy, …)</c>.
    /// Its log σ clamp is the policy's own; <paramref name="options"/> may not give another.
    /// </summary>
    /// <exception cref="ArgumentException">The options do not match the policy.</exception>
    public static TrainedPolicy FromPolicy(TanhGaussianPolicy<float> policy, TrainedPolicyOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        options ??= new TrainedPolicyOptions();
        if ((options.LogStdMin is double min && (float)min != policy.LogStdMin) || (options.LogStdMax is double max && (float)max != policy.LogStdMax))
            throw new ArgumentException($"The policy clamps log σ to [{policy.LogStdMin}, {policy.LogStdMax}]; the options say otherwise.", nameof(options));
        if (options.LogStdBounding is { } bounding && bounding != policy.Bounding)
            throw new ArgumentException($"The policy bounds log σ by {policy.Bounding}; the options say {bounding}.", nameof(options));
        var layers = policy.Network.Layers;
        var weights = layers.Select(l => l.Weight.Span.ToArray()).ToArray();
        var biases = layers.Select(l => l.Bias.Span.ToArray()).ToArray();
        try
        {
            return Create(weights, biases, options, file: null, defaultLogStd: (policy.LogStdMin, policy.LogStdMax), policy.Bounding);
        }
        catch (CheckpointException e)
        {
            throw new ArgumentException(e.Message, nameof(options), e);
        }
    }

    /// <summary>Checks the network against <paramref name="options"/> and builds the policy; a <see cref="CheckpointException"/> naming the source otherwise.</summary>
    private static TrainedPolicy Create(float[][] weights, float[][] biases, TrainedPolicyOptions options, PolicyFile? file, (double Min, double Max) defaultLogStd, Policies.LogStdBounding defaultBounding)
    {
        string source = file?.Path ?? "The policy";
        int inputs = weights[0].Length / biases[0].Length, actions = biases[^1].Length / 2;
        int[] hidden = biases[..^1].Select(b => b.Length).ToArray();
        if (options.HiddenSizes is { } expected && !expected.SequenceEqual(hidden))
            throw new CheckpointException($"{source} does not match its configuration: its policy's hidden layers are [{List(hidden)}], the configuration's [{List(expected)}].");
        if (options.ObservationSpace is Box observation && observation.Dimension != inputs)
            throw new CheckpointException($"{source} does not match its configuration: its policy takes {inputs} observation values, but {options.EnvironmentId ?? "the observation space"} has {observation.Dimension}.");
        if (options.ActionSpace is Box action)
        {
            if (action.Dimension != actions)
                throw new CheckpointException($"{source} does not match its configuration: its policy gives {actions} action values, but {options.EnvironmentId ?? "the action space"} has {action.Dimension}.");
            for (int j = 0; j < action.Dimension; j++)
                if (!float.IsFinite(action.Low[j]) || !float.IsFinite(action.High[j]))
                    throw new CheckpointException($"Action dimension {j} of {options.EnvironmentId ?? "the action space"} is unbounded; a tanh policy's actions can be rescaled only into finite bounds.");
        }
        double logStdMin = options.LogStdMin ?? defaultLogStd.Min, logStdMax = options.LogStdMax ?? defaultLogStd.Max;
        if (!(double.IsFinite(logStdMin) && double.IsFinite(logStdMax) && logStdMin < logStdMax))
            throw new CheckpointException($"The log σ clamp [{logStdMin}, {logStdMax}] of {source} must be finite with min < max.");
        var bounding = options.LogStdBounding ?? defaultBounding;
        if (!Enum.IsDefined(bounding))
            throw new CheckpointException($"The log σ bounding {bounding} of {source} is not clamp or tanh.");
        return new TrainedPolicy(weights, biases, options, (float)logStdMin, (float)logStdMax, bounding, file);
    }

    private static string List(IEnumerable<int> sizes) => string.Join(", ", sizes.Select(s => s.ToString(CultureInfo.InvariantCulture)));
}
