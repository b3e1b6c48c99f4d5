namespace Sac.Tests.Kernels;

/// <summary>Plain-loop oracles for the elementwise, matrix and optimizer kernels, computed in double.</summary>
internal static class ElementwiseReference
{
    public static double Softplus(double x) => Math.Log(1 + Math.Exp(x)) is var y && double.IsFinite(y) ? y : x; // direct formula, overflow guarded
    public static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    public static void Adam(double[] p, double[] g, double[] m, double[] v, double lr, double b1, double b2, double eps, long t, double gradScale)
    {
        // Kingma & Ba, Algorithm 1, with PyTorch's placement of ε (outside the square root of the bias-corrected v̂).
        for (int i = 0; i < p.Length; i++)
        {
            double gi = g[i] * gradScale;
            m[i] = b1 * m[i] + (1 - b1) * gi;
            v[i] = b2 * v[i] + (1 - b2) * gi * gi;
            double mHat = m[i] / (1 - Math.Pow(b1, t));
            double vHat = v[i] / (1 - Math.Pow(b2, t));
            p[i] -= lr * mHat / (Math.Sqrt(vHat) + eps);
        }
    }
}
