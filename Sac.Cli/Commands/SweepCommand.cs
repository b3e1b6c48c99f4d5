using System.CommandLine;
using System.Globalization;
using Sac.Cli.Runs;
using Sac.Cli.Sweeps;

namespace Sac.Cli.Commands;

/// <summary>
/// `sac sweep SWEEP.json`: expands a sweep file into a sweep directory of run directories, and runs them with
/// <c>--local N</c> or submits them as a Slurm job array with <c>--slurm</c>; `sac sweep status DIR` shows each cell's
/// state, and `sac sweep run-cell DIR INDEX` is what each array task (and each local child) runs.
/// </summary>
public static class SweepCommand
{
    private static readonly Argument<string> Sweep = new("SWEEP") { Description = "A sweep file (JSON), or a sweep directory to continue." };
    private static readonly Option<string?> Out = new("--out") { Description = "The sweep directory (default sweeps/<name>; a sweep directory given as SWEEP is its own)." };
    private static readonly Option<int?> Local = new("--local") { Description = "Run the unfinished cells on this machine, N at a time (threads per run: max(1, cores / N))." };
    private static readonly Option<bool> Slurm = new("--slurm") { Description = "Write sweep.sbatch (a job array, one task per unfinished cell) and submit it with sbatch." };
    private static readonly Option<int?> Threads = new("--threads") { Description = "Threads per run (--slurm: also --cpus-per-task; default 1; --local: default max(1, cores / N))." };
    private static readonly Option<string?> Partition = new("--partition") { Description = "--slurm: the partition (default the cluster's)." };
    private static readonly Option<string?> Time = new("--time") { Description = "--slurm: each task's time limit, as sbatch takes it (e.g. 4:00:00); a task that reaches it checkpoints and requeues itself." };
    private static readonly Option<int> SignalLead = new("--signal-lead") { Description = "--slurm: seconds before the time limit at which a task checkpoints and requeues itself (Slurm sends the signal up to 60 s early).", DefaultValueFactory = _ => 180 };
    private static readonly Option<int?> MaxParallel = new("--max-parallel") { Description = "--slurm: at most this many tasks at once (--array=…%M)." };
    private static readonly Option<string[]> Sbatch = new("--sbatch") { Description = "--slurm: one more #SBATCH line, verbatim (repeatable), e.g. --sbatch --mem=4G --sbatch --account=rl." };
    private static readonly Option<bool> DryRun = new("--dry-run") { Description = "--slurm: write the script but do not submit it." };

    /// <summary>The #SBATCH options the script sets itself, and what to give instead of an --sbatch line for them.</summary>
    private static readonly Dictionary<string, string> s_ownedBySweep = new(StringComparer.Ordinal)
    {
        ["--array"] = "it holds the unfinished cells (limit it with --max-parallel)",
        ["-a"] = "it holds the unfinished cells (limit it with --max-parallel)",
        ["--output"] = "each task's log is logs/cell-<index>.log, which status reads",
        ["-o"] = "each task's log is logs/cell-<index>.log, which status reads",
        ["--open-mode"] = "logs are appended so that a requeued task keeps its history",
        ["--signal"] = "give --signal-lead",
        ["--requeue"] = "every task is requeueable",
        ["--no-requeue"] = "a task must be requeueable to continue after its time limit",
        ["--cpus-per-task"] = "give --threads",
        ["-c"] = "give --threads",
        ["--ntasks"] = "each task is one run",
        ["-n"] = "each task is one run",
        ["--partition"] = "give --partition",
        ["-p"] = "give --partition",
        ["--time"] = "give --time",
        ["-t"] = "give --time",
    };

    /// <summary>Builds the command; <paramref name="sac"/> runs a `sac` command line in this process (for run-cell).</summary>
    public static Command Create(Func<string[], TextWriter, TextWriter, int> sac)
    {
        var command = new Command("sweep", "Expand a sweep file (environments × algorithms × option grid or list × seeds) into one run per cell, and run them with --local N or --slurm; rerunning continues unfinished runs and skips finished ones.")
        {
            Sweep, Out, Local, Slurm, Threads, Partition, Time, SignalLead, MaxParallel, Sbatch, DryRun,
        };
        command.Subcommands.Add(StatusCommand());
        command.Subcommands.Add(RunCellCommand(sac));
        command.SetAction(parse => CommandGuard.Guard(parse, () => Execute(parse)));
        return command;
    }

