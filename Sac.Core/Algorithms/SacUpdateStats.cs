namespace Sac.Core.Algorithms;

/// <summary>What one SAC update measured (losses before the step), for logging.</summary>
/// <param name="CriticLoss">J_Q, summed over the twin critics.</param>
/// <param name="ActorLoss">J_π.</param>
/// <param name="ValueLoss">J_V (v1; NaN for v2).</param>
/// <param name="AlphaLoss">The temperature loss (v2 with learned α; NaN otherwise).</param>
/// <param name="Alpha">α used in this update.</param>
/// <param name="MeanLogProb">Mean log π(ã|s) over the batch (−entropy estimate).</param>
/// <param name="MeanQ">Mean min_i Q_θi(s, ã) over the batch.</param>
public readonly record struct SacUpdateStats(double CriticLoss, double ActorLoss, double ValueLoss, double AlphaLoss,
    double Alpha, double MeanLogProb, double MeanQ);
