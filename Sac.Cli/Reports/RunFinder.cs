using Sac.Cli.Runs;

namespace Sac.Cli.Reports;

/// <summary>
/// Finds the Sac runs under the report's directories (any directory whose config.json is a Sac run, at any depth),
/// walking each real directory once, however many paths lead to it.
/// </summary>
/// <remarks>
/// CRUCIAL: directories are told apart by their real path (<see cref="RealPath"/>), not by the path the walk took. A
/// folder with <c>ln -s . x</c> in it has the paths <c>x</c>, <c>x/x</c>, … up to the kernel's limit of 40 links, and
/// two such links make 2⁴⁰ paths: a walk by path lists every run 40 times, or never ends.
/// <para>
/// Every real tree is walked before any link is followed, so a run is named by a path without links whenever the given
/// directories hold one; a link to a directory outside them is followed, once. Siblings go in ordinal order: the same
/// tree always gives the same runs in the same order.
/// </para>
/// </remarks>
public sealed class RunFinder
{
    private readonly HashSet<string> _visited = new(OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
    private readonly Queue<string> _links = new();
    private readonly List<RunDirectory> _runs = [];
    private readonly List<string> _skipped = [];

    private RunFinder()
    {
    }

    /// <summary>
    /// The runs under <paramref name="directories"/>, each once, and the directories that could not be read, with why.
    /// A given directory that does not exist or cannot be listed is a <see cref="UsageException"/>.
    /// </summary>
    public static (IReadOnlyList<RunDirectory> Runs, IReadOnlyList<string> Skipped) Find(IEnumerable<string> directories)
    {
        var finder = new RunFinder();
        foreach (string directory in directories)
        {
            var root = new RunDirectory(directory, "report");
            if (!Directory.Exists(root.Path))
                throw new UsageException($"{root.Path}: no such directory.");
            string real = RealPath.Resolve(root.Path) ?? throw new UsageException($"{root.Path}: too many symbolic links to resolve.");
            finder.Walk(root.Path, real, isRoot: true);
        }
        while (finder._links.TryDequeue(out string? link))
        {
            string? real = RealPath.Resolve(link);
            if (real is null)
                finder._skipped.Add($"{link} (too many symbolic links to resolve)");
            else
                finder.Walk(link, real, isRoot: false);
        }
        return (finder._runs, finder._skipped);
    }

    /// <summary>Depth first through the real subdirectories of <paramref name="path"/>; links are queued for later.</summary>
    private void Walk(string path, string real, bool isRoot)
    {
        // An explicit stack rather than recursion: a deep tree must not overflow the call stack.
        var stack = new Stack<(string Path, string Real)>();
        stack.Push((path, real));
        bool top = isRoot;
        while (stack.TryPop(out var directory))
        {
            if (!_visited.Add(directory.Real))
                continue;
            var run = new RunDirectory(directory.Path, "report");
            string[] children;
            try
            {
                if (run.IsSacRun)
                {
                    _runs.Add(run);
                    continue;
                }
                children = Directory.GetDirectories(run.Path).Order(StringComparer.Ordinal).ToArray();
            }
            catch (Exception e) when (!top && e is UsageException or IOException or UnauthorizedAccessException)
            {
                // Deep inside the given directories an unreadable folder costs its own runs, not the whole report.
                _skipped.Add($"{run.Path} (cannot be read: {e.Message.TrimEnd('.')})");
                continue;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UsageException($"Cannot list {run.Path}: {e.Message}");
            }
            top = false;
            var subdirectories = new List<(string, string)>();
            foreach (string child in children)
            {
                if (IsLink(child))
                    _links.Enqueue(child);
                else
                    subdirectories.Add((child, Path.Combine(directory.Real, Path.GetFileName(child))));
            }
            for (int i = subdirectories.Count - 1; i >= 0; i--)
                stack.Push(subdirectories[i]); // so the first in ordinal order is walked first
        }
    }

    private static bool IsLink(string path)
    {
        try
        {
            return new DirectoryInfo(path).LinkTarget is not null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return true; // resolved later, where a failure is reported with the path
        }
    }
}
