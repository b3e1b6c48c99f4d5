using Sac.Core.Algorithms;

namespace Sac.Walkthrough;

/// <summary>
/// The worked example of docs/walkthrough.md: a tiny SAC (dim(S) = 2, dim(A) = 1, one hidden layer of 3 units, a batch
/// of 2) carried through one full v1 update and v2's temperature step. Every gradient is shown three ways: the doc's
/// formula evaluated by plain loops written for the walkthrough, the engine's autodiff, and a central finite
/// difference. <c>sac explain</c> prints it; a test keeps the doc's copy equal to <see cref="Render"/> at
/// <see cref="DefaultSeed"/>.
/// </summary>
public sealed partial class WorkedExample
{
    /// <summary>
    /// The seed of the example printed in docs/walkthrough.md, picked among the first few dozen because with it the two
    /// samples take different critics in min_i Q_θi(s, ã) and a ReLU unit of Q_θ1 is on for one sample and off for the
    /// other, so both routing rules show in the numbers. Every seed passes the same checks.
    /// </summary>
    public const int DefaultSeed = 47;

    /// <summary>Number of sections (1 to 7), matching the walkthrough's sections.</summary>
    public const int SectionCount = 7;

    private static readonly string[] Titles =
    [
        "The maximum-entropy objective and the soft value V(s)",
        "Soft policy evaluation and soft policy improvement",
        "Reverse-mode autodiff: the tape, Linear, ReLU and tanh",
        "The tanh-Gaussian policy",
        "The gradients of J_V, J_Q and J_π",
        "The temperature α (SAC v2) and the reward scale",
        "Adam and Polyak: the last step of an update",
    ];

    private readonly HandNetworks _n;
    private readonly V1Forward _hf;
    private readonly V1Gradients _hg;
    private readonly EngineForward _ef;
    private readonly EngineUpdate _eu;

    private WorkedExample(int seed)
    {
        Setup = WorkedExampleSetup.Create(seed);
        _n = Setup.Initial.Copy();
        _hf = HandSac.Forward(_n, Setup.Batch, Options);
        _hg = HandSac.Gradients(_n, _hf, Options);
        _ef = EngineRun.Forward(Setup);
        _eu = EngineRun.UpdateV1(Setup);
        Sections = [Section1(), Section2(), Section3(), Section4(), Section5(), Section6(), Section7()];
    }

    /// <summary>Computes the example for <paramref name="seed"/> (≥ 0): the hand formulas, the engine and the finite differences.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The seed is negative.</exception>
    public static WorkedExample Compute(int seed = DefaultSeed) => new(seed);

    /// <summary>The seed the weights, the batch and ε were drawn with.</summary>
    public int Seed => Setup.Seed;

    /// <summary>The title of section <paramref name="section"/> (1 to <see cref="SectionCount"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The section is not between 1 and <see cref="SectionCount"/>.</exception>
    public static string Title(int section) => Titles[CheckSection(section) - 1];

    /// <summary>
    /// Section <paramref name="section"/>'s tables as Markdown (invariant culture, ten significant digits, '\n' line
    /// endings, no trailing newline): exactly what docs/walkthrough.md holds between its
    /// <c>&lt;!-- worked-example:section-N --&gt;</c> markers when the seed is <see cref="DefaultSeed"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The section is not between 1 and <see cref="SectionCount"/>.</exception>
    public string Render(int section) => Sections[CheckSection(section) - 1].Render();

    /// <summary>"## N. Title (worked example, seed S)", a blank line, then <see cref="Render"/>: what <c>sac explain --section N</c> prints.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The section is not between 1 and <see cref="SectionCount"/>.</exception>
    public string RenderWithHeading(int section) =>
        $"## {CheckSection(section)}. {Title(section)} (worked example, seed {Seed})\n\n{Render(section)}";

    internal WorkedExampleSetup Setup { get; }

    internal SacOptions Options => Setup.Options;

    internal IReadOnlyList<WalkthroughSection> Sections { get; }

    /// <summary>Every gradient table of every section.</summary>
    internal IEnumerable<GradientTable> GradientTables => Sections.SelectMany(s => s.Blocks.OfType<GradientTable>());

    private static int CheckSection(int section) =>
        section is >= 1 and <= SectionCount
            ? section
            : throw new ArgumentOutOfRangeException(nameof(section), section, $"Sections are numbered 1 to {SectionCount}.");

    private WalkthroughSection Section(int number, params Block[] blocks) => new(number, Title(number), blocks);

    /// <summary>Subscript digits for sample indices: s₀, s₁.</summary>
    private static string Sub(int b) => string.Concat(b.ToString(System.Globalization.CultureInfo.InvariantCulture).Select(c => (char)('₀' + (c - '0'))));

    /// <summary>dJ/dp from a hand backward pass's gradients, by the engine's tensor numbering.</summary>
    private static double Entry(MlpGradients g, ParameterRef p) =>
        p.Tensor % 2 == 0 ? g.Weights[p.Tensor / 2][p.Row, p.Col] : g.Biases[p.Tensor / 2][p.Col];

    private MlpGradients HandGradients(string network) => network switch
    {
        "pi" => _hg.Policy,
        "q1" => _hg.Critic1,
        "q2" => _hg.Critic2,
        "v" => _hg.Value,
        _ => throw new ArgumentOutOfRangeException(nameof(network), network, "Trained networks are pi, q1, q2, v."),
    };

    /// <summary>
    /// J_π when the policy heads [μ ‖ log σ_raw] are replaced by the given values (the networks below the heads
    /// ignored): for finite differences with respect to μ_b and log σ_b.
    /// </summary>
    private double PolicyLossFromHeads(HandNetworks n, double[,] mean, double[,] logStdRaw, SacOptions o)
    {
        var batch = Setup.Batch;
        int rows = mean.GetLength(0), act = mean.GetLength(1);
        var action = new double[rows, act];
        var logProb = new double[rows];
        for (int b = 0; b < rows; b++)
            for (int j = 0; j < act; j++)
            {
                double logStd = Math.Clamp(logStdRaw[b, j], o.LogStdMin, o.LogStdMax);
                double u = mean[b, j] + Math.Exp(logStd) * batch.Noise[b, j];
                action[b, j] = Math.Tanh(u);
                logProb[b] += HandPolicy.LogProbTerm(logStd, batch.Noise[b, j], u);
            }
        return HandSac.PolicyLoss(logProb, MinQ(n, action), o.Alpha);
    }

    /// <summary>min_i Q_θi(s_b, a_b) for the batch's states and the given actions.</summary>
    private double[] MinQ(HandNetworks n, double[,] action)
    {
        var pair = HandSac.Critics(n, Setup.Batch.S, action);
        return Enumerable.Range(0, Setup.Batch.Size).Select(pair.MinAt).ToArray();
    }
}
