namespace Sac.Autodiff;

/// <summary>The activation <see cref="Tape{T}.Linear"/> applies to X·W + b.</summary>
public enum Activation
{
    /// <summary>Identity: the layer's output is X·W + b.</summary>
    None = 0,
    /// <summary>max(x, 0), fused into the layer's matrix product (the paper's and SB3's hidden activation).</summary>
    Relu = 1,
    /// <summary>tanh(x), recorded as a <see cref="Tape{T}.Tanh"/> after the product.</summary>
    Tanh = 2,
}
