using Sac.Autodiff;

namespace Sac.Walkthrough.GradChecks;

/// <summary>One row of `sac gradcheck`: what was checked, and the checker's verdict.</summary>
/// <param name="Name">The op or loss, e.g. "Linear+ReLU" or "J_Q(θ) v2".</param>
/// <param name="Result">The float64 gradient check against central differences (torch's tolerances).</param>
public sealed record GradCheckRow(string Name, GradCheckResult Result);

/// <summary>What `sac gradcheck` prints: every op of <see cref="OpCatalogue"/> at 3×5, then every <see cref="SacLossChecks"/> loss.</summary>
public static class GradCheckReport
{
    /// <summary>Runs every check; <paramref name="seed"/> fixes the inputs.</summary>
    public static IEnumerable<GradCheckRow> Run(int seed = 0)
    {
        foreach (var op in OpCatalogue.All)
            yield return new GradCheckRow(op.Name, op.Check(3, 5, (ulong)seed));
        foreach (var loss in SacLossChecks.All)
            yield return new GradCheckRow(loss.Name, loss.Run(seed));
    }
}
