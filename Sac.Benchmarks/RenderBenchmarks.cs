using BenchmarkDotNet.Attributes;
using Sac.Core.Environments;
using Sac.Render;
using Sac.Render.Recording;
using Sac.Render.Scenes;
using SkiaSharp;

namespace Sac.Benchmarks;

/// <summary>
/// Drawing one video frame of each environment at the default 480 × 360 (the MuJoCo tasks rasterized at 2× and
/// averaged down), overlay included, from a state captured after 30 steps (or at the episode's end, if sooner); and the capture itself, which is all that
/// recording costs the training thread per evaluation step.
/// </summary>
[MemoryDiagnoser]
public class RenderBenchmarks : EnvironmentBenchmark
{
    private Scene _scene = null!;
    private RecordedEpisode _episode = null!;
    private SKBitmap _bitmap = null!;
    private float[] _observation = null!;
    private IRewardTerms? _terms;
    private readonly RenderSettings _settings = new();

    /// <summary>Plays up to 30 steps of a sine sweep, capturing a frame after each.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var env = CreateEnvironment();
        _scene = SceneCatalog.For(env);
        _terms = RewardTerms.Find(env);
        _observation = new float[env.ObservationSpace.Dimension];
        var action = new float[env.ActionSpace.Dimension];
        env.Reset(_observation, seed: 0);
        var frames = new List<SceneFrame> { Frame(0) };
        for (int t = 1; t <= 30; t++)
        {
            for (int j = 0; j < action.Length; j++)
                action[j] = MathF.Sin(0.1f * t + j) * env.ActionSpace.High[j];
            var result = env.Step(action, _observation);
            frames.Add(Frame(t));
            if (result.Terminated || result.Truncated)
                break;
        }
        _episode = new RecordedEpisode { EnvironmentId = Env, Index = 0, PolicyStep = 0, TermNames = _terms?.TermNames ?? [], Frames = frames };
        _bitmap = EpisodeVideo.NewBitmap(_settings);
    }

    private SceneFrame Frame(int step) => new()
    {
        EpisodeStep = step, Observation = _observation.ToArray(), Action = [], Reward = 0, Return = 0, Terms = _terms?.LastTerms.ToArray() ?? [],
        State = _scene.CaptureState(_observation),
    };

    /// <summary>The last frame drawn: the scene, then the overlay.</summary>
    [Benchmark]
    public SKBitmap DrawFrame()
    {
        EpisodeVideo.DrawFrame(_bitmap, _scene, _episode, 1, _episode.Frames[^1], _settings);
        return _bitmap;
    }

    /// <summary>What recording copies after a step (the MuJoCo tasks' 12 numbers per geom).</summary>
    [Benchmark]
    public double[] CaptureState() => _scene.CaptureState(_observation);
}
