using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Sac.Tests.Sweeps;

/// <summary>
/// A real single-node Slurm 22.05 cluster for the tests, started without systemd (shared/notes/slurm.md): munged on its
/// own socket, then slurmctld and slurmd in the foreground, with a slurm.conf of linuxproc process tracking, no task
/// plugin and no accounting, on free ports, all in a temporary directory. The packages are installed with apt-get when
/// missing. <see cref="Dispose"/> cancels every job, then stops exactly the daemons this started, by process id.
/// </summary>
internal sealed class SlurmCluster : IDisposable
{
    private static readonly (string Path, string Package)[] s_binaries =
    [
        ("/usr/sbin/slurmctld", "slurmctld"), ("/usr/sbin/slurmd", "slurmd"), ("/usr/bin/sbatch", "slurm-client"),
        ("/usr/sbin/munged", "munge"), ("/usr/sbin/mungekey", "munge"),
    ];

    private readonly List<Process> _daemons = [];

    private SlurmCluster(string directory) => Home = directory;

    /// <summary>The cluster's temporary directory (slurm.conf, state, spool, the daemons' logs).</summary>
    public string Home { get; }

    /// <summary>slurm.conf; exported as SLURM_CONF so that sbatch, squeue and scontrol (and `sac sweep --slurm`) find it.</summary>
    public string Conf => Path.Combine(Home, "slurm.conf");

