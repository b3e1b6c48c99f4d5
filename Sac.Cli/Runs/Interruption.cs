using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Sac.Cli.Runs;

/// <summary>
/// Turns SIGINT (Ctrl-C), SIGTERM (what Slurm, Kubernetes and systemd send before they kill) and SIGHUP (a closed
/// terminal) into a request to stop after the current step: training then saves a checkpoint and exits with the shell's
/// code for the signal, 128 + n (130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP). A second signal ends the process at
/// once (checkpoints are atomic, so even that loses nothing but the steps since the last one), unless it comes within
/// <see cref="DuplicateWindow"/> of the first: then it is the same request delivered twice, as when <c>pkill -f</c> or
/// systemd's default <c>KillMode=control-group</c> signals a sweep's executor and its runs together and the executor
/// passes its copy on.
/// </summary>
public sealed class Interruption : IDisposable
{
    /// <summary>How long after the first signal a second one counts as the same request, not as "stop now".</summary>
    public static readonly TimeSpan DuplicateWindow = TimeSpan.FromSeconds(2);

    private readonly CancellationTokenSource _source = new();
    private long _firstSignal;
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
        {
            // CRUCIAL: a copy of the first signal (an executor passing on what its runs also got) must not cost the runs
            // their checkpoint; a later second signal is the user's "stop now", left to the runtime's default handling.
            if (Interlocked.Read(ref _firstSignal) != 0 && Stopwatch.GetElapsedTime(Interlocked.Read(ref _firstSignal)) < DuplicateWindow)
                context.Cancel = true;
            return;
        }
        context.Cancel = true;
        Interlocked.CompareExchange(ref _firstSignal, Stopwatch.GetTimestamp(), 0);
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
