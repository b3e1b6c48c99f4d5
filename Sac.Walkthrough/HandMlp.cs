using Sac.Core.Networks;

namespace Sac.Walkthrough;

// The walkthrough's "hand formula" column. Everything in HandMlp, HandPolicy and HandSac is plain double loops over
// double[,] matrices: no tape, no kernels, no SIMD. They implement the formulas docs/walkthrough.md writes out, so that
// the engine's autodiff can be compared with something that shares none of its code.

/// <summary>What a forward pass of a <see cref="HandMlp"/> keeps for its backward pass.</summary>
/// <param name="Inputs">X_l, the input of layer l (X_0 is the network's input).</param>
/// <param name="PreActivations">Z_l = X_l·W_l + b_l.</param>
/// <param name="Output">The network's output: Z of the last layer (it has no activation).</param>
internal sealed record MlpTrace(double[][,] Inputs, double[][,] PreActivations, double[,] Output);

/// <summary>Every gradient a backward pass through a <see cref="HandMlp"/> produces.</summary>
/// <param name="Weights">dJ/dW_l = X_lᵀ·dZ_l.</param>
/// <param name="Biases">dJ/db_l = Σ_rows dZ_l.</param>
/// <param name="PreActivations">dJ/dZ_l (for a hidden layer: dJ/dH_l masked by ReLU′ = [Z_l &gt; 0]).</param>
/// <param name="Outputs">dJ/dH_l, the gradient at the output of layer l (after its activation).</param>
/// <param name="Input">dJ/dX_0 = dZ_0·W_0ᵀ, the gradient with respect to the network's input.</param>
internal sealed record MlpGradients(double[][,] Weights, double[][] Biases, double[][,] PreActivations, double[][,] Outputs, double[,] Input);

/// <summary>
/// An MLP with ReLU hidden layers and a linear output layer, y = x·W + b per layer with W stored in×out: the same
/// network as <see cref="Mlp{T}"/>, written as loops.
/// </summary>
internal sealed class HandMlp
{
    public HandMlp(double[][,] weights, double[][] biases)
    {
        Weights = weights;
        Biases = biases;
    }

    /// <summary>W_l, inputs × outputs.</summary>
    public double[][,] Weights { get; }

    /// <summary>b_l, one per output.</summary>
    public double[][] Biases { get; }

    public int LayerCount => Weights.Length;

    /// <summary>Copies the values of an engine network.</summary>
    public static HandMlp From(Mlp<double> network)
    {
        var weights = new double[network.Layers.Count][,];
        var biases = new double[network.Layers.Count][];
        for (int l = 0; l < network.Layers.Count; l++)
        {
            var layer = network.Layers[l];
            weights[l] = new double[layer.Inputs, layer.Outputs];
            for (int i = 0; i < layer.Inputs; i++)
                for (int j = 0; j < layer.Outputs; j++)
                    weights[l][i, j] = layer.Weight[i, j];
            biases[l] = layer.Bias.Span.ToArray();
        }
        return new HandMlp(weights, biases);
    }

    /// <summary>Writes these values into an engine network of the same shape.</summary>
    public void CopyTo(Mlp<double> network)
    {
        for (int l = 0; l < LayerCount; l++)
        {
            var layer = network.Layers[l];
            for (int i = 0; i < layer.Inputs; i++)
                for (int j = 0; j < layer.Outputs; j++)
                    layer.Weight[i, j] = Weights[l][i, j];
            Biases[l].CopyTo(layer.Bias.Span);
        }
    }

    public HandMlp Clone() =>
        new(Weights.Select(w => (double[,])w.Clone()).ToArray(), Biases.Select(b => (double[])b.Clone()).ToArray());

    /// <summary>
    /// A parameter entry by the engine's tensor numbering (W_0, b_0, W_1, b_1, …): tensor 2l is W_l, 2l + 1 is b_l.
    /// </summary>
    public ref double Entry(int tensor, int row, int col) =>
        ref tensor % 2 == 0 ? ref Weights[tensor / 2][row, col] : ref Biases[tensor / 2][col];

    /// <summary>The forward pass: Z_l = X_l·W_l + b_l; X_{l+1} = relu(Z_l) for hidden layers; output = Z_last.</summary>
    public MlpTrace Forward(double[,] x)
    {
        var inputs = new double[LayerCount][,];
        var pre = new double[LayerCount][,];
        var h = x;
        for (int l = 0; l < LayerCount; l++)
        {
            inputs[l] = h;
            pre[l] = Affine(h, Weights[l], Biases[l]);
            h = l + 1 < LayerCount ? Relu(pre[l]) : pre[l];
        }
        return new MlpTrace(inputs, pre, h);
    }

