namespace Sac.Tests;

/// <summary>The repository the tests run from: found as the directory above the test binaries that holds Sac.sln.</summary>
internal static class Repository
{
    /// <summary>The repository's root directory.</summary>
    public static string Root
    {
        get
        {
            var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
            while (dir != null && !System.IO.File.Exists(Path.Combine(dir.FullName, "Sac.sln")))
                dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("Sac.sln not found above the test directory.");
        }
    }

    /// <summary>The path of <paramref name="relative"/> (a path relative to the root, with '/' separators).</summary>
    public static string File(string relative) => Path.Combine(Root, relative);
}
