using System.Diagnostics;

namespace Sac.Tests.Cli;

/// <summary>
/// The real `sac` command in a child process (sac.dll beside the tests, run by the same dotnet host), for what only a
/// separate process can show: OS file locks, signals, and a process killed mid-run.
/// </summary>
internal sealed class SacProcess : IDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stdout;
    private readonly Task<string> _stderr;

    private SacProcess(Process process)
    {
        _process = process;
        _stdout = process.StandardOutput.ReadToEndAsync();
        _stderr = process.StandardError.ReadToEndAsync();
    }

    /// <summary>Starts <c>sac args…</c>, with every signal's default handling (see the note inside).</summary>
    public static SacProcess Start(params string[] args)
    {
        // NOTE: a test run started under nohup ignores SIGHUP, and a child inherits that, so .NET would never see the
        // SIGHUP a test sends. env(1) resets it to the default and then execs the host (same pid); a user's nohup still
        // applies to their own runs.
        var start = new ProcessStartInfo("env")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--default-signal=HUP,INT,TERM");
        start.ArgumentList.Add(DotnetHost());
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(Path.Combine(TestContext.CurrentContext.TestDirectory, "sac.dll"));
        foreach (string arg in args)
            start.ArgumentList.Add(arg);
        return new SacProcess(Process.Start(start)!);
    }

    /// <summary>The child's process id.</summary>
    public int Id => _process.Id;

    /// <summary>True once it exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Sends a POSIX signal (through kill(1), as a scheduler would).</summary>
    public void Signal(string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, Id.ToString()]);
        kill.WaitForExit();
        Assert.That(kill.ExitCode, Is.Zero, $"kill -{signal} {Id} failed");
    }

    /// <summary>Waits for the exit; returns the code and what it printed.</summary>
    public (int Code, string Out, string Err) WaitForExit(int timeoutMs = 120_000)
    {
        Assert.That(_process.WaitForExit(timeoutMs), Is.True, "sac did not exit in time");
        return (_process.ExitCode, _stdout.Result, _stderr.Result);
    }

    /// <summary>Polls until <paramref name="condition"/> holds, failing the test if the child exits or time runs out first.</summary>
    public void WaitUntil(Func<bool> condition, string what, int timeoutMs = 60_000)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (_process.HasExited)
                Assert.Fail($"sac exited (code {_process.ExitCode}) before {what}: {_stderr.Result}{_stdout.Result}");
            if (clock.ElapsedMilliseconds > timeoutMs)
                Assert.Fail($"timed out waiting for {what}");
            Thread.Sleep(5);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }

    private static string DotnetHost()
    {
        string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host))
            return host;
        string? self = Environment.ProcessPath;
        return self != null && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
    }
}