    private static int Execute(ParseResult parse)
    {
        var output = parse.InvocationConfiguration.Output;
        string source = parse.GetValue(Sweep)!;
        int? local = parse.GetValue(Local);
        bool slurm = parse.GetValue(Slurm);
        int? threads = parse.GetValue(Threads);
        CheckExecutorOptions(parse, local, slurm, threads);

        // Every check before the first write: the file, its expansion, every cell's validation, the directory on disk.
        bool isDirectory = SweepDirectory.IsSweepDirectory(source);
        var file = isDirectory ? SweepFile.Read(Path.Combine(source, "sweep.json")) : ReadFile(source);
        string directory = parse.GetValue(Out) ?? (isDirectory ? source : Path.Combine("sweeps", file.Name));
        var sweep = SweepDirectory.Prepare(file, directory);

        if (local is int parallel)
        {
            using var held = sweep.Lock();
            using var interruption = new Interruption();
            return new LocalExecutor(sweep, parallel, threads ?? LocalExecutor.ThreadsFor(parallel), output).Run(interruption);
        }
        if (slurm)
            return SubmitToSlurm(parse, sweep, threads ?? 1);
        output.WriteLine($"Prepared {sweep.Plan.Cells.Count} cells in {sweep.Path} (manifest.json; a run directory each under runs/):");
        const int shown = 20;
        foreach (var cell in sweep.Plan.Cells.Take(shown))
            output.WriteLine($"{cell.Index,6}  {SweepDirectory.RunsFolder}/{cell.Name}");
        if (sweep.Plan.Cells.Count > shown)
            output.WriteLine($"        … and {sweep.Plan.Cells.Count - shown} more (see {sweep.Manifest})");
        output.WriteLine($"Run them with: sac sweep {sweep.Path} --local N, or --slurm; see their state with: sac sweep status {sweep.Path}");
        return 0;
    }

    private static SweepFile ReadFile(string path)
    {
        if (Directory.Exists(path))
            throw new UsageException($"{Path.GetFullPath(path)} is a directory but not a sweep directory (no manifest.json); give a sweep file.");
        if (!File.Exists(path))
            throw new UsageException($"sweep file {path}: no such file.");
        return SweepFile.Read(path);
    }

    private static void CheckExecutorOptions(ParseResult parse, int? local, bool slurm, int? threads)
    {
        if (local is not null && slurm)
            throw new UsageException("Choose one of --local N and --slurm.");
        if (local is < 1)
            throw new UsageException($"--local must be ≥ 1 (runs at a time), got {local}.");
        if (threads is < 1 or > Sac.Core.Algorithms.SacOptions.MaxThreads)
            throw new UsageException($"--threads must be between 1 and {Sac.Core.Algorithms.SacOptions.MaxThreads}, got {threads}.");
        if (local is int n && threads is int t && n * t > Environment.ProcessorCount)
            throw new UsageException($"--local {n} with --threads {t} would run {n * t} threads on {Environment.ProcessorCount} cores; give fewer (runs × threads ≤ cores), or omit --threads.");
        if (!slurm)
        {
            foreach (Option option in new Option[] { Partition, Time, SignalLead, MaxParallel, Sbatch, DryRun })
                if (parse.GetResult(option) is { Implicit: false })
                    throw new UsageException($"{option.Name} is an option of --slurm.");
        }
        if (parse.GetValue(SignalLead) is < 1 or > 65535)
            throw new UsageException($"--signal-lead must be between 1 and 65535 seconds, got {parse.GetValue(SignalLead)}.");
        foreach (string line in parse.GetValue(Sbatch) ?? [])
        {
            string option = line.Replace("#SBATCH", "").Trim().Split('=', ' ')[0];
            if (s_ownedBySweep.TryGetValue(option, out string? instead))
                throw new UsageException($"--sbatch '{line}': sac sweep writes {option} itself; {instead}.");
        }
        // A lead at or past the limit would signal every task at its start: it would checkpoint and requeue forever.
        if (parse.GetValue(Time) is string time && SlurmExecutor.TimeLimitSeconds(time) is long limit && parse.GetValue(SignalLead) >= limit)
            throw new UsageException($"--signal-lead {parse.GetValue(SignalLead)} s is not below --time {time} ({limit} s): every task would checkpoint and requeue itself at once; give a longer --time or a shorter --signal-lead.");
        if (parse.GetValue(MaxParallel) is < 1)
            throw new UsageException($"--max-parallel must be ≥ 1, got {parse.GetValue(MaxParallel)}.");
        foreach (string? text in new[] { parse.GetValue(Partition), parse.GetValue(Time) }.Concat(parse.GetValue(Sbatch) ?? []))
            if (text is not null && (text.Length == 0 || text.Contains('\n') || text.Contains('\r')))
                throw new UsageException($"--partition, --time and --sbatch take one non-empty line each, got '{CommandGuard.OneLine(text)}'.");
    }

