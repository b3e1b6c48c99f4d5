namespace Sac.Render;

/// <summary>
/// One frame of a recorded episode: what the scene needs to draw the environment (its <see cref="State"/>, captured by
/// <see cref="Scene.CaptureState"/>, plus the observation and the action) and what the overlay prints. The reset is
/// frame 0, with no action and no reward; frame t follows step t.
/// </summary>
public sealed class SceneFrame
{
    /// <summary>Steps of the episode so far (0 after the reset).</summary>
    public required int EpisodeStep { get; init; }

    /// <summary>The observation after the reset or step.</summary>
    public required float[] Observation { get; init; }

    /// <summary>The action of step <see cref="EpisodeStep"/>, in the environment's units (empty for frame 0).</summary>
    public required float[] Action { get; init; }

    /// <summary>The reward of step <see cref="EpisodeStep"/> (0 for frame 0).</summary>
    public required double Reward { get; init; }

    /// <summary>The undiscounted return so far: the sum of the rewards of steps 1 … <see cref="EpisodeStep"/>.</summary>
    public required double Return { get; init; }

    /// <summary>The environment's reward terms (<see cref="Core.Environments.IRewardTerms"/>) after the reset or step; empty if it has none.</summary>
    public required double[] Terms { get; init; }

    /// <summary>What <see cref="Scene.CaptureState"/> copied of the environment (the pendulum's angle, the MuJoCo geoms' poses); empty when the episode was recorded without pictures.</summary>
    public required double[] State { get; init; }
}
