using System.CommandLine;
using Sac.Cli.Runs;
using Sac.Core.Checkpoints;
using Sac.Core.Environments;
using Sac.Core.Optimization;
using Sac.Render.Video;

namespace Sac.Cli.Commands;

/// <summary>How the commands report errors: one line on stderr, exit code 2 for bad input, 1 for a failure while running.</summary>
internal static class CommandGuard
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
            return Report(error, "sac: error: ", e.Message, 2);
        }
        catch (CheckpointException e)
        {
            return Report(error, "sac: error: ", e.Message, 2);
        }
        catch (NonFiniteGradientException e)
        {
            return Report(error, "sac: training stopped: ", e.Message, 1);
        }
        catch (Sweeps.SlurmException e)
        {
            return Report(error, "sac: slurm error: ", e.Message, 1);
        }
        catch (EnvironmentException e)
        {
            return Report(error, "sac: environment error: ", e.Message, 1);
        }
        catch (VideoException e)
        {
            return Report(error, "sac: error: ", e.Message, 1);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A failure of the machine, not of the input (a full disk, say): what was already written is intact, since
            // every run file is replaced atomically.
            return Report(error, "sac: error: ", $"{e.Message} (files already written are intact)", 1);
        }
        catch (Exception e) when (Environment.GetEnvironmentVariable("SAC_DEBUG") != "1")
        {
            return Report(error, "sac: internal error: ", $"{e.GetType().Name}: {e.Message} (set SAC_DEBUG=1 for details)", 1);
        }
    }

    /// <summary>Writes one line (any line breaks in the message become spaces) and returns <paramref name="code"/>.</summary>
    public static int Report(TextWriter error, string prefix, string message, int code)
    {
        error.WriteLine(prefix + OneLine(message));
        return code;
    }

    /// <summary>The message with its line breaks (and the indentation after them) folded into single spaces.</summary>
    public static string OneLine(string message) => System.Text.RegularExpressions.Regex.Replace(message.Trim(), @"\s*[\r\n]+\s*", " ");
}
