using Sac.Autodiff;
using Sac.Core.Algorithms;
using Sac.Core.Environments;
using Sac.Core.Networks;
using Sac.Core.Policies;

namespace Sac.Walkthrough;

/// <summary>Values the engine computes in the forward half of a v1 update (under no-grad: values only).</summary>
internal sealed record EngineForward(
    double[] NextValue, double[] QHat,
    double[,] Mean, double[,] LogStd, double[,] Action, double[] LogProb,
    double[] Q1OnPolicy, double[] Q2OnPolicy, double[] MinQ, double[] Value,
    double[] Q1Replay, double[] Q2Replay);

/// <summary>What one real <see cref="Algorithm{T}.Update"/> of <see cref="SacV1{T}"/> did: its losses, the gradients it
/// stepped with, and every parameter after Adam and Polyak.</summary>
/// <param name="CriticLoss">J_Q, as the update recorded it ("train/critic_loss").</param>
/// <param name="ActorLoss">J_π ("train/actor_loss").</param>
/// <param name="ValueLoss">J_V ("train/value_loss").</param>
/// <param name="Gradients">The gradients it stepped with.</param>
/// <param name="After">Every parameter after the step.</param>
internal sealed record EngineUpdate(double CriticLoss, double ActorLoss, double ValueLoss, HandNetworks Gradients, HandNetworks After);

/// <summary>The section 3 graph (Q_θ1's term of J_Q, layers unfused) after its backward pass.</summary>
internal sealed record EngineCriticTrace(double Loss, double[,] DQ, double[,] DH, double[,] DZ, double[,] DX, HandMlp ParameterGradients);

/// <summary>v2's update: the temperature's gradient and loss, log α after Adam.</summary>
internal sealed record EngineTemperature(double LogAlphaBefore, double TargetEntropy, double Loss, double Gradient, double LogAlphaAfter, double AlphaAfter);

/// <summary>
/// The walkthrough's "autodiff" column: every number here comes from the engine, either from a real
/// <see cref="Algorithm{T}.Update"/> or from a graph recorded on a <see cref="Tape{T}"/> with the engine's own
/// networks, policy and losses, then <see cref="Tape{T}.Backward"/>.
/// </summary>
internal static class EngineRun
{
    public static EngineForward Forward(WorkedExampleSetup setup)
    {
        var agent = setup.BuildV1();
        var batch = setup.BuildBatch();
        var tape = new Tape<double>();
        using var _ = tape.NoGrad();
        var s = batch.Observations;
        var nextValue = agent.VTarget.Forward(tape, batch.NextObservations);
        var qHat = agent.ValueBackup(tape, batch);
        var (mean, logStd) = agent.Policy.Heads(tape, s);
        var (action, logProb) = agent.Policy.Sample(tape, s, batch.Noise);
        var sa = tape.ConcatColumns(s, action);
        var q1 = agent.Critics.Q1.Forward(tape, sa);
        var q2 = agent.Critics.Q2.Forward(tape, sa);
        var minQ = SacV1<double>.MinQ(tape, agent.Own, s, action, detachParameters: true);
        var value = agent.V.Forward(tape, s);
        var replay = tape.ConcatColumns(s, batch.Actions);
        var q1Replay = agent.Critics.Q1.Forward(tape, replay);
        var q2Replay = agent.Critics.Q2.Forward(tape, replay);
        return new EngineForward(Vec(nextValue), Vec(qHat), WorkedExampleSetup.ToArray(mean), WorkedExampleSetup.ToArray(logStd),
            WorkedExampleSetup.ToArray(action), Vec(logProb), Vec(q1), Vec(q2), Vec(minQ), Vec(value), Vec(q1Replay), Vec(q2Replay));
    }

    /// <summary>One real v1 update. The gradient buffers keep what the update stepped with (Adam does not clear them).</summary>
    public static EngineUpdate UpdateV1(WorkedExampleSetup setup)
    {
        var agent = setup.BuildV1();
        var metrics = agent.Update(setup.BuildBatch());
        var gradients = new HandNetworks(Gradients(agent.Policy.Network), Gradients(agent.Critics.Q1), Gradients(agent.Critics.Q2),
            Gradients(agent.V), Gradients(agent.VTarget));
        var after = new HandNetworks(HandMlp.From(agent.Policy.Network), HandMlp.From(agent.Critics.Q1), HandMlp.From(agent.Critics.Q2),
            HandMlp.From(agent.V), HandMlp.From(agent.VTarget));
        return new EngineUpdate(metrics["train/critic_loss"], metrics["train/actor_loss"], metrics["train/value_loss"], gradients, after);
    }

