namespace Sac.Core.Environments;

/// <summary>
/// An environment was used against its contract or produced a value that must not reach learning: an action of the
/// wrong length or containing NaN/±∞, a non-finite observation or reward, an unknown id, or a step after the episode
/// ended. The message names the environment id and says what was expected.
/// </summary>
public class EnvironmentException : Exception
{
    /// <summary>Creates an exception with a default message.</summary>
    public EnvironmentException()
        : base("The environment was used against its contract.")
    {
    }

    /// <summary>Creates an exception whose message should name the environment id, the problem and what was expected.</summary>
    public EnvironmentException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception that wraps the failure that caused it.</summary>
    public EnvironmentException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
