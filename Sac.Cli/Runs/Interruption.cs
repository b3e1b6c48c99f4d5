using System.Runtime.InteropServices;

namespace Sac.Cli.Runs;

/// <summary>
/// Turns SIGINT (Ctrl-C), SIGTERM (what Slurm, Kubernetes and systemd send before they kill) and SIGHUP (a closed
/// terminal) into a request to stop after the current step: training then saves a checkpoint and exits with the shell's
/// code for the signal, 128 + n (130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP). A second signal is not intercepted, so it ends the process at once (checkpoints
/// are atomic, so even that loses nothing but the steps since the last one).
/// </summary>
public sealed class Interruption : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private readonly PosixSignalRegistration[] _registrations;

    /// <summary>Starts listening for SIGINT, SIGTERM and SIGHUP.</summary>
    public Interruption()
    {
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, context => OnSignal(context, "Ctrl-C", 130)),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => OnSignal(context, "SIGTERM", 143)),
            // A closed terminal (or an ssh session that drops) sends SIGHUP, whose default ends the process at once: it is
            // a request to stop like any other, so it checkpoints too.
            PosixSignalRegistration.Create(PosixSignal.SIGHUP, context => OnSignal(context, "SIGHUP", 129)),
        ];
    }

    /// <summary>Cancelled once a stop was requested.</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>What asked to stop ("Ctrl-C", "SIGTERM"), or null.</summary>
    public string? Reason { get; private set; }

    /// <summary>The exit code for the request: 128 + the signal number.</summary>
    public int ExitCode { get; private set; }

    /// <summary>Requests a stop as if <paramref name="reason"/> had been signalled (the first request wins).</summary>
    public void Request(string reason, int exitCode)
    {
        lock (_source)
        {
            if (Reason is not null)
                return;
            Reason = reason;
            ExitCode = exitCode;
        }
        _source.Cancel();
    }

    private void OnSignal(PosixSignalContext context, string reason, int exitCode)
    {
        if (_source.IsCancellationRequested)
            return; // the second signal: let the runtime's default handling end the process
        context.Cancel = true;
        Request(reason, exitCode);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var registration in _registrations)
            registration.Dispose();
        _source.Dispose();
    }
}
