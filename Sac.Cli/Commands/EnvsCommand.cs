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
                IEnvironment env;
                try
                {
                    env = EnvironmentRegistry.Create(id);
                }
                catch (EnvironmentException e)
                {
                    // A MuJoCo task on a machine without libmujoco: list it, and say why it cannot be made here.
                    output.WriteLine(id);
                    output.WriteLine($"  unavailable  {CommandGuard.OneLine(e.Message)}");
                    continue;
                }
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
