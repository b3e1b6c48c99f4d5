namespace Sac.Render.Recording;

/// <summary>What <see cref="EpisodeRecorder"/> records from the next reset on.</summary>
/// <param name="Episodes">How many episodes, starting with the next.</param>
/// <param name="WithPictures">Capture the scene's state too (for video), not only the rewards and terms.</param>
/// <param name="PolicyStep">The training step of the policy playing them, for the overlay and the file names.</param>
public sealed record CapturePlan(int Episodes, bool WithPictures, long PolicyStep);
