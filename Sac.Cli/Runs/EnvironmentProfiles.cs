using System.Text.Json.Nodes;
using Sac.Mujoco;
using Sac.Mujoco.Tasks;

namespace Sac.Cli.Runs;

/// <summary>
/// Per-environment defaults, like rl-baselines3-zoo's hyperparameter files (hyperparams/sac.yml): the options that
/// differ from SAC's defaults for that environment, by their <see cref="RunOptions"/> names. `sac train --help` lists
/// them, generated from the same entries. The built-in environments' are here; each MuJoCo task's is in its own file
/// (<see cref="MujocoTask.Profile"/>).
/// </summary>
public static class EnvironmentProfiles
{
    private static readonly Dictionary<string, (string Source, JsonObject Options)> s_profiles = new(StringComparer.Ordinal)
    {
        ["Pendulum-v1"] = ("rl-zoo: n_timesteps 20000, learning_rate 1e-3 (everything else SB3's defaults)",
            new JsonObject { ["steps"] = 20_000, ["lr"] = 1e-3, ["evalEvery"] = 2_000, ["checkpointEvery"] = 5_000 }),
        // rl-zoo explores MountainCarContinuous with gSDE, which Sac lacks; pink action noise in its place solves it on every
        // seed (docs/results.md), as Eberhard et al. report.
        ["MountainCarContinuous-v0"] = ("rl-zoo: n_timesteps 50000, buffer 50000, batch 512, ent_coef 0.1, train_freq 32, gradient_steps 32, gamma 0.9999, tau 0.01, learning_starts 0, net [64, 64]; pink action noise (Eberhard et al. 2023) in place of its gSDE",
            new JsonObject
            {
                ["steps"] = 50_000, ["bufferSize"] = 50_000, ["batchSize"] = 512, ["learnAlpha"] = false, ["alpha"] = 0.1,
                ["trainFreq"] = 32, ["gradientSteps"] = 32, ["gamma"] = 0.9999, ["tau"] = 0.01, ["learningStarts"] = 0,
                ["hidden"] = new JsonArray(64, 64), ["actionNoise"] = "pink", ["evalEvery"] = 5_000, ["checkpointEvery"] = 10_000,
            }),
    };

    static EnvironmentProfiles()
    {
        // The MuJoCo tasks declare theirs in their own files (Sac.Mujoco's TrainingProfile); like the two above, they are
        // checked when applied (For) and listed by --help in registry order.
        foreach (MujocoTask task in MujocoEnvironments.Tasks)
            s_profiles[task.Id] = (task.Profile.Source, task.Profile.Options);
    }

    /// <summary>Adds (or replaces) the profile of <paramref name="env"/>: option key → value, and where the values come from.</summary>
    public static void Register(string env, string source, JsonObject options)
    {
        new RunConfig { Env = env }.With(options, $"the {env} profile"); // refuses unknown keys and bad values now, not at use
        lock (s_profiles)
            s_profiles[env] = (source, options);
    }

    /// <summary>The defaults with <paramref name="env"/>'s profile applied (unknown environments get the plain defaults).</summary>
    public static RunConfig For(string env)
    {
        lock (s_profiles)
            return s_profiles.TryGetValue(env, out var profile) ? new RunConfig { Env = env }.With(profile.Options, $"the {env} profile") : new RunConfig { Env = env };
    }

    /// <summary>One sentence per profile for --help: "Pendulum-v1: --steps 20000, --lr 0.001, … (rl-zoo: …)".</summary>
    public static string Describe()
    {
        lock (s_profiles)
            return "Per-environment defaults (override any with its option): " + string.Join("; ", s_profiles.Select(p =>
                $"{p.Key}: {string.Join(", ", p.Value.Options.Select(o => $"--{RunOptions.Find(o.Key)!.Name} {RunOption.Format(RunOptions.Find(o.Key)!.FromJson(o.Value, p.Key))}"))}")) + ".";
    }
}
