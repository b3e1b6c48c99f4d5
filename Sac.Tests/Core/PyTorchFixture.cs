using System.Numerics;
using System.Text.Json;
using Sac.Autodiff;
using Sac.Core;
using Sac.Core.Algorithms;

namespace Sac.Tests.Core;

/// <summary>
/// A fixture written by bench/pytorch/sac_fixtures.py: weights, a batch and its noise, and what PyTorch computed from
/// them (losses, gradients, parameters after one update). Loads into a <see cref="SoftActorCritic{T}"/> of either precision.
/// </summary>
internal sealed class PyTorchFixture
{
    private readonly JsonElement _root;

    private PyTorchFixture(JsonElement root) => _root = root;

    public static PyTorchFixture Load(string fileName)
    {
        string path = Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", fileName);
        return new PyTorchFixture(JsonDocument.Parse(File.ReadAllText(path)).RootElement);
    }

    public JsonElement Config => _root.GetProperty("config");

    public SacOptions Options() => new()
    {
        Version = (SacVersion)Config.GetProperty("version").GetInt32(),
        Gamma = Config.GetProperty("gamma").GetDouble(),
        Tau = Config.GetProperty("tau").GetDouble(),
        BatchSize = Config.GetProperty("batch").GetInt32(),
        HiddenSizes = Config.GetProperty("hidden").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
        ActorLearningRate = Config.GetProperty("lr_actor").GetDouble(),
        CriticLearningRate = Config.GetProperty("lr_critic").GetDouble(),
        ValueLearningRate = Config.GetProperty("lr_value").GetDouble(),
        AlphaLearningRate = Config.GetProperty("lr_alpha").GetDouble(),
        Alpha = Config.GetProperty("alpha").GetDouble(),
        InitialAlpha = Config.GetProperty("initial_alpha").GetDouble(),
        TargetEntropy = Config.GetProperty("target_entropy").GetDouble(),
        // The policy's form, in the fixtures that set it (the first two predate it and use Sac's defaults).
        LogStdMin = Config.TryGetProperty("log_std_min", out var min) ? min.GetDouble() : new SacOptions().LogStdMin,
        LogStdMax = Config.TryGetProperty("log_std_max", out var max) ? max.GetDouble() : new SacOptions().LogStdMax,
        LogStdBounding = Config.TryGetProperty("log_std_bounding", out var bounding) ? Enum.Parse<Sac.Core.Policies.LogStdBounding>(bounding.GetString()!, ignoreCase: true) : default,
        JacobianEpsilon = Config.TryGetProperty("jacobian_epsilon", out var epsilon) ? epsilon.GetDouble() : 0,
    };

    /// <summary>Builds an agent with the fixture's options and overwrites every parameter with the fixture's weights.</summary>
    public Algorithm<T> Agent<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        var agent = AlgorithmRegistry.Create<T>(Config.GetProperty("obs").GetInt32(), Config.GetProperty("act").GetInt32(), Options(), new Rng(0));
        var weights = _root.GetProperty("weights");
        foreach (var tensor in AllParameters(agent))
        {
            var w = weights.GetProperty(tensor.Name!);
            Assert.That((w.GetProperty("rows").GetInt32(), w.GetProperty("cols").GetInt32()), Is.EqualTo((tensor.Rows, tensor.Cols)), tensor.Name);
            Fill(tensor.Span, w.GetProperty("data"));
        }
        return agent;
    }

    public SacBatch<T> Batch<T>() where T : unmanaged, IFloatingPointIeee754<T> => ReadBatch<T>(_root.GetProperty("batch"), Config);

    public bool Has(string key) => _root.GetProperty("expected").TryGetProperty(key, out _);

    public double Scalar(string key) => _root.GetProperty("expected").GetProperty(key).GetDouble();

    public double[] Values(string key) => _root.GetProperty("expected").GetProperty(key).EnumerateArray().Select(e => e.GetDouble()).ToArray();

    /// <summary>Every parameter tensor of the agent (online and target networks, and log α), each named as in the fixture.</summary>
    public static IEnumerable<Tensor<T>> AllParameters<T>(Algorithm<T> agent) where T : unmanaged, IFloatingPointIeee754<T> =>
        agent.ParameterSets.SelectMany(set => set.Parameters.Tensors);

    /// <summary>Overwrites every parameter of <paramref name="agent"/> with the fixture's <paramref name="weights"/> (by name,
    /// shapes checked), and checks that every fixture tensor is one of the agent's.</summary>
    internal static void LoadWeights<T>(Algorithm<T> agent, JsonElement weights) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int filled = 0;
        foreach (var tensor in AllParameters(agent))
        {
            var w = weights.GetProperty(tensor.Name!);
            Assert.That((w.GetProperty("rows").GetInt32(), w.GetProperty("cols").GetInt32()), Is.EqualTo((tensor.Rows, tensor.Cols)), tensor.Name);
            Fill(tensor.Span, w.GetProperty("data"));
            filled++;
        }
        Assert.That(filled, Is.EqualTo(weights.EnumerateObject().Count()), "every fixture tensor is one of the agent's, and back");
    }

    /// <summary>A fixture's batch <paramref name="b"/>: s, a, r, s′, d, ε, ε′ and its extra ε sets, if any.</summary>
    internal static SacBatch<T> ReadBatch<T>(JsonElement b, JsonElement config, int extraNoise = 0) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var batch = new SacBatch<T>(config.GetProperty("batch").GetInt32(), config.GetProperty("obs").GetInt32(), config.GetProperty("act").GetInt32(), extraNoise: extraNoise);
        foreach (var (tensor, key) in new[] { (batch.Observations, "s"), (batch.Actions, "a"), (batch.Rewards, "r"), (batch.NextObservations, "s2"),
                     (batch.Terminated, "d"), (batch.Noise, "eps"), (batch.NextNoise, "eps2") })
            Fill(tensor.Span, b.GetProperty(key).GetProperty("data"));
        var extra = b.TryGetProperty("extra", out var sets) ? sets.EnumerateArray().ToArray() : [];
        Assert.That(extra, NUnit.Framework.Has.Length.EqualTo(extraNoise), "the fixture's extra ε sets");
        for (int k = 0; k < extra.Length; k++)
            Fill(batch.ExtraNoise[k].Span, extra[k].GetProperty("data"));
        return batch;
    }

    /// <summary>Compares every parameter of <paramref name="agent"/> with a multi-update fixture's
    /// <c>update{u}.after.{name}</c>, each element to 1e-6 relative (with a floor of 1e-9 × the tensor's largest
    /// magnitude for elements near 0); returns how many tensors were compared.</summary>
    internal static int AssertParametersAfter(Algorithm<double> agent, JsonElement expected, int update)
    {
        int compared = 0;
        foreach (var tensor in AllParameters(agent))
        {
            double[] want = expected.GetProperty($"update{update}.after.{tensor.Name}").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            double[] got = tensor.Span.ToArray();
            Assert.That(got, NUnit.Framework.Has.Length.EqualTo(want.Length), tensor.Name);
            double floor = 1e-9 * want.Select(Math.Abs).Max();
            for (int i = 0; i < want.Length; i++)
                Assert.That(got[i], Is.EqualTo(want[i]).Within(1e-6 * Math.Abs(want[i]) + floor), $"update{update}.after.{tensor.Name}[{i}]");
            compared++;
        }
        return compared;
    }

    internal static void Fill<T>(Span<T> destination, JsonElement data) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        foreach (var e in data.EnumerateArray())
            destination[i++] = T.CreateChecked(e.GetDouble());
        Assert.That(i, Is.EqualTo(destination.Length), "fixture length");
    }
}
