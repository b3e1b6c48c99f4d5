using Sac.Render;

namespace Sac.Tests.Render;

/// <summary>Frames and episodes made by hand, for drawing without playing an environment.</summary>
internal static class SceneFrames
{
    public static SceneFrame Frame(double[] state, float[]? observation = null, float[]? action = null, int step = 0) => new()
    {
        EpisodeStep = step,
        Observation = observation ?? [],
        Action = action ?? [],
        Reward = 0,
        Return = 0,
        Terms = [],
        State = state,
    };

    public static RecordedEpisode Episode(string id, IReadOnlyList<SceneFrame> frames, IReadOnlyList<string>? terms = null) => new()
    {
        EnvironmentId = id, Index = 0, PolicyStep = 0, TermNames = terms ?? [], Frames = frames,
    };
}
