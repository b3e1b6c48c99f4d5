using System.Runtime.InteropServices;

namespace Sac.Mujoco.Native;

/// <summary>
/// Loads <c>libmujoco.so.2.2.2</c> on first use (creating a MuJoCo task is the first use, so Sac runs without MuJoCo
/// installed until one is asked for), checks <c>mj_version()</c> against the headers the layout was generated from, and
/// installs the error hooks. Thread-safe and idempotent.
/// </summary>
internal static class MujocoLibrary
{
    /// <summary>The one command that installs the library, quoted by every "not installed" message.</summary>
    public const string InstallCommand = "apt-get install -y libmujoco2.2.2";

    private static readonly Lock s_lock = new();
    private static volatile bool s_loaded;

    /// <summary>Loads and checks the library once; later calls return at once.</summary>
    /// <exception cref="MujocoException">The library is missing, or is not version 2.2.2.</exception>
    public static void EnsureLoaded()
    {
        if (s_loaded)
            return;
        lock (s_lock)
        {
            if (s_loaded)
                return;
            if (!NativeLibrary.TryLoad(MujocoNative.LibraryName, typeof(MujocoLibrary).Assembly, searchPath: null, out nint library))
            {
                throw new MujocoException(
                    $"MuJoCo could not be loaded: {MujocoNative.LibraryName} was not found. The MuJoCo tasks need MuJoCo 2.2.2; " +
                    $"install it with: {InstallCommand}");
            }
            CheckVersion(MujocoNative.mj_version());
            MujocoHooks.Install(library);
            s_loaded = true;
        }
    }

    /// <summary>Throws unless <paramref name="version"/> (<c>mj_version()</c>) is the one the layout was generated for.</summary>
    /// <exception cref="MujocoException">The versions differ.</exception>
    public static void CheckVersion(int version)
    {
        // CRUCIAL: mjModel and mjData are read through offsets generated from the 2.2.2 headers; another version's
        // structs are laid out differently, and reading them with these offsets would return garbage, silently.
        if (version != MujocoLayout.HeaderVersion)
        {
            throw new MujocoException(
                $"{MujocoNative.LibraryName} reports mj_version() = {version}, but Sac.Mujoco's struct layout was generated " +
                $"from the headers of version {MujocoLayout.HeaderVersion}; install MuJoCo 2.2.2 ({InstallCommand}) " +
                "or regenerate the layout with Sac.Mujoco/Generator/gen_layout.sh.");
        }
    }
}