    private static int SubmitToSlurm(ParseResult parse, SweepDirectory sweep, int threads)
    {
        var output = parse.InvocationConfiguration.Output;
        var todo = sweep.Plan.Cells.Where(c => CellStatus.Read(sweep.Run(c), c.Config.Steps).State is not (CellState.Finished or CellState.Running))
            .Select(c => c.Index).ToList();
        if (todo.Count == 0)
        {
            output.WriteLine($"Every cell of {sweep.Path} is finished or running; nothing to submit (see 'sac sweep status {sweep.Path}').");
            return 0;
        }
        var extra = (parse.GetValue(Sbatch) ?? []).Select(line => line.StartsWith("#SBATCH", StringComparison.Ordinal) ? line["#SBATCH".Length..].Trim() : line.Trim()).ToList();
        var options = new SlurmOptions(threads, parse.GetValue(Partition), parse.GetValue(Time), parse.GetValue(SignalLead), parse.GetValue(MaxParallel), extra);
        bool dryRun = parse.GetValue(DryRun);
        using (sweep.Lock())
        {
            string? job = SlurmExecutor.Submit(sweep, todo, options, dryRun);
            if (job is null)
            {
                output.WriteLine($"Wrote {sweep.Script} ({todo.Count} tasks, array {SlurmExecutor.ArraySpec(todo)}); submit it with: sbatch {sweep.Script}");
                return 0;
            }
            output.WriteLine($"Submitted job array {job} ({todo.Count} tasks, array {SlurmExecutor.ArraySpec(todo)}, {threads} CPU(s) each): {sweep.Script}");
            output.WriteLine($"Follow it with: sac sweep status {sweep.Path}   (or squeue -j {job}); logs in {sweep.Logs}");
        }
        return 0;
    }

    private static Command StatusCommand()
    {
        var directory = new Argument<string>("DIR") { Description = "A sweep directory." };
        var command = new Command("status", "Each cell's state (pending, running, interrupted, finished, failed with its last error line), read from the run directories.") { directory };
        command.SetAction(parse => CommandGuard.Guard(parse, () =>
        {
            var output = parse.InvocationConfiguration.Output;
            var sweep = SweepDirectory.Open(parse.GetValue(directory)!);
            var states = sweep.Plan.Cells.Select(c => (Cell: c, Status: CellStatus.Read(sweep.Run(c), c.Config.Steps))).ToList();
            var counts = Enum.GetValues<CellState>().Select(s => $"{states.Count(x => x.Status.State == s)} {s.ToString().ToLowerInvariant()}");
            output.WriteLine($"{sweep.Path}: {sweep.Plan.File.Name}, {states.Count} cells: {string.Join(", ", counts)}");
            output.WriteLine($"{"cell",4}  {"state",-11}  {"step",15}  {"final eval",10}  run");
            foreach (var (cell, status) in states)
            {
                string final = status.FinalEval is double f ? f.ToString("F1", CultureInfo.InvariantCulture) : "-";
                string detail = status.State switch
                {
                    CellState.Failed => $"  exit {status.ExitCode}: {status.Error}",
                    CellState.Interrupted when status.ExitCode is int code => $"  (exit {code}; resumes from its checkpoint)",
                    CellState.Interrupted => "  (stopped without an exit record; resumes from its checkpoint, or from step 0 if it has none)",
                    _ => "",
                };
                output.WriteLine($"{cell.Index,4}  {status.State.ToString().ToLowerInvariant(),-11}  {$"{status.Step}/{status.TotalSteps}",15}  {final,10}  {SweepDirectory.RunsFolder}/{cell.Name}{detail}");
            }
            return 0;
        }));
        return command;
    }

