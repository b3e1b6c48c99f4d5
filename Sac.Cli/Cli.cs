using System.CommandLine;
using Sac.Cli.Runs;
using Sac.Core.Checkpoints;
using Sac.Core.Environments;
using Sac.Core.Optimization;

namespace Sac.Cli;

/// <summary>How the commands report errors: one line on stderr, exit code 2 for bad input, 1 for a failure while running.</summary>
internal static class Cli
{
    /// <summary>Runs a command's body, turning expected exceptions into one clear line and an exit code (no stack trace;
    /// set SAC_DEBUG=1 to see one for unexpected errors).</summary>
    public static int Guard(ParseResult parse, Func<int> body)
    {
        var error = parse.InvocationConfiguration.Error;
        try
        {
            return body();
        }
        catch (UsageException e)
        {
            error.WriteLine($"sac: error: {e.Message}");
            return 2;
        }
        catch (CheckpointException e)
        {
            error.WriteLine($"sac: error: {e.Message}");
            return 2;
        }
        catch (NonFiniteGradientException e)
        {
            error.WriteLine($"sac: training stopped: {e.Message}");
            return 1;
        }
        catch (EnvironmentException e)
        {
            error.WriteLine($"sac: environment error: {e.Message}");
            return 1;
        }
        catch (Exception e) when (Environment.GetEnvironmentVariable("SAC_DEBUG") != "1")
        {
            error.WriteLine($"sac: internal error ({e.GetType().Name}): {e.Message} (set SAC_DEBUG=1 for details)");
            return 1;
        }
    }
}
