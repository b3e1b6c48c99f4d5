using System.Numerics;
using Sac.Autodiff;

namespace Sac.Core.Networks;

/// <summary>
/// Twin critics Q_θ1, Q_θ2 (Fujimoto et al. 2018's clipped double Q, which SAC takes over): two (s, a) → Q networks
/// of one shape over one flat buffer θ = θ1 ‖ θ2, so one Adam pass and one Polyak pass cover both. SAC v1, SAC v2 and
/// TD3 each hold one; v2 and TD3 hold a second as the Polyak targets Q_θ̄1, Q_θ̄2 (<see cref="TargetCopy"/>).
/// </summary>
public sealed class TwinCritics<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly int _stateActionSize;
    private readonly IReadOnlyList<int> _hidden;

    /// <summary>
    /// Q_θ1 then Q_θ2, each initialized from <paramref name="rng"/> as PyTorch's nn.Linear is (Q_θ1's draws first). Their
    /// tensors are named <c>q1.*</c> and <c>q2.*</c>, the names checkpoints and PyTorch fixtures use.
    /// </summary>
    /// <param name="stateActionSize">dim(S) + dim(A): the critics read [s ‖ a].</param>
    /// <param name="hidden">The hidden layers' widths.</param>
    /// <param name="rng">The initialization's draws.</param>
    public TwinCritics(int stateActionSize, IReadOnlyList<int> hidden, Rng rng)
        : this(stateActionSize, hidden, nameSuffix: "")
    {
        ArgumentNullException.ThrowIfNull(rng);
        Q1.Initialize(rng);
        Q2.Initialize(rng);
    }

    private TwinCritics(int stateActionSize, IReadOnlyList<int> hidden, string nameSuffix)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        (_stateActionSize, _hidden) = (stateActionSize, hidden);
        int layers = hidden.Count + 1;
        Parameters = new FlatParameters<T>([.. Mlp<T>.Shapes("q1" + nameSuffix, stateActionSize, hidden, 1), .. Mlp<T>.Shapes("q2" + nameSuffix, stateActionSize, hidden, 1)]);
        Q1 = new Mlp<T>(Parameters, 0, layers);
        Q2 = new Mlp<T>(Parameters, 2 * layers, layers);
    }

    /// <summary>Q_θ1 (or Q_θ̄1 of a target copy).</summary>
    public Mlp<T> Q1 { get; }

    /// <summary>Q_θ2 (or Q_θ̄2).</summary>
    public Mlp<T> Q2 { get; }

    /// <summary>θ1 and θ2, back to back.</summary>
    public FlatParameters<T> Parameters { get; }

    /// <summary>
    /// The Polyak targets Q_θ̄1, Q_θ̄2: critics of the same shape whose parameters start as a copy of these
    /// (tensors <c>q1_target.*</c>, <c>q2_target.*</c>). Nothing ties them afterwards: the algorithm moves them.
    /// </summary>
    public TwinCritics<T> TargetCopy()
    {
        var target = new TwinCritics<T>(_stateActionSize, _hidden, nameSuffix: "_target");
        target.Parameters.CopyFrom(Parameters);
        return target;
    }

    /// <summary>
    /// Two critics of this shape reading <paramref name="parameters"/> (a buffer laid out as <see cref="Parameters"/>,
    /// such as an update shard's view of it with its own gradients).
    /// </summary>
    public (Mlp<T> Q1, Mlp<T> Q2) Over(FlatParameters<T> parameters) => (Q1.Over(parameters), Q2.Over(parameters));
}