    private static Command RunCellCommand(Func<string[], TextWriter, TextWriter, int> sac)
    {
        var directory = new Argument<string>("DIR") { Description = "A sweep directory." };
        var index = new Argument<int>("INDEX") { Description = "The cell's index (a Slurm array task's SLURM_ARRAY_TASK_ID)." };
        var threads = new Option<int?>("--threads") { Description = "Threads of the run (default SLURM_CPUS_PER_TASK, else 1)." };
        var command = new Command("run-cell", "Start or resume one cell's run (what each Slurm array task and each --local child runs); a finished cell is left as it is.") { directory, index, threads };
        command.SetAction(parse => CommandGuard.Guard(parse, () =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var sweep = SweepDirectory.Open(parse.GetValue(directory)!);
            int i = parse.GetValue(index);
            if (i < 0 || i >= sweep.Plan.Cells.Count)
                throw new UsageException($"INDEX must be between 0 and {sweep.Plan.Cells.Count - 1} (the cells of {sweep.Path}), got {i}.");
            var cell = sweep.Plan.Cells[i];
            int t = parse.GetValue(threads)
                ?? (int.TryParse(Environment.GetEnvironmentVariable("SLURM_CPUS_PER_TASK"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int cpus) ? cpus : 1);
            return RunCell(sweep, cell, t, sac, output, error);
        }));
        return command;
    }

    /// <summary>
    /// `sac train --resume RUN --threads T` in this process, so the run's own SIGTERM handling is the task's; the
    /// attempt's end is recorded in the run's exit.json for `sac sweep status`.
    /// </summary>
    private static int RunCell(SweepDirectory sweep, SweepCell cell, int threads, Func<string[], TextWriter, TextWriter, int> sac, TextWriter output, TextWriter error)
    {
        var run = sweep.Run(cell);
        // Finished means a summary that covers the cell's steps (an extension stopped midway keeps its old summary).
        if (CellStatus.Read(run, cell.Config.Steps).State == CellState.Finished)
        {
            output.WriteLine($"Cell {cell.Index} ({cell.Name}) is already finished; nothing to do.");
            return 0;
        }
        var recorder = new LastLineWriter(error);
        string[] train = ["train", "--resume", run.Path, "--threads", threads.ToString(CultureInfo.InvariantCulture)];
        output.WriteLine($"Cell {cell.Index} of {sweep.Plan.Cells.Count}: {cell.Name}");
        for (int attempt = 1; ; attempt++)
        {
            if (CellStatus.IsLocked(run))
            {
                // NOTE: `sac sweep status` probes the lock for an instant; a run held longer than a few tries is really running.
                if (attempt < 5)
                {
                    Thread.Sleep(200);
                    continue;
                }
                output.WriteLine($"Cell {cell.Index} is running in another process (it holds {run.Path}/{RunDirectory.LockFileName}); leaving it to that one.");
                return 0;
            }
            if (File.Exists(run.Exit))
                File.Delete(run.Exit);
            int code = sac(train, output, recorder);
            if (code == 2 && recorder.Last?.Contains("in use by another sac process", StringComparison.Ordinal) == true && attempt < 5)
                continue;
            CellStatus.WriteExit(run, code, code == 0 ? null : recorder.Last);
            return code;
        }
    }

    /// <summary>Passes everything on to <paramref name="inner"/> and remembers the last non-empty line.</summary>
    private sealed class LastLineWriter(TextWriter inner) : TextWriter
    {
        private readonly System.Text.StringBuilder _line = new();

        public string? Last { get; private set; }

        public override System.Text.Encoding Encoding => inner.Encoding;

        public override void Write(char value)
        {
            inner.Write(value);
            if (value == '\n')
            {
                if (_line.ToString().Trim() is { Length: > 0 } line)
                    Last = line;
                _line.Clear();
            }
            else
                _line.Append(value);
        }

        public override void Flush() => inner.Flush();
    }
}
