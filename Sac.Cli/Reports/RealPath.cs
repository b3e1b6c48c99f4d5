namespace Sac.Cli.Reports;

/// <summary>
/// A directory's real path, every symbolic link on the way resolved, as POSIX <c>realpath(3)</c> gives it: two paths to
/// the same directory (a link and its target, or <c>x/x/x</c> under <c>ln -s . x</c>) have the same real path.
/// </summary>
public static class RealPath
{
    /// <summary>Links followed before giving up, as the kernel's ELOOP limit (Linux MAXSYMLINKS).</summary>
    public const int MaxLinks = 40;

    /// <summary>
    /// The real path of the existing <paramref name="path"/>, or null when resolving it meets more than
    /// <see cref="MaxLinks"/> links, or a link that cannot be read.
    /// </summary>
    /// <remarks>
    /// NOTE: <paramref name="path"/> itself is first made absolute the way every Sac path is (lexically, so an
    /// explicit <c>link/..</c> in it means its parent); a link's target is resolved physically, component by component,
    /// so a target <c>../other</c> means the parent of where the link really is.
    /// </remarks>
    public static string? Resolve(string path)
    {
        string full = Path.GetFullPath(path);
        string root = Path.GetPathRoot(full)!;
        var pending = new Stack<string>();
        Push(pending, full[root.Length..]);
        string current = root;
        int links = 0;
        while (pending.TryPop(out string? name))
        {
            if (name == ".")
                continue;
            if (name == "..")
            {
                current = Path.GetDirectoryName(current) ?? current; // current is real already, so its parent is too
                continue;
            }
            string next = Path.Combine(current, name);
            string? target;
            try
            {
                target = new DirectoryInfo(next).LinkTarget;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return null;
            }
            if (target is null)
            {
                current = next;
                continue;
            }
            if (++links > MaxLinks)
                return null;
            // The target's own components come before the rest of the path; an absolute target starts again at its root.
            if (Path.IsPathRooted(target))
            {
                current = Path.GetPathRoot(target)!;
                target = target[current.Length..];
            }
            Push(pending, target);
        }
        return current;
    }

    /// <summary>Pushes the components of <paramref name="relative"/> so that the first is popped first.</summary>
    private static void Push(Stack<string> pending, string relative)
    {
        var names = relative.Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);
        for (int i = names.Length - 1; i >= 0; i--)
            pending.Push(names[i]);
    }
}
