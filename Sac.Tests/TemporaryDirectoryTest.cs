namespace Sac.Tests;

/// <summary>A fixture whose every test gets a fresh temporary directory (<see cref="Dir"/>), deleted with all it holds after the test.</summary>
/// <param name="prefix">The directory name's prefix, which says whose it is when one is left behind (sac-ckpt-…).</param>
public abstract class TemporaryDirectoryTest(string prefix)
{
    /// <summary>This test's directory.</summary>
    protected string Dir { get; private set; } = null!;

    /// <summary>Creates <see cref="Dir"/>.</summary>
    [SetUp]
    public void CreateDirectory() => Dir = Directory.CreateTempSubdirectory(prefix).FullName;

    /// <summary>Deletes <see cref="Dir"/>.</summary>
    [TearDown]
    public void DeleteDirectory() => Directory.Delete(Dir, recursive: true);
}

/// <summary>File-system helpers the tests share.</summary>
internal static class TestFiles
{
    /// <summary>Copies the directory <paramref name="from"/> with everything below it to <paramref name="to"/>.</summary>
    public static void CopyDirectory(string from, string to)
    {
        foreach (string directory in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(directory.Replace(from, to));
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, file.Replace(from, to));
    }
}