    /// <summary>The network's output when the value at the input of layer <paramref name="layer"/> is <paramref name="x"/>.</summary>
    public double[,] OutputFromInput(int layer, double[,] x)
    {
        var h = x;
        for (int l = layer; l < LayerCount; l++)
        {
            var z = Affine(h, Weights[l], Biases[l]);
            h = l + 1 < LayerCount ? Relu(z) : z;
        }
        return h;
    }

    /// <summary>The network's output when Z of layer <paramref name="layer"/> is <paramref name="z"/>.</summary>
    public double[,] OutputFromPreActivation(int layer, double[,] z) =>
        layer + 1 < LayerCount ? OutputFromInput(layer + 1, Relu(z)) : z;

    /// <summary>
    /// The backward pass from dJ/d(output), last layer first:
    /// G = dJ/dZ_l (for a hidden layer G = dJ/dH_l ⊙ [Z_l &gt; 0]);  dW_l = X_lᵀ·G,  db_l = Σ_rows G,  dX_l = G·W_lᵀ.
    /// </summary>
    public MlpGradients Backward(MlpTrace trace, double[,] dOutput)
    {
        var dW = new double[LayerCount][,];
        var db = new double[LayerCount][];
        var dZ = new double[LayerCount][,];
        var dH = new double[LayerCount][,];
        var g = dOutput;
        for (int l = LayerCount - 1; l >= 0; l--)
        {
            dH[l] = g;
            if (l + 1 < LayerCount)
                g = ReluBackward(g, trace.PreActivations[l]);
            dZ[l] = g;
            dW[l] = TransposeTimes(trace.Inputs[l], g);
            db[l] = ColumnSums(g);
            g = TimesTranspose(g, Weights[l]);
        }
        return new MlpGradients(dW, db, dZ, dH, g);
    }

    /// <summary>X·W + b (b added to every row).</summary>
    public static double[,] Affine(double[,] x, double[,] w, double[] b)
    {
        int rows = x.GetLength(0), inner = x.GetLength(1), cols = w.GetLength(1);
        var y = new double[rows, cols];
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < cols; j++)
            {
                double sum = b[j];
                for (int i = 0; i < inner; i++)
                    sum += x[r, i] * w[i, j];
                y[r, j] = sum;
            }
        return y;
    }

    /// <summary>max(z, 0) elementwise.</summary>
    public static double[,] Relu(double[,] z)
    {
        var h = (double[,])z.Clone();
        for (int r = 0; r < h.GetLength(0); r++)
            for (int j = 0; j < h.GetLength(1); j++)
                h[r, j] = Math.Max(h[r, j], 0);
        return h;
    }

    /// <summary>dH ⊙ [Z &gt; 0]: the subgradient at Z = 0 is 0, as the engine and PyTorch use.</summary>
    public static double[,] ReluBackward(double[,] dH, double[,] z)
    {
        var dZ = new double[dH.GetLength(0), dH.GetLength(1)];
        for (int r = 0; r < dZ.GetLength(0); r++)
            for (int j = 0; j < dZ.GetLength(1); j++)
                dZ[r, j] = z[r, j] > 0 ? dH[r, j] : 0;
        return dZ;
    }

    /// <summary>Xᵀ·G.</summary>
    public static double[,] TransposeTimes(double[,] x, double[,] g)
    {
        int rows = x.GetLength(0), n = x.GetLength(1), m = g.GetLength(1);
        var result = new double[n, m];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < m; j++)
            {
                double sum = 0;
                for (int r = 0; r < rows; r++)
                    sum += x[r, i] * g[r, j];
                result[i, j] = sum;
            }
        return result;
    }

    /// <summary>G·Wᵀ.</summary>
    public static double[,] TimesTranspose(double[,] g, double[,] w)
    {
        int rows = g.GetLength(0), m = g.GetLength(1), n = w.GetLength(0);
        var result = new double[rows, n];
        for (int r = 0; r < rows; r++)
            for (int i = 0; i < n; i++)
            {
                double sum = 0;
                for (int j = 0; j < m; j++)
                    sum += g[r, j] * w[i, j];
                result[r, i] = sum;
            }
        return result;
    }

    /// <summary>Σ over rows: one sum per column.</summary>
    public static double[] ColumnSums(double[,] g)
    {
        var sums = new double[g.GetLength(1)];
        for (int r = 0; r < g.GetLength(0); r++)
            for (int j = 0; j < sums.Length; j++)
                sums[j] += g[r, j];
        return sums;
    }
}
