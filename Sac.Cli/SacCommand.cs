using System.CommandLine;

namespace Sac.Cli;

/// <summary>Builds the <c>sac</c> command tree.</summary>
public static class SacCommand
{
    /// <summary>The root command with every subcommand attached.</summary>
    public static RootCommand Build()
    {
        var root = new RootCommand("sac: Soft Actor-Critic on the CPU, from scratch in C#.");

        var env = new Option<string>("--env") { Description = "Environment id, e.g. Pendulum-v1." };
        var train = new Command("train", "Train an agent (the trainer arrives with the Core issues; for now this prints help).") { env };
        train.SetAction(parse =>
        {
            // Until the trainer exists the README's main command prints the help and succeeds.
            root.Parse("--help").Invoke();
            return 0;
        });
        root.Add(train);
        return root;
    }
}
