using System.CommandLine;
using Sac.Cli.Commands;

namespace Sac.Cli;

/// <summary>Builds the <c>sac</c> command tree.</summary>
public static class SacCommand
{
    /// <summary>The root command with every subcommand attached.</summary>
    public static RootCommand Build()
    {
        // The MuJoCo tasks are known by id everywhere; MuJoCo itself is loaded only when one is created.
        Sac.Mujoco.MujocoEnvironments.Register();
        var root = new RootCommand("sac: Soft Actor-Critic on the CPU, from scratch in C#.")
        {
            TrainCommand.Create(),
            EvalCommand.Create(),
            RenderCommand.Create(),
            ExportCommand.Create(),
            EnvsCommand.Create(),
            GradCheckCommand.Create(),
            ExplainCommand.Create(),
            SweepCommand.Create(Program.Run),
            ReportCommand.Create(),
        };
        return root;
    }
}
