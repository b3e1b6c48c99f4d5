namespace Sac.Render;

/// <summary>A whole episode as recorded: its frames (the reset and every step), the names of its reward terms, and which policy played it.</summary>
public sealed class RecordedEpisode
{
    /// <summary>The environment id.</summary>
    public required string EnvironmentId { get; init; }

    /// <summary>0-based index of the episode among those recorded together (an evaluation's episodes).</summary>
    public required int Index { get; init; }

    /// <summary>Training steps behind the policy that played it.</summary>
    public required long PolicyStep { get; init; }

    /// <summary>The names of <see cref="SceneFrame.Terms"/>, in order.</summary>
    public required IReadOnlyList<string> TermNames { get; init; }

    /// <summary>The frames: the reset, then one per step.</summary>
    public required IReadOnlyList<SceneFrame> Frames { get; init; }

    /// <summary>True when the frames carry the scene's state, so the episode can be drawn (not only its rewards plotted).</summary>
    public bool HasPictures => Frames.Count > 0 && Frames[0].State.Length > 0;

    /// <summary>Steps in the episode.</summary>
    public int Length => Frames.Count - 1;

    /// <summary>The episode's return.</summary>
    public double Return => Frames[^1].Return;
}
