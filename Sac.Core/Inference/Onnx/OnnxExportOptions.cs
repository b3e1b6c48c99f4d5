namespace Sac.Core.Inference.Onnx;

/// <summary>What <see cref="OnnxPolicyExport"/> puts in the graph besides the deterministic action.</summary>
public sealed record OnnxExportOptions
{
    /// <summary>
    /// Output tanh(μ(s)) in [−1, 1] as <c>action</c>, as Stable-Baselines3's export guide does, and leave the rescaling to
    /// the bounds to the user; false (the default) rescales inside the graph.
    /// </summary>
    public bool Raw { get; init; }

    /// <summary>Also output the Gaussian head before the squash, <c>mean</c> (μ) and <c>log_std</c> (log σ, clamped), so a user can sample.</summary>
    public bool GaussianHead { get; init; }
}
