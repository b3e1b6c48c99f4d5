namespace Sac.Core.Environments;

/// <summary>
/// An environment whose reward is a sum of named terms, reported after every step so they can be logged and plotted
/// (Gymnasium's <c>info</c> dict: <c>x_velocity</c>, <c>reward_forward</c>, <c>reward_ctrl</c>, …).
/// </summary>
/// <remarks>
/// <see cref="LastTerms"/> is a view of the environment's own buffer, overwritten by the next Reset or Step: copy it to
/// keep it. Reading it allocates nothing.
/// </remarks>
public interface IRewardTerms
{
    /// <summary>The name of each term, in the order of <see cref="LastTerms"/>; fixed for the environment's lifetime.</summary>
    IReadOnlyList<string> TermNames { get; }

    /// <summary>The terms of the last Reset or Step, one per <see cref="TermNames"/> entry.</summary>
    ReadOnlySpan<double> LastTerms { get; }
}

/// <summary>Finds the <see cref="IRewardTerms"/> of an environment behind the registry's wrappers.</summary>
public static class RewardTerms
{
    /// <summary>
    /// <paramref name="environment"/> itself if it reports reward terms, else the first environment that does down
    /// its chain of <see cref="CheckedEnvironment.Inner"/> and <see cref="TimeLimit.Inner"/>; null if none does.
    /// </summary>
    public static IRewardTerms? Find(IEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        for (IEnvironment? current = environment; current is not null;)
        {
            if (current is IRewardTerms terms)
                return terms;
            current = current switch
            {
                CheckedEnvironment checkedEnvironment => checkedEnvironment.Inner,
                TimeLimit timeLimit => timeLimit.Inner,
                _ => null,
            };
        }
        return null;
    }
}
