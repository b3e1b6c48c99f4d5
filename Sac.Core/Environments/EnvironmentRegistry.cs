namespace Sac.Core.Environments;

/// <summary>
/// Creates environments by Gymnasium id, the way <c>gym.make(id)</c> does: the environment wrapped in a
/// <see cref="TimeLimit"/> with the registered <c>max_episode_steps</c>, then in a <see cref="CheckedEnvironment"/>.
/// Knows <c>Pendulum-v1</c> (200 steps) and <c>MountainCarContinuous-v0</c> (999 steps); <see cref="Register"/> adds more.
/// </summary>
public static class EnvironmentRegistry
{
    private sealed record Entry(Func<IEnvironment> Factory, int? MaxEpisodeSteps);

    private static readonly object s_lock = new();
    private static readonly List<string> s_ids = [];
    private static readonly Dictionary<string, Entry> s_entries = new(StringComparer.Ordinal);

    static EnvironmentRegistry()
    {
        // max_episode_steps as registered in gymnasium/envs/__init__.py.
        Register(Pendulum.EnvironmentId, () => new Pendulum(), maxEpisodeSteps: 200);
        Register(MountainCarContinuous.EnvironmentId, () => new MountainCarContinuous(), maxEpisodeSteps: 999);
    }

    /// <summary>The registered ids, built-ins first, then in registration order.</summary>
    public static IReadOnlyList<string> Ids
    {
        get
        {
            lock (s_lock)
                return s_ids.ToArray();
        }
    }

    /// <summary>
    /// A new environment for <paramref name="id"/>: <c>CheckedEnvironment(TimeLimit(env, maxEpisodeSteps))</c>, or
    /// <c>CheckedEnvironment(env)</c> when it was registered without a step limit.
    /// </summary>
    /// <exception cref="EnvironmentException">The id is not registered; the message lists the ids that are.</exception>
    public static IEnvironment Create(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        Entry? entry;
        string[] known;
        lock (s_lock)
        {
            if (!s_entries.TryGetValue(id, out entry))
                known = s_ids.ToArray();
            else
                known = [];
        }
        if (entry is null)
            throw new EnvironmentException(UnknownIdMessage(id, known));

        IEnvironment env = entry.Factory()
            ?? throw new EnvironmentException($"The factory registered for '{id}' returned null.");
        if (entry.MaxEpisodeSteps is int limit)
            env = new TimeLimit(env, limit);
        return new CheckedEnvironment(env);
    }

    /// <summary>Registers a user environment so that <see cref="Create"/> can make it by id.</summary>
    /// <param name="id">The id, Gymnasium-style (<c>Name-vN</c>); compared case-sensitively.</param>
    /// <param name="factory">Makes a fresh, unwrapped environment on each call.</param>
    /// <param name="maxEpisodeSteps">The <see cref="TimeLimit"/> to apply, or null for none.</param>
    /// <exception cref="ArgumentException">The id is empty or already registered (re-registering would silently change what it means).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxEpisodeSteps"/> is not positive.</exception>
    public static void Register(string id, Func<IEnvironment> factory, int? maxEpisodeSteps)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(factory);
        if (maxEpisodeSteps is int limit)
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit, nameof(maxEpisodeSteps));
        lock (s_lock)
        {
            if (!s_entries.TryAdd(id, new Entry(factory, maxEpisodeSteps)))
                throw new ArgumentException($"An environment with id '{id}' is already registered.", nameof(id));
            s_ids.Add(id);
        }
    }

    private static string UnknownIdMessage(string id, string[] known)
    {
        string message = $"Unknown environment id '{id}'. Registered ids: {string.Join(", ", known)}.";
        string? sameIgnoringCase = Array.Find(known, k => string.Equals(k, id, StringComparison.OrdinalIgnoreCase));
        return sameIgnoringCase is null ? message : $"{message} Did you mean '{sameIgnoringCase}'?";
    }
}
