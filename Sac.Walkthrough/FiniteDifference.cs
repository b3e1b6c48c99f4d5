namespace Sac.Walkthrough;

/// <summary>A parameter entry by the engine's names: network, tensor (2l = W_l, 2l + 1 = b_l), row and column.</summary>
internal readonly record struct ParameterRef(string Network, int Tensor, int Row, int Col)
{
    /// <summary>W_l[row, col] of <paramref name="network"/>.</summary>
    public static ParameterRef W(string network, int layer, int row, int col) => new(network, 2 * layer, row, col);

    /// <summary>b_l[col] of <paramref name="network"/>.</summary>
    public static ParameterRef B(string network, int layer, int col) => new(network, 2 * layer + 1, 0, col);

    /// <summary>The engine's tensor name and the index, e.g. q1.0.weight[2,0] or pi.1.bias[1].</summary>
    public string Label => Tensor % 2 == 0
        ? $"{Network}.{Tensor / 2}.weight[{Row},{Col}]"
        : $"{Network}.{Tensor / 2}.bias[{Col}]";

    public double In(HandNetworks networks) => networks[Network].Entry(Tensor, Row, Col);

    public ParameterRef WithNetwork(string network) => this with { Network = network };
}

/// <summary>
/// Central differences (J(x + h) − J(x − h))/2h with h = 1e-6, as torch.autograd.gradcheck, evaluated on the hand
/// forward pass (plain loops: the same digits on every machine). Truncation error ∝ h², rounding error ∝ ε_mach·|J|/h:
/// about 1e-10 here, which is why the finite-difference column agrees with the others to ~1e-8 relative, not 1e-16.
/// </summary>
internal static class FiniteDifference
{
    public const double Step = 1e-6;

    public static double Central(Func<double, double> f, double x0) => (f(x0 + Step) - f(x0 - Step)) / (2 * Step);

    /// <summary>dJ/dp for a parameter entry p, by perturbing it in place (and restoring it).</summary>
    public static double OfParameter(HandNetworks networks, ParameterRef p, Func<HandNetworks, double> loss)
    {
        var net = networks[p.Network];
        double x0 = net.Entry(p.Tensor, p.Row, p.Col);
        double Evaluate(double x)
        {
            net.Entry(p.Tensor, p.Row, p.Col) = x;
            double value = loss(networks);
            net.Entry(p.Tensor, p.Row, p.Col) = x0;
            return value;
        }
        return Central(Evaluate, x0);
    }

    /// <summary>dJ/dm[r, c] for an intermediate value m, given J as a function of m.</summary>
    public static double OfEntry(double[,] m, int r, int c, Func<double[,], double> loss) =>
        Central(x =>
        {
            var copy = (double[,])m.Clone();
            copy[r, c] = x;
            return loss(copy);
        }, m[r, c]);

    /// <summary>dJ/dv[i] for an intermediate vector v, given J as a function of v.</summary>
    public static double OfEntry(double[] v, int i, Func<double[], double> loss) =>
        Central(x =>
        {
            var copy = (double[])v.Clone();
            copy[i] = x;
            return loss(copy);
        }, v[i]);
}