    /// <summary>Installs Slurm if needed and starts the cluster; fails the fixture (never skips it) when that cannot be done.</summary>
    public static SlurmCluster Start()
    {
        if (Run("id", "-u").Out.Trim() != "0")
            Assert.Fail("The Slurm tests start a real cluster (slurmctld and slurmd as SlurmUser=root) and install it with apt-get when missing: run the tests as root, as CI does.");
        InstallIfMissing();
        var cluster = new SlurmCluster(System.IO.Directory.CreateTempSubdirectory("sac-slurm-").FullName);
        try
        {
            cluster.Boot();
            return cluster;
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    private static void InstallIfMissing()
    {
        var missing = s_binaries.Where(b => !File.Exists(b.Path)).Select(b => b.Package).Distinct().ToArray();
        if (missing.Length == 0)
            return;
        string[] install = ["install", "-y", "--no-install-recommends", .. missing];
        var first = Run("apt-get", install);
        if (first.Code != 0)
        {
            Run("apt-get", "update");
            var second = Run("apt-get", install);
            if (second.Code != 0)
                Assert.Fail($"'apt-get {string.Join(' ', install)}' failed: {second.Err}");
        }
    }

    private void Boot()
    {
        string host = Run("hostname", "-s").Out.Trim();
        string dir = Home;
        // munged wants every directory above its socket searchable by all (a temporary directory is created 0700).
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead
                | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        foreach (string sub in new[] { "state", "spool" })
            System.IO.Directory.CreateDirectory(Path.Combine(dir, sub));
        string key = Path.Combine(dir, "munge.key");
        Expect(Run("mungekey", "-c", "-k", key, "-b", "1024"), "mungekey");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        string socket = Path.Combine(dir, "munge.socket.2");
        long memory = File.ReadLines("/proc/meminfo").Where(l => l.StartsWith("MemTotal:", StringComparison.Ordinal))
            .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024).First() - 1024;
        File.WriteAllText(Conf, $"""
            ClusterName=sactest
            SlurmctldHost={host}
            SlurmUser=root
            AuthType=auth/munge
            CredType=cred/munge
            AuthInfo=socket={socket},cred_expire=10
            StateSaveLocation={dir}/state
            SlurmdSpoolDir={dir}/spool
            SlurmctldPidFile={dir}/slurmctld.pid
            SlurmdPidFile={dir}/slurmd.pid
            SlurmctldPort={FreePort()}
            SlurmdPort={FreePort()}
            ProctrackType=proctrack/linuxproc
            TaskPlugin=task/none
            JobAcctGatherType=jobacct_gather/none
            AccountingStorageType=accounting_storage/none
            SelectType=select/cons_tres
            SelectTypeParameters=CR_Core
            MpiDefault=none
            MailProg=/bin/true
            ReturnToService=2
            KillWait=5
            SlurmctldLogFile={dir}/slurmctld.log
            SlurmdLogFile={dir}/slurmd.log
            NodeName={host} CPUs={Environment.ProcessorCount} RealMemory={memory} State=UNKNOWN
            PartitionName=debug Nodes={host} Default=YES MaxTime=INFINITE State=UP

            """);
        Environment.SetEnvironmentVariable("SLURM_CONF", Conf);

        Daemon("munged", "-F", "-S", socket, $"--key-file={key}", $"--pid-file={dir}/munged.pid", $"--log-file={dir}/munged.log", $"--seed-file={dir}/munge.seed");
        WaitFor(() => File.Exists(socket), "munged's socket", 10_000);
        Daemon("slurmctld", "-D", "-f", Conf);
        Daemon("slurmd", "-D", "-f", Conf);
        WaitFor(() => Run("sinfo", "-h", "-o", "%T").Out.Trim() == "idle", "the node to be idle", 30_000);
    }

    /// <summary>Starts a daemon in the foreground, its output in DIR/NAME.out, and keeps its process id to stop it by.</summary>
    private void Daemon(string name, params string[] args)
    {
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        // exec: the shell becomes the daemon, so the id this holds is the daemon's own.
        foreach (string arg in new[] { "-c", "exec \"$@\" >\"$0\" 2>&1", Path.Combine(Home, name + ".out"), name }.Concat(args))
            start.ArgumentList.Add(arg);
        var process = Process.Start(start)!;
        _daemons.Add(process);
        Thread.Sleep(100);
        if (process.HasExited)
            Assert.Fail($"{name} exited at once ({process.ExitCode}): {File.ReadAllText(Path.Combine(Home, name + ".out"))}");
    }

    /// <summary>A job array task's state as scontrol shows it (PENDING, RUNNING, COMPLETED, CANCELLED, FAILED…), or "" once it is gone.</summary>
    public static string State(string task)
    {
        var show = Run("scontrol", "show", "job", task);
        var match = System.Text.RegularExpressions.Regex.Match(show.Out, @"JobState=(\S+)");
        return match.Success ? match.Groups[1].Value : "";
    }

    /// <summary>A field of <c>scontrol show job</c> (e.g. Restarts).</summary>
    public static string Field(string task, string field)
    {
        var match = System.Text.RegularExpressions.Regex.Match(Run("scontrol", "show", "job", task).Out, $@"\b{field}=(\S+)");
        return match.Success ? match.Groups[1].Value : "";
    }

    /// <summary>Cancels every job and waits until the queue is empty (so no task still writes into a test's directory).</summary>
    public static void CancelAllAndWait()
    {
        Run("scancel", "--user", "root");
        WaitFor(() => Run("squeue", "-h").Out.Trim().Length == 0, "an empty queue", 30_000);
    }

    /// <summary>Runs a command; its exit code and output.</summary>
    public static (int Code, string Out, string Err) Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in args)
            start.ArgumentList.Add(arg);
        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        using var process = Process.Start(start)!;
        var err = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, err.Result);
    }

    /// <summary>Polls <paramref name="condition"/> every 100 ms; fails the test with <paramref name="what"/> after the timeout.</summary>
    public static void WaitFor(Func<bool> condition, string what, int timeoutMs)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.ElapsedMilliseconds > timeoutMs)
                Assert.Fail($"timed out after {timeoutMs / 1000} s waiting for {what}; squeue: {Run("squeue").Out}; slurmctld.log ends: {ControllerLogTail(15)}");
            Thread.Sleep(100);
        }
    }

    /// <summary>The last <paramref name="lines"/> lines of the running cluster's slurmctld.log (found from SLURM_CONF), to
    /// say why a task did not come back; empty when there is none.</summary>
    private static string ControllerLogTail(int lines)
    {
        string? conf = Environment.GetEnvironmentVariable("SLURM_CONF");
        string? log = conf is null ? null : Path.Combine(Path.GetDirectoryName(conf)!, "slurmctld.log");
        try
        {
            return log is not null && File.Exists(log) ? string.Join(" | ", File.ReadLines(log).TakeLast(lines)) : "";
        }
        catch (IOException e)
        {
            return $"(unreadable: {e.Message})"; // the message it adds to must not be lost to it
        }
    }

    private static void Expect((int Code, string Out, string Err) result, string what)
    {
        if (result.Code != 0)
            Assert.Fail($"{what} failed ({result.Code}): {result.Err}{result.Out}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Cancels the jobs, then stops slurmd, slurmctld and munged (in that order), each by its own process id.</summary>
    public void Dispose()
    {
        try
        {
            if (_daemons.Count == 3)
                CancelAllAndWait();
        }
        finally
        {
            for (int i = _daemons.Count - 1; i >= 0; i--)
            {
                var daemon = _daemons[i];
                if (!daemon.HasExited)
                {
                    Run("kill", "-TERM", daemon.Id.ToString());
                    if (!daemon.WaitForExit(10_000))
                        daemon.Kill();
                    daemon.WaitForExit();
                }
                daemon.Dispose();
            }
            Environment.SetEnvironmentVariable("SLURM_CONF", null);
            try
            {
                System.IO.Directory.Delete(Home, recursive: true);
            }
            catch (IOException)
            {
                // A daemon's last write can race the delete; the directory is under /tmp either way.
            }
        }
    }
}
