using System.CommandLine;
using Sac.Core.Environments;

namespace Sac.Cli.Commands;

/// <summary>`sac envs`: the registered environments and their spaces.</summary>
public static class EnvsCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var command = new Command("envs", "List the environments with their observation and action spaces.");
        command.SetAction(parse => CommandGuard.Guard(parse, () =>
        {
            var output = parse.InvocationConfiguration.Output;
            foreach (string id in EnvironmentRegistry.Ids)
            {
                var env = EnvironmentRegistry.Create(id);
                int? limit = env is CheckedEnvironment { Inner: TimeLimit t } ? t.MaxEpisodeSteps : null;
                output.WriteLine(id);
                output.WriteLine($"  observation  {env.ObservationSpace}");
                output.WriteLine($"  action       {env.ActionSpace}");
                output.WriteLine($"  time limit   {(limit is int l ? $"{l} steps" : "none")}");
            }
            return 0;
        }));
        return command;
    }
}
