using System.Diagnostics;
using System.Runtime.Versioning;

namespace Sac.Tests.Cli;

/// <summary>
/// A directory that refuses new files until disposed, for the CLI tests that check an unwritable --out or run is
/// refused before anything is written: mode 0555, and for root (whom modes do not stop) the immutable attribute too.
/// </summary>
[UnsupportedOSPlatform("windows")] // modes and chattr
internal sealed class ReadOnlyDirectory : IDisposable
{
    private readonly string _directory;
    private readonly bool _immutable;
    private bool _disposed;

    private ReadOnlyDirectory(string directory, bool immutable)
    {
        _directory = directory;
        _immutable = immutable;
    }

    /// <summary>
    /// Makes <paramref name="directory"/> read-only. Ignores the test where neither the mode nor chattr +i stops a
    /// write (then nothing here could show the defect).
    /// </summary>
    public static ReadOnlyDirectory Lock(string directory)
    {
        File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute |
                                        UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        // Only where the mode did not stop the write (root): chattr +i.
        bool immutable = Accepts(directory) && Chattr("+i", directory);
        var locked = new ReadOnlyDirectory(directory, immutable);
        if (Accepts(directory))
        {
            locked.Dispose();
            Assert.Ignore($"{directory} cannot be made read-only here (root without chattr +i).");
        }
        return locked;
    }

    /// <summary>Gives the directory back its owner's write permission (and removes the immutable attribute it set).</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        if (_immutable)
            Chattr("-i", _directory);
        File.SetUnixFileMode(_directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static bool Accepts(string directory)
    {
        string probe = Path.Combine(directory, "probe");
        try
        {
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static bool Chattr(string flag, string path)
    {
        try
        {
            using var chattr = Process.Start(new ProcessStartInfo("chattr", [flag, path]) { RedirectStandardError = true, UseShellExecute = false })!;
            chattr.WaitForExit();
            return chattr.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