    /// <summary>
    /// Section 3: J = ½·mean_b(Q_θ1(s_b, a_b) − Q̂_b)², recorded op by op (Linear, ReLU, Linear, then the loss) so that
    /// every intermediate's gradient can be read after the backward pass. (<see cref="Mlp{T}.Forward"/> fuses the ReLU
    /// into the Linear op; the parameter gradients are the same.)
    /// </summary>
    public static EngineCriticTrace CriticTrace(WorkedExampleSetup setup)
    {
        var agent = setup.BuildV1();
        var batch = setup.BuildBatch();
        var tape = new Tape<double>();
        var qHat = agent.ValueBackup(tape, batch);
        var x = WorkedExampleSetup.ToTensor(HandSac.Concat(setup.Batch.S, setup.Batch.A), requiresGrad: true);
        var layers = agent.Critics.Q1.Layers;
        var z = tape.Linear(x, layers[0].Weight, layers[0].Bias);
        var h = tape.Relu(z);
        var q = tape.Linear(h, layers[1].Weight, layers[1].Bias);
        var loss = tape.Scale(tape.Mean(tape.Square(tape.Sub(q, qHat))), 0.5);
        agent.Critics.Parameters.ZeroGrad();
        tape.Backward(loss);
        return new EngineCriticTrace(loss.Span[0], WorkedExampleSetup.GradToArray(q), WorkedExampleSetup.GradToArray(h),
            WorkedExampleSetup.GradToArray(z), WorkedExampleSetup.GradToArray(x), Gradients(agent.Critics.Q1));
    }

    /// <summary>
    /// Section 3's tanh: L = −mean_b min_i Q_θi(s_b, tanh(u_b)) with u a leaf; returns (dL/dã, dL/du).
    /// </summary>
    public static (double[,] DAction, double[,] DU) TanhTrace(WorkedExampleSetup setup, double[,] u)
    {
        var agent = setup.BuildV1();
        var batch = setup.BuildBatch();
        var tape = new Tape<double>();
        var uLeaf = WorkedExampleSetup.ToTensor(u, requiresGrad: true);
        var action = tape.Tanh(uLeaf);
        var minQ = SacV1<double>.MinQ(tape, agent.Own, batch.Observations, action, detachParameters: true);
        tape.Backward(tape.Neg(tape.Mean(minQ)));
        return (WorkedExampleSetup.GradToArray(action), WorkedExampleSetup.GradToArray(uLeaf));
    }

    /// <summary>
    /// The gradient of a scalar of sample b alone with respect to that sample's μ_b and (pre-clamp) log σ_b, through the
    /// engine's own <see cref="TanhGaussianPolicy{T}.Sample"/>: the policy is run on the one-row batch (s_b, ε_b), and since the
    /// network's last layer is [μ ‖ log σ] = h·W + b, the gradient with respect to its bias is the gradient with respect to [μ ‖ log σ].
    /// </summary>
    public static (double DMean, double DLogStd) HeadGradient(WorkedExampleSetup setup, int b,
        Func<SacV1<double>, Tape<double>, Tensor<double>, Tensor<double>, Tensor<double>> scalar)
    {
        var agent = setup.BuildV1();
        var tape = new Tape<double>();
        var s = WorkedExampleSetup.ToTensor(Row(setup.Batch.S, b));
        var eps = WorkedExampleSetup.ToTensor(Row(setup.Batch.Noise, b));
        agent.Policy.Network.Parameters.ZeroGrad();
        tape.Backward(scalar(agent, tape, s, eps));
        var bias = agent.Policy.Network.Layers[^1].Bias.Grad;
        return (bias[0], bias[WorkedExampleSetup.ActionSize]);
    }

    /// <summary>The engine's sampled ã mapped to [low, high] the way the trainer maps it for the environment
    /// (<see cref="ActionScaling.ToEnvironment"/>).</summary>
    public static double[] ScaledAction(WorkedExampleSetup setup, float low, float high)
    {
        var agent = setup.BuildV1();
        var batch = setup.BuildBatch();
        var tape = new Tape<double>();
        using var _ = tape.NoGrad();
        var action = Vec(agent.Policy.Sample(tape, batch.Observations, batch.Noise).Action);
        var space = new Box([low], [high]);
        var scaled = new double[action.Length];
        for (int b = 0; b < action.Length; b++)
            ActionScaling.ToEnvironment<double>(action.AsSpan(b, 1), space, scaled.AsSpan(b, 1));
        return scaled;
    }

    /// <summary>Section 5's per-sample signals from J_V's and J_Q's graphs: dJ_V/dV_ψ(s_b) and dJ_Q/dQ_θi(s_b, a_b).</summary>
    public static (double[] DValue, double[] DQ1, double[] DQ2) LossSignals(WorkedExampleSetup setup)
    {
        var agent = setup.BuildV1();
        var batch = setup.BuildBatch();
        var tape = new Tape<double>();
        var s = batch.Observations;
        var qHat = agent.ValueBackup(tape, batch);
        var (action, logProb) = agent.Policy.Sample(tape, s, batch.Noise);
        var minQ = SacV1<double>.MinQ(tape, agent.Own, s, action, detachParameters: true);
        Tensor<double> y;
        using (tape.NoGrad())
            y = tape.Sub(minQ, tape.Scale(logProb, agent.Options.Alpha));
        var value = agent.V.Forward(tape, s);
        var sa = tape.ConcatColumns(s, batch.Actions);
        var q1 = agent.Critics.Q1.Forward(tape, sa);
        var q2 = agent.Critics.Q2.Forward(tape, sa);
        var loss = tape.Add(HalfMse(tape, value, y), tape.Add(HalfMse(tape, q1, qHat), HalfMse(tape, q2, qHat)));
        tape.Backward(loss);
        return (GradVec(value), GradVec(q1), GradVec(q2));
    }

    /// <summary>J_π's graph through the engine's <see cref="SacV1{T}.PolicyLoss"/>: ∂J_π/∂log π_b and ∂J_π/∂ã_b.</summary>
    public static (double[] DLogProb, double[,] DAction) PolicySignals(WorkedExampleSetup setup)
    {
        var agent = setup.BuildV1();
        var batch = setup.BuildBatch();
        var tape = new Tape<double>();
        var (action, logProb) = agent.Policy.Sample(tape, batch.Observations, batch.Noise);
        var minQ = SacV1<double>.MinQ(tape, agent.Own, batch.Observations, action, detachParameters: true);
        tape.Backward(SacV1<double>.PolicyLoss(tape, logProb, minQ, agent.Options.Alpha, 1.0 / WorkedExampleSetup.BatchSize));
        return (GradVec(logProb), WorkedExampleSetup.GradToArray(action));
    }

    /// <summary>J_π's contribution of sample b alone, (α·log π_b − min_i Q_θi(s_b, ã_b))/B, for <see cref="HeadGradient"/>.</summary>
    public static Tensor<double> PolicyLossOfSample(SacV1<double> agent, Tape<double> tape, Tensor<double> s, Tensor<double> eps)
    {
        var (action, logProb) = agent.Policy.Sample(tape, s, eps);
        var minQ = SacV1<double>.MinQ(tape, agent.Own, s, action, detachParameters: true);
        // The one-row batch's 1/B is 1; the sample's share of the whole batch's mean is 1/B of that.
        return tape.Scale(SacV1<double>.PolicyLoss(tape, logProb, minQ, agent.Options.Alpha, 1.0), 1.0 / WorkedExampleSetup.BatchSize);
    }

    /// <summary>One real v2 update; its temperature step uses the log π of the unchanged policy.</summary>
    public static EngineTemperature TemperatureV2(WorkedExampleSetup setup)
    {
        var agent = setup.BuildV2();
        double before = agent.Temperature!.Values[0];
        var metrics = agent.Update(setup.BuildBatch());
        return new EngineTemperature(before, agent.TargetEntropy, metrics["train/ent_coef_loss"], agent.Temperature.Grads[0], agent.Temperature.Values[0], agent.Alpha);
    }

    /// <summary>
    /// The reward-scale equivalence: J_π with α = 1 and both critics' outputs divided by α (the critics trained on r/α),
    /// through the engine's <see cref="SacV1{T}.PolicyLoss"/>. Returns the loss and dJ_π′/dφ.
    /// </summary>
    public static (double Loss, HandMlp Gradients) PolicyLossWithScaledCritics(WorkedExampleSetup setup)
    {
        var agent = setup.BuildV1();
        var batch = setup.BuildBatch();
        double factor = 1 / agent.Options.Alpha;
        foreach (var q in new[] { agent.Critics.Q1, agent.Critics.Q2 })
        {
            foreach (ref double w in q.Layers[^1].Weight.Span)
                w *= factor;
            foreach (ref double bias in q.Layers[^1].Bias.Span)
                bias *= factor;
        }
        var tape = new Tape<double>();
        var (action, logProb) = agent.Policy.Sample(tape, batch.Observations, batch.Noise);
        var minQ = SacV1<double>.MinQ(tape, agent.Own, batch.Observations, action, detachParameters: true);
        var loss = SacV1<double>.PolicyLoss(tape, logProb, minQ, 1.0, 1.0 / WorkedExampleSetup.BatchSize);
        agent.Policy.Network.Parameters.ZeroGrad();
        tape.Backward(loss);
        return (loss.Span[0], Gradients(agent.Policy.Network));
    }

    private static Tensor<double> HalfMse(Tape<double> tape, Tensor<double> prediction, Tensor<double> target) =>
        tape.Scale(tape.Mean(tape.Square(tape.Sub(prediction, target))), 0.5);

    /// <summary>A network's current gradients, shaped like its parameters.</summary>
    private static HandMlp Gradients(Mlp<double> network)
    {
        var weights = new double[network.Layers.Count][,];
        var biases = new double[network.Layers.Count][];
        for (int l = 0; l < network.Layers.Count; l++)
        {
            var layer = network.Layers[l];
            weights[l] = WorkedExampleSetup.GradToArray(layer.Weight);
            biases[l] = layer.Bias.Grad.ToArray();
        }
        return new HandMlp(weights, biases);
    }

    private static double[] Vec(Tensor<double> t) => t.Span.ToArray();

    private static double[] GradVec(Tensor<double> t) => t.Grad.ToArray();

    private static double[,] Row(double[,] m, int r)
    {
        var row = new double[1, m.GetLength(1)];
        for (int c = 0; c < m.GetLength(1); c++)
            row[0, c] = m[r, c];
        return row;
    }
}
